// Bid multiplier by dual descent (Balseiro & Gur, "Learning in repeated
// auctions with budgets: regret minimization and equilibrium", 2019):
// bid = value / (1 + μ), with μ the Lagrange multiplier of the budget
// constraint, updated by a (sub)gradient step on the gap between realised
// and target spend rate: μ ← clamp(μ + η · gap · dt). μ may go below 0 (down
// to μ_min) so that a value scale that starts too low can be raised:
// strategies like max_clicks have no natural value scale.
#pragma once

#include "bidline/pacing/pacing_controller.h"

namespace bidline {

class DualMultiplierController final : public PacingController {
public:
    struct Params {
        double step_per_s = 1.0 / 300;  // η, per second of sustained 100 % gap
        double mu_min = -0.99;          // multiplier up to 100×
        double mu_max = 99.0;           // and down to 0.01×
    };
    DualMultiplierController() : DualMultiplierController(Params{}) {}
    explicit DualMultiplierController(Params p) : p_(p) {}

    PacingKnobs update(const PacingSignal& s) override;
    std::string_view name() const override { return "dual"; }
    std::vector<double> state() const override { return {mu_}; }
    bool restore(std::span<const double> state) override;
    double mu() const { return mu_; }

private:
    Params p_;
    double mu_ = 0.0;
};

}  // namespace bidline
