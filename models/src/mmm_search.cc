#include <cmath>
#include <limits>
#include <random>

#include "bidline/models/mmm/nelder_mead.h"
#include "mmm_fit_steps.h"

namespace bidline::mmm {
namespace {

// The search's ridge is tiny: it only keeps the system well posed; the real
// strength is chosen afterwards by cross-validation.
constexpr double kSearchRidge = 1e-4;

// Every point of {0.15, 0.5, 0.85}^dims: a coarse first look that keeps
// Nelder–Mead from starting in the wrong basin.
std::vector<std::vector<double>> coarse_grid(std::size_t dims) {
    std::vector<std::vector<double>> out{{}};
    for (std::size_t d = 0; d < dims; ++d) {
        std::vector<std::vector<double>> next;
        for (const auto& p : out)
            for (double v : {0.15, 0.5, 0.85}) {
                next.push_back(p);
                next.back().push_back(v);
            }
        out = std::move(next);
    }
    return out;
}

}  // namespace

Eigen::VectorXd fit_rows(const MediaDesign& d, std::size_t rows, double lambda) {
    const auto x = d.x().topRows(static_cast<Eigen::Index>(rows));
    const Eigen::MatrixXd xtx = x.transpose() * x;
    const Eigen::VectorXd xty = x.transpose() * d.y().head(static_cast<Eigen::Index>(rows));
    return solve_ridge(xtx, xty, d.penalty(rows), lambda, d.nonnegative());
}

double squared_error(const MediaDesign& d, const Eigen::VectorXd& b, std::size_t from, std::size_t to) {
    const auto n = static_cast<Eigen::Index>(to - from);
    return (d.y().segment(static_cast<Eigen::Index>(from), n) -
            d.x().middleRows(static_cast<Eigen::Index>(from), n) * b)
        .squaredNorm();
}

int search_transforms(MediaDesign& design, std::size_t train_rows, const MmmOptions& o) {
    const std::size_t channels = design.channels(), dims = transform_dimensions(o);
    int evaluations = 0;
    // Negative log posterior with the noise variance profiled out:
    // n/2·log(SSE) + prior strength × Σ_c transform prior.
    const double half_n = 0.5 * static_cast<double>(train_rows);
    auto objective = [&] {
        ++evaluations;
        double prior = 0;
        if (o.prior_strength > 0)
            for (std::size_t c = 0; c < channels; ++c)
                prior += transform_prior(design.transform(c), design.typical_spend(c));
        const double sse = squared_error(design, fit_rows(design, train_rows, kSearchRidge), 0, train_rows);
        return half_n * std::log(sse + 1e-300) + o.prior_strength * prior;
    };
    auto apply = [&](std::size_t c, const std::vector<double>& unit) {
        design.set_channel(c, decode_transform(unit.data(), o, design.typical_spend(c)));
    };
    std::mt19937_64 rng(o.seed);
    std::uniform_real_distribution<double> uniform(0.05, 0.95);
    const auto grid = coarse_grid(dims);

    std::vector<std::vector<double>> best_units;
    double best = std::numeric_limits<double>::infinity();
    for (int start = 0; start < std::max(1, o.restarts); ++start) {
        std::vector<std::vector<double>> units(channels, std::vector<double>(dims, 0.5));
        if (start > 0)
            for (auto& u : units)
                for (double& v : u) v = uniform(rng);
        for (std::size_t c = 0; c < channels; ++c) apply(c, units[c]);
        double current = objective();
        for (int sweep = 0; sweep < o.max_sweeps; ++sweep) {
            const double before = current;
            for (std::size_t c = 0; c < channels; ++c) {
                if (start == 0 && sweep == 0) {
                    for (const auto& p : grid) {
                        apply(c, p);
                        if (const double v = objective(); v < current) current = v, units[c] = p;
                    }
                }
                auto f = [&](std::span<const double> p) {
                    apply(c, std::vector<double>(p.begin(), p.end()));
                    return objective();
                };
                NelderMeadLimits limits;
                limits.initial_step = sweep == 0 ? 0.15 : 0.05;
                limits.max_evaluations = 40 * static_cast<int>(dims);
                limits.tolerance = 1e-8;
                const auto r = nelder_mead(f, units[c], limits);
                if (r.value < current) current = r.value, units[c] = r.point;
                apply(c, units[c]);
            }
            if (before - current <= 1e-6 * std::abs(before) + 1e-9) break;
        }
        if (current < best) best = current, best_units = units;
    }
    for (std::size_t c = 0; c < channels; ++c) apply(c, best_units[c]);
    return evaluations;
}

double choose_ridge(const MediaDesign& d, std::size_t train_rows, const MmmOptions& o) {
    if (o.ridge_grid.empty()) return 0.0;
    const std::size_t folds = static_cast<std::size_t>(std::max(1, o.cv_folds));
    const std::size_t block = train_rows / (folds + 1);
    const std::size_t min_rows = static_cast<std::size_t>(d.x().cols()) + 4;
    double best_lambda = o.ridge_grid.front(), best_error = std::numeric_limits<double>::infinity();
    for (double lambda : o.ridge_grid) {
        double error = 0;
        int used = 0;
        for (std::size_t k = 1; k <= folds; ++k) {
            const std::size_t fit_end = k * block, test_end = k == folds ? train_rows : (k + 1) * block;
            if (fit_end < min_rows || test_end <= fit_end) continue;
            error += squared_error(d, fit_rows(d, fit_end, lambda), fit_end, test_end);
            ++used;
        }
        if (used == 0) return o.ridge_grid.front();
        if (error < best_error) best_error = error, best_lambda = lambda;
    }
    return best_lambda;
}

}  // namespace bidline::mmm
