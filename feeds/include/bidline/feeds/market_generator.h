// A synthetic market in the NDJSON replay format: a daily traffic curve,
// varied contexts (size, country, device, OS, site), hidden click and
// conversion probabilities that depend on the context, and a log-normal
// market price that depends on the context too (valuable impressions cost
// more, but not in proportion — so a model-driven bidder can beat a flat
// bid). Deterministic for a seed. Used by the demo, tests and training.
#pragma once

#include <cstdint>
#include <ostream>

namespace bidline {

struct MarketOptions {
    std::uint32_t hours = 24;
    std::uint64_t requests = 100'000;
    std::uint64_t seed = 1;
    std::int64_t start_us = 1'780'272'000'000'000;  // 2026-06-01T00:00:00Z
    // Adds "pctr": the hidden CTR times log-normal noise (sd 0.3), the
    // score of a decent but imperfect click model, so that click-driven
    // strategies can be replayed before any model is trained. Drawn from a
    // separate generator: the rest of the file is the same with or without.
    bool with_pctr = false;
    // The auction type of every request (`at`): 2 second price (pay the
    // market price), 1 first price (pay the bid). The market price, the
    // highest competing bid, is drawn the same either way.
    enum class Auction : std::uint8_t { first_price = 1, second_price = 2 };
    Auction auction = Auction::second_price;
};

// Writes `requests` lines; returns the number written.
std::uint64_t write_synthetic_market(const MarketOptions& options, std::ostream& out);

// The hidden click-through rate of a context (exposed for tests that check
// that learned models and bidders recover it).
double synthetic_ctr(int size_index, int country_index, int device_index, int site_index, int hour);

}  // namespace bidline
