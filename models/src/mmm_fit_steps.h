// The steps of fit_media_mix, each in its own source: the parameter search,
// the choice of ridge strength, and the decomposition into contributions
// with bootstrap intervals. Private to the MMM sources.
#pragma once

#include <Eigen/Dense>

#include "mmm_design.h"

namespace bidline::mmm {

// Least-squares fit on the first `rows` rows; returns coefficients in scaled outcome units.
Eigen::VectorXd fit_rows(const MediaDesign& d, std::size_t rows, double lambda);
double squared_error(const MediaDesign& d, const Eigen::VectorXd& b, std::size_t from, std::size_t to);

// Searches every channel's adstock and saturation parameters on the first
// `train_rows` rows and leaves the best in `design`. Returns evaluations used.
int search_transforms(MediaDesign& design, std::size_t train_rows, const MmmOptions& options);

// Ridge strength from the grid with the least error over expanding-window folds of the training rows.
double choose_ridge(const MediaDesign& design, std::size_t train_rows, const MmmOptions& options);

// Contributions, ROI, marginal ROI, curves and bootstrap intervals from the full-series coefficients.
void decompose(const MediaDesign& design, const MediaSeries& series, const Eigen::VectorXd& b, double lambda,
               const MmmOptions& options, MediaMixResult& out);

}  // namespace bidline::mmm
