// The design matrix of the media-mix regression: baseline columns (intercept,
// trend, Fourier terms, standardised controls) fixed at construction, one
// column per channel recomputed whenever the search tries new adstock or
// saturation parameters. The outcome is scaled to mean 1 so that the ridge
// strength and the search tolerances mean the same on any currency.
// Private to the MMM sources; one instance per fit, one thread.
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "bidline/models/mmm/media_mix_model.h"

namespace bidline::mmm {

struct ChannelTransform {
    Adstock adstock;
    Saturation saturation;
};

class MediaDesign {
public:
    MediaDesign(const MediaSeries& series, const MmmOptions& options);

    [[nodiscard]] std::size_t rows() const { return static_cast<std::size_t>(x_.rows()); }
    [[nodiscard]] std::size_t media_begin() const { return media_begin_; }
    [[nodiscard]] std::size_t channels() const { return spend_.size(); }
    [[nodiscard]] const Eigen::MatrixXd& x() const { return x_; }
    [[nodiscard]] const Eigen::VectorXd& y() const { return y_; }
    [[nodiscard]] double outcome_scale() const { return scale_; }
    // Mean of the positive spends: the unit in which half-saturation points are searched.
    [[nodiscard]] double typical_spend(std::size_t c) const { return typical_[c]; }
    [[nodiscard]] const std::vector<double>& spend(std::size_t c) const { return spend_[c]; }
    [[nodiscard]] const std::vector<double>& adstocked(std::size_t c) const { return adstocked_[c]; }
    [[nodiscard]] const ChannelTransform& transform(std::size_t c) const { return transform_[c]; }

    void set_channel(std::size_t c, const ChannelTransform& t);
    // Ridge penalty weights: each column's variance over the first `rows`
    // rows times `rows` (penalising standardised coefficients); the intercept is free.
    [[nodiscard]] Eigen::VectorXd penalty(std::size_t rows) const;
    [[nodiscard]] const std::vector<char>& nonnegative() const { return nonnegative_; }

private:
    Eigen::MatrixXd x_;
    Eigen::VectorXd y_;
    double scale_ = 1;
    std::size_t media_begin_ = 0;
    std::vector<std::vector<double>> spend_, adstocked_;
    std::vector<double> typical_;
    std::vector<ChannelTransform> transform_;
    std::vector<char> nonnegative_;
};

// Least squares with penalty λ·penalty_j·b_j² and b_j ≥ 0 where nonnegative[j]
// (active set: the most negative constrained coefficient is pinned to zero
// and the rest re-solved until none is negative).
Eigen::VectorXd solve_ridge(const Eigen::MatrixXd& xtx, const Eigen::VectorXd& xty, const Eigen::VectorXd& penalty,
                            double lambda, const std::vector<char>& nonnegative);

// Negative log prior density (up to a constant) of one channel's transform:
// decay ~ N(0.3, 0.2); Weibull shape, scale ~ log-normal around 1.5 and 2
// periods (log sd 0.7); κ ÷ typical spend ~ log-normal around 1 (log sd 0.5);
// Hill slope ~ log-normal around 1.5 (log sd 0.4). Weakly informative: the
// usual ranges of weekly media lie within about two sd.
double transform_prior(const ChannelTransform& t, double typical_spend);

// Per-channel search coordinates in the unit box ↔ adstock and saturation parameters.
std::size_t transform_dimensions(const MmmOptions& o);
ChannelTransform decode_transform(const double* unit, const MmmOptions& o, double typical_spend);

}  // namespace bidline::mmm
