// Nelder–Mead simplex minimisation (Nelder & Mead 1965, with the standard
// reflection/expansion/contraction/shrink coefficients) inside the unit box.
// The media-mix search uses it per channel on the few adstock and saturation
// parameters, where it needs no gradients and copes with the kinks that
// non-negative coefficients put into the objective.
#pragma once

#include <functional>
#include <span>
#include <vector>

namespace bidline::mmm {

struct NelderMeadResult {
    std::vector<double> point;
    double value = 0;
    int evaluations = 0;
};

struct NelderMeadLimits {
    double initial_step = 0.15;  // simplex edge, in unit-box coordinates
    int max_evaluations = 200;
    double tolerance = 1e-9;     // stop when the simplex values differ by less (relative)
};

// Points are clamped to [0,1]^d before `f` sees them.
NelderMeadResult nelder_mead(const std::function<double(std::span<const double>)>& f, std::vector<double> start,
                             const NelderMeadLimits& limits);

}  // namespace bidline::mmm
