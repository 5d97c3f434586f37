// PID control of the spend rate (Zhang et al., "Feedback control of
// real-time display advertising", WSDM 2016): the error e = −gap (positive
// when under-spending) drives φ = Kp·e + Ki·∫e dt + Kd·de/dt and the bid is
// scaled by exp(φ), bounded; the integral is clamped (anti-windup) to the
// range φ may take.
#pragma once

#include "bidline/pacing/pacing_controller.h"

namespace bidline {

class PidController final : public PacingController {
public:
    struct Params {
        double kp = 0.3;
        double ki = 1.0 / 300;  // per second
        double kd = 0.0;        // derivative of a noisy rate mostly adds noise
        double phi_min = -4.6;  // exp: 0.01×
        double phi_max = 4.6;   // 100×
    };
    PidController() : PidController(Params{}) {}
    explicit PidController(Params p) : p_(p) {}

    PacingKnobs update(const PacingSignal& s) override;
    std::string_view name() const override { return "pid"; }
    std::vector<double> state() const override;  // {integral, last error, started}
    bool restore(std::span<const double> state) override;

private:
    Params p_;
    double integral_ = 0.0;
    double last_error_ = 0.0;
    bool started_ = false;
};

}  // namespace bidline
