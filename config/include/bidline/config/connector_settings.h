// Per-connector guard rails of the feed endpoints, as configured in
// `[connectors.NAME]` tables: a request rate (token bucket) and a daily
// quota of units (event lines, report rows). A connector names itself with
// the `X-Bidline-Connector` request header; requests without it are the
// connector "default". Connectors without a table get kDefaultConnectorLimits.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bidline {

struct ConnectorSettings {
    std::string name;
    double requests_per_second = 1000;         // token bucket refill rate, shared by all shards
    double burst = 2000;                       // bucket size: requests allowed back to back
    std::int64_t daily_units = 1'000'000'000;  // event lines + report rows per UTC day
    bool operator==(const ConnectorSettings&) const = default;
};

// What a connector gets when the configuration does not name it: generous
// enough never to bother a well-behaved client, small enough to stop a
// runaway loop from filling the disk with a day of events.
inline const ConnectorSettings kDefaultConnectorLimits{};

using ConnectorSettingsList = std::vector<ConnectorSettings>;

}  // namespace bidline
