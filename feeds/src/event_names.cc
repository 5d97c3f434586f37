// Names of event kinds and platforms as they appear in JSON ("type",
// "platform") and in messages.
#include <array>

#include "bidline/feeds/event.h"

namespace bidline::feeds {

namespace {

constexpr std::array<std::string_view, 7> kKindNames = {"bid",   "win",        "loss",        "impression",
                                                        "click", "conversion", "spend_report"};
constexpr std::array<std::string_view, 5> kPlatformNames = {"unspecified", "exchange", "google_ads", "meta",
                                                            "tiktok"};

}  // namespace

std::string_view to_string(EventKind kind) { return kKindNames[static_cast<std::size_t>(kind)]; }
std::string_view to_string(Platform platform) { return kPlatformNames[static_cast<std::size_t>(platform)]; }

std::optional<EventKind> event_kind_from_name(std::string_view name) {
    for (std::size_t i = 0; i < kKindNames.size(); ++i)
        if (kKindNames[i] == name) return static_cast<EventKind>(i);
    return std::nullopt;
}

std::optional<Platform> platform_from_name(std::string_view name) {
    // "unspecified" is the absence of a platform, not a name clients send.
    for (std::size_t i = 1; i < kPlatformNames.size(); ++i)
        if (kPlatformNames[i] == name) return static_cast<Platform>(i);
    return std::nullopt;
}

}  // namespace bidline::feeds
