// Native replay: the engine's own event log. Logged requests (bid_request
// records: the request as received and the decision) are replayed in log
// order; the market price and the outcome of each come from the feed events
// about the bids the engine placed on it:
//   - a win's clearing price is the market price (exact in second-price
//     auctions; in first-price ones it is our own bid, an upper bound);
//   - a loss that reports min-to-win gives that price;
//   - clicks and conversions naming the bid label the row.
// A request whose market price the log cannot tell (no bid placed, or a
// loss without min-to-win) replays with an infinite market price: no
// strategy can win it, because nothing says what winning would have cost.
#include <cmath>
#include <filesystem>
#include <limits>
#include <unordered_map>

#include "bidline/feeds/event_codec.h"
#include "bidline/feeds/event_log_reader.h"
#include "bidline/feeds/traffic_record.h"
#include "replay_sources.h"

namespace bidline {
namespace {

struct Outcome {
    std::optional<double> market_cpm;
    bool click = false;
    bool conversion = false;
    double conversion_value = 0.0;
};

feeds::LogReader open_log(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return feeds::LogReader::open_directory(path, feeds::TailMode::read_only);
    return feeds::LogReader::open_files({path}, feeds::TailMode::read_only);
}

class NativeReplaySource final : public ReplaySource {
public:
    explicit NativeReplaySource(std::vector<std::string> files) : files_(std::move(files)) {
        for (const std::string& f : files_) collect_outcomes(f);
    }

    bool next(ReplayRecord& out) override {
        feeds::RecordView record;
        while (true) {
            if (!reader_) {
                if (next_file_ >= files_.size()) return false;
                reader_.emplace(open(files_[next_file_++]));
            }
            if (!reader_->next(record)) {
                check(*reader_, files_[next_file_ - 1]);
                reader_.reset();
                continue;
            }
            if (record.type != feeds::RecordType::bid_request) continue;
            const feeds::fb::LoggedRequest* r = feeds::read_traffic_record(record.payload, aligned_);
            if (r == nullptr || r->body() == nullptr) fail(record, "bid_request record does not decode");
            request_.assign(reinterpret_cast<const char*>(r->body()->data()), r->body()->size());
            out = ReplayRecord{};
            out.ts_us = r->received_us();
            out.request = request_;
            out.market_price_cpm = std::numeric_limits<double>::infinity();
            if (const feeds::fb::Decision* d = r->decision(); d != nullptr && d->bids() != nullptr) {
                for (const feeds::fb::DecisionBid* b : *d->bids()) {
                    if (b->bid_id() == nullptr) continue;
                    const auto it = outcomes_.find(b->bid_id()->str());
                    if (it == outcomes_.end()) continue;
                    const Outcome& o = it->second;
                    if (o.market_cpm && std::isinf(out.market_price_cpm)) out.market_price_cpm = *o.market_cpm;
                    out.click = out.click || o.click;
                    out.conversion = out.conversion || o.conversion;
                    out.conversion_value += o.conversion_value;
                }
            }
            return true;
        }
    }

private:
    static feeds::LogReader open(const std::string& path) {
        try {
            return open_log(path);
        } catch (const std::exception& e) {
            throw ReplayError(path + ": " + e.what());
        }
    }
    static void check(const feeds::LogReader& reader, const std::string& path) {
        if (reader.error()) throw ReplayError(path + ": " + reader.error()->message());
    }
    [[noreturn]] void fail(const feeds::RecordView& r, const std::string& why) const {
        throw ReplayError(files_[next_file_ - 1] + ": segment " + std::to_string(r.segment) + " offset " +
                          std::to_string(r.offset) + ": " + why);
    }

    // First pass: what happened to each bid the engine placed.
    void collect_outcomes(const std::string& path) {
        feeds::LogReader reader = open(path);
        feeds::RecordView record;
        feeds::Event e;
        while (reader.next(record)) {
            if (record.type != feeds::RecordType::feed_event) continue;
            if (!feeds::decode_event(reinterpret_cast<const std::uint8_t*>(record.payload.data()), record.payload.size(), e).ok())
                throw ReplayError(path + ": segment " + std::to_string(record.segment) + " offset " +
                                  std::to_string(record.offset) + ": feed_event record does not decode");
            if (e.bid_id.view().empty()) continue;
            const auto per_imp_to_cpm = [](Micros m) { return static_cast<double>(m.value()) / 1000.0; };
            switch (e.kind) {
                case feeds::EventKind::win:
                    outcomes_[std::string(e.bid_id.view())].market_cpm = per_imp_to_cpm(e.price);
                    break;
                case feeds::EventKind::loss:
                    if (e.min_to_win) {
                        Outcome& o = outcomes_[std::string(e.bid_id.view())];
                        if (!o.market_cpm) o.market_cpm = per_imp_to_cpm(*e.min_to_win);
                    }
                    break;
                case feeds::EventKind::click: outcomes_[std::string(e.bid_id.view())].click = true; break;
                case feeds::EventKind::conversion: {
                    Outcome& o = outcomes_[std::string(e.bid_id.view())];
                    // A re-sent conversion is logged again (the log keeps what
                    // was acknowledged); the row counts its bid's first one.
                    if (!o.conversion) o.conversion_value = e.value.units();
                    o.conversion = true;
                    break;
                }
                default: break;
            }
        }
        check(reader, path);
    }

    std::vector<std::string> files_;
    std::unordered_map<std::string, Outcome> outcomes_;
    std::size_t next_file_ = 0;
    std::optional<feeds::LogReader> reader_;
    std::string request_;
    std::vector<std::uint64_t> aligned_;
};

}  // namespace

std::unique_ptr<ReplaySource> make_native_replay_source(std::vector<std::string> files) {
    return std::make_unique<NativeReplaySource>(std::move(files));
}

}  // namespace bidline
