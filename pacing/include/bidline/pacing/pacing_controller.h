// PacingController: the feedback loop that keeps a line item's spend on its
// plan. The control thread calls update() once per tick with the spend rate
// it should aim for and the rate it realised; the controller answers with
// the two knobs the bid path applies: a bid multiplier and the probability
// that a request passes the throttle. One instance per line item, owned and
// called by the control thread only; each implementation is pure arithmetic
// on its own state, so tests drive it with exact numbers.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace bidline {

struct PacingSignal {
    double target_rate = 0;    // micros per second the plan wants from now on
    double realised_rate = 0;  // micros per second actually spent (smoothed)
    double dt_seconds = 0;     // since the previous update
};

struct PacingKnobs {
    double multiplier = 1.0;        // applied to the strategy's bid value
    double pass_probability = 1.0;  // share of requests the line item bids on
};

class PacingController {
public:
    virtual ~PacingController() = default;
    virtual PacingKnobs update(const PacingSignal& s) = 0;
    virtual std::string_view name() const = 0;
    // The controller's memory as numbers, so that a restarted engine resumes
    // where it stopped instead of bidding from multiplier 1 again. restore()
    // takes what state() gave (values clamped to the controller's bounds) and
    // answers false, changing nothing, for any other shape.
    virtual std::vector<double> state() const = 0;
    virtual bool restore(std::span<const double> state) = 0;
};

// pid is the default: see the measurements in pacing/README.md.
enum class PacingControllerKind : std::uint8_t { throttle, dual, pid };
std::string_view to_string(PacingControllerKind);
std::optional<PacingControllerKind> parse_pacing_controller(std::string_view);

// Strategies with a price the user set (manual CPM/CPC, target CPA/ROAS)
// are only bid down by pacing; max_clicks/max_conversions both ways.
enum class BidDirection : std::uint8_t { down_only, both };

// A fresh controller with the defaults measured in pacing/README.md; with
// down_only its state is bounded at multiplier 1, so it cannot wind up
// while the bid path ignores a request to go higher.
std::unique_ptr<PacingController> make_pacing_controller(PacingControllerKind kind, BidDirection direction);

// The relative gap the controllers act on: (realised − target) / target,
// bounded to [−1, 4] so that one burst cannot swing a knob far; a target of
// zero (plan says stop) reads as a large overspend.
double relative_overspend(const PacingSignal& s);

}  // namespace bidline
