// Activation connectors, the loop: polls the engine's GET /v1/adjustments
// for one platform and applies each adjustment through the ActivationSender
// (feeds/activation_request.h gives the request shape).
//
// Delivery: the cursor (the `seq` of the last adjustment dealt with) is
// written durably to a file after each one, so a restarted connector goes on
// where it stopped. A crash between a send and its cursor write re-sends that
// one adjustment on restart: harmless, every request sets an absolute value.
// An adjustment the platform refuses (a 4xx other than 429) or that cannot
// be expressed for it (a missing account id) is reported and passed over —
// retrying cannot help; one whose sends all failed (5xx, no answer, quota)
// stops the pass and is tried again on the next one, so none is skipped.
//
// Quota: of several adjustments pending for the same platform campaign and
// field, only the newest is sent (the others are `superseded`): the platform
// ends where sending them all would leave it, with fewer calls.
//
// Threads: one loop per connector process; blocking.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bidline/engine/activation_sender.h"
#include "bidline/feeds/activation_request.h"

namespace bidline {

// One page of GET /v1/adjustments, as the connector reads it.
struct AdjustmentsPage {
    std::vector<feeds::PlatformAdjustment> adjustments;
    std::uint64_t next_since = 0;
    bool truncated = false;
};
// Parses the JSON body of GET /v1/adjustments; nullopt with `error` on a
// body that is not one.
std::optional<AdjustmentsPage> parse_adjustments_page(std::string_view body, std::string& error);

enum class ActivationResult : std::uint8_t { applied, rejected, superseded, unsendable, gave_up };
std::string_view to_string(ActivationResult);

// What happened to one adjustment (printed by `bidline activate`, one JSON
// line each). Never holds the credential.
struct ActivationReport {
    feeds::PlatformAdjustment adjustment;
    ActivationResult result = ActivationResult::applied;
    int status = 0;
    int attempts = 0;
    std::string detail;
};

class ActivationLoop {
public:
    // Body of GET /v1/adjustments?since=SINCE&platform=P, or nullopt with `error`.
    using Fetch = std::function<std::optional<std::string>(std::uint64_t since, std::string& error)>;
    using Report = std::function<void(const ActivationReport&)>;

    ActivationLoop(feeds::Platform platform, feeds::PlatformAccount account, std::string credential,
                   std::filesystem::path cursor_file, ActivationSender& sender, Fetch fetch, Report report);

    struct Pass {
        int applied = 0, rejected = 0, superseded = 0, unsendable = 0;
        bool gave_up = false;    // an adjustment could not be delivered: it is retried next pass
        bool truncated = false;  // the engine no longer had some adjustments after the cursor
        std::string error;       // the engine could not be read (nothing was sent)
    };
    // Reads every adjustment after the cursor and deals with each.
    Pass run_once();

    std::uint64_t cursor() const { return cursor_; }

private:
    void advance(std::uint64_t seq);

    feeds::Platform platform_;
    feeds::PlatformAccount account_;
    std::string credential_;
    std::filesystem::path cursor_file_;
    ActivationSender& sender_;
    Fetch fetch_;
    Report report_;
    std::uint64_t cursor_ = 0;
};

}  // namespace bidline
