// Throttling (Agarwal et al., "Budget pacing for targeted online
// advertisements at LinkedIn", KDD 2014): the bid is left alone and the
// share of requests a line item takes part in is adjusted multiplicatively:
// p ← p · exp(−gain · gap · dt), gap = relative overspend. Suits manual
// bids, whose price the advertiser chose.
#pragma once

#include "bidline/pacing/pacing_controller.h"

namespace bidline {

class ThrottleController final : public PacingController {
public:
    struct Params {
        double gain_per_s = 1.0 / 120;  // a sustained 100 % gap moves p by e× in 2 minutes
        double min_pass = 0.001;
        double initial = 1.0;
    };
    ThrottleController() : ThrottleController(Params{}) {}
    explicit ThrottleController(Params p) : p_(p), pass_(p.initial) {}

    PacingKnobs update(const PacingSignal& s) override;
    std::string_view name() const override { return "throttle"; }
    std::vector<double> state() const override { return {pass_}; }
    bool restore(std::span<const double> state) override;

private:
    Params p_;
    double pass_;
};

}  // namespace bidline
