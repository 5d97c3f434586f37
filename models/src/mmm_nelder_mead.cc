#include <algorithm>
#include <cmath>
#include <numeric>

#include "bidline/models/mmm/nelder_mead.h"

namespace bidline::mmm {
namespace {

void clamp_unit(std::vector<double>& p) {
    for (double& v : p) v = std::clamp(v, 0.0, 1.0);
}

}  // namespace

NelderMeadResult nelder_mead(const std::function<double(std::span<const double>)>& f, std::vector<double> start,
                             const NelderMeadLimits& limits) {
    const std::size_t d = start.size();
    int evals = 0;
    auto eval = [&](std::vector<double>& p) {
        clamp_unit(p);
        ++evals;
        return f(p);
    };
    std::vector<std::vector<double>> simplex(d + 1, start);
    std::vector<double> value(d + 1);
    for (std::size_t i = 0; i < d; ++i) {
        // Step away from the nearer wall so no vertex collapses onto another when clamped.
        simplex[i + 1][i] += start[i] > 0.5 ? -limits.initial_step : limits.initial_step;
    }
    for (std::size_t i = 0; i <= d; ++i) value[i] = eval(simplex[i]);

    std::vector<std::size_t> order(d + 1);
    std::vector<double> centroid(d), trial(d), trial2(d);
    while (evals < limits.max_evaluations) {
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](auto a, auto b) { return value[a] < value[b]; });
        const std::size_t best = order.front(), worst = order.back(), second = order[d - 1];
        if (std::abs(value[worst] - value[best]) <= limits.tolerance * (std::abs(value[best]) + 1e-300)) break;
        std::fill(centroid.begin(), centroid.end(), 0.0);
        for (std::size_t i : order)
            if (i != worst)
                for (std::size_t k = 0; k < d; ++k) centroid[k] += simplex[i][k] / static_cast<double>(d);
        auto along = [&](double t, std::vector<double>& out) {
            for (std::size_t k = 0; k < d; ++k) out[k] = centroid[k] + t * (simplex[worst][k] - centroid[k]);
            return eval(out);
        };
        const double reflected = along(-1.0, trial);
        if (reflected < value[best]) {
            const double expanded = along(-2.0, trial2);
            if (expanded < reflected) {
                simplex[worst] = trial2;
                value[worst] = expanded;
            } else {
                simplex[worst] = trial;
                value[worst] = reflected;
            }
        } else if (reflected < value[second]) {
            simplex[worst] = trial;
            value[worst] = reflected;
        } else {
            const bool outside = reflected < value[worst];
            const double contracted = along(outside ? -0.5 : 0.5, trial2);
            if (contracted < (outside ? reflected : value[worst])) {
                simplex[worst] = trial2;
                value[worst] = contracted;
            } else {
                for (std::size_t i : order) {
                    if (i == best) continue;
                    for (std::size_t k = 0; k < d; ++k) simplex[i][k] = simplex[best][k] + 0.5 * (simplex[i][k] - simplex[best][k]);
                    value[i] = eval(simplex[i]);
                }
            }
        }
    }
    const auto best = static_cast<std::size_t>(std::min_element(value.begin(), value.end()) - value.begin());
    return {simplex[best], value[best], evals};
}

}  // namespace bidline::mmm
