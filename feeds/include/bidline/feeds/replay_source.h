// Replay sources: logged or imported traffic as a stream of ReplayRecords
// (a bid request, the market price of its auction, and what happened if we
// showed the ad). Formats:
//   ndjson  — one object per line: ts (RFC 3339 or epoch ms), request (an
//             OpenRTB BidRequest), market_price (CPM of the best competing
//             bid), click (0/1), conversion (0/1), conversion_value
//   ipinyou — the 27-column logs of the make-ipinyou-data scripts (header
//             row, tab-separated; payprice = market price, click = label),
//             or the benchmark's 3-column rows `click market_price pctr`
//             (space-separated; the pCTR replaces the model; rows are spread
//             evenly over one day in file order)
//   native  — the engine's event log (directories or segment files): the
//             logged requests with market prices and outcomes from the
//             feed events about their bids (replay_source_native.cc)
// Single-threaded; records are valid until the next next() call.
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bidline {

enum class ReplayFormat : std::uint8_t { ndjson, ipinyou, native };

struct ReplayRecord {
    std::int64_t ts_us = 0;
    std::string_view request;       // OpenRTB BidRequest JSON
    double market_price_cpm = 0.0;  // best competing bid
    bool click = false;
    bool conversion = false;
    double conversion_value = 0.0;  // currency units
    std::optional<double> pctr;     // given by the log (3-column iPinYou)
};

class ReplayError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class ReplaySource {
public:
    virtual ~ReplaySource() = default;
    // False at the end. Throws ReplayError naming file:line for a bad row.
    virtual bool next(ReplayRecord& out) = 0;
};

std::optional<ReplayFormat> parse_replay_format(std::string_view name);

// Opens several files of one format as one stream, in the order given.
std::unique_ptr<ReplaySource> open_replay_source(const std::vector<std::string>& files, ReplayFormat format);

}  // namespace bidline
