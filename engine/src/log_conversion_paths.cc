#include "bidline/engine/log_conversion_paths.h"

#include <simdjson.h>

#include <deque>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <unordered_map>

#include "bidline/engine/catalog.h"
#include "bidline/feeds/event_codec.h"
#include "bidline/feeds/event_log_reader.h"
#include "bidline/feeds/traffic_record.h"

namespace bidline {
namespace {

struct LoggedBid {
    std::string user, campaign, line_item;
    bool served = false;  // its impression already counted as a touch
};

// user.id, else device.ifa, of a logged OpenRTB request ("" when neither).
std::string user_of(simdjson::dom::parser& parser, std::string_view body) {
    simdjson::dom::element request;
    if (parser.parse(body.data(), body.size()).get(request) != simdjson::SUCCESS) return {};
    std::string_view id;
    if (request["user"]["id"].get_string().get(id) == simdjson::SUCCESS && !id.empty()) return std::string(id);
    if (request["device"]["ifa"].get_string().get(id) == simdjson::SUCCESS) return std::string(id);
    return {};
}

class PathBuilder {
public:
    explicit PathBuilder(const LogPathOptions& o) : o_(o) {}

    void on_request(const feeds::fb::LoggedRequest& r, simdjson::dom::parser& parser) {
        if (r.body() == nullptr || r.decision() == nullptr || r.decision()->bids() == nullptr) return;
        if (r.decision()->bids()->size() == 0) return;
        const std::string user = user_of(parser, {reinterpret_cast<const char*>(r.body()->data()), r.body()->size()});
        if (user.empty()) return;
        for (const auto* b : *r.decision()->bids()) {
            if (b->bid_id() == nullptr) continue;
            const std::string id = b->bid_id()->str();
            if (bids_.size() >= o_.max_bids) {  // forget the oldest
                bids_.erase(bid_order_.front());
                bid_order_.pop_front();
            }
            if (bids_.emplace(id, LoggedBid{user, b->campaign_id() ? b->campaign_id()->str() : "",
                                            b->line_item_id() ? b->line_item_id()->str() : "", false}).second)
                bid_order_.push_back(id);
        }
    }

    void on_event(const feeds::Event& e) {
        const bool impression = e.kind == feeds::EventKind::win || e.kind == feeds::EventKind::impression;
        if (!impression && e.kind != feeds::EventKind::click && e.kind != feeds::EventKind::conversion) return;
        LoggedBid* bid = nullptr;
        if (!e.bid_id.empty())
            if (auto it = bids_.find(e.bid_id.view()); it != bids_.end()) bid = &it->second;
        std::string user(e.user_id.view());
        if (user.empty() && bid != nullptr) user = bid->user;
        if (user.empty()) {
            ++out_.events_without_user;
            return;
        }
        if (e.kind == feeds::EventKind::conversion) return convert(user, static_cast<double>(e.value.value()) / 1e6);
        if (impression) {
            if (bid != nullptr && bid->served) return;  // the win and the impression of one bid: one touch
            if (bid != nullptr) bid->served = true;
        }
        touch(user, channel(e, bid));
    }

    LogPaths finish() {
        for (auto& [user, touches] : open_)
            if (!touches.empty()) close(touches, 0, 0);
        for (auto& [touchpoints, path] : merged_) out_.paths.push_back(std::move(path));
        return std::move(out_);
    }

private:
    std::string channel(const feeds::Event& e, const LoggedBid* bid) const {
        if (o_.channel == LogPathOptions::Channel::campaign) {
            if (!e.campaign_id.empty()) return std::string(e.campaign_id.view());
            if (bid != nullptr && !bid->campaign.empty()) return bid->campaign;
        }
        if (!e.line_item_id.empty()) return std::string(e.line_item_id.view());
        return bid != nullptr ? bid->line_item : std::string();
    }

    void touch(const std::string& user, std::string channel) {
        if (channel.empty()) {
            ++out_.events_without_user;  // nothing names the channel either
            return;
        }
        auto it = open_.find(user);
        if (it == open_.end()) {
            if (open_.size() >= o_.max_users) {
                ++out_.users_not_followed;
                return;
            }
            it = open_.emplace(user, std::vector<std::string>{}).first;
        }
        if (it->second.size() >= o_.max_touches) it->second.erase(it->second.begin());
        it->second.push_back(std::move(channel));
        ++out_.touches;
    }

    void convert(const std::string& user, double value) {
        const auto it = open_.find(user);
        if (it == open_.end() || it->second.empty()) {
            ++out_.conversions_without_touches;
            return;
        }
        close(it->second, 1, value);
        open_.erase(it);
        ++out_.conversions;
    }

    void close(std::vector<std::string>& touches, double conversions, double value) {
        attribution::ConversionPath& p = merged_[touches];
        if (p.touchpoints.empty()) p.touchpoints = touches;
        p.conversions += conversions;
        p.value += value;
        if (conversions == 0) p.nulls += 1;
    }

    const LogPathOptions& o_;
    StringMap<LoggedBid> bids_;  // by bid id
    std::deque<std::string> bid_order_;
    std::unordered_map<std::string, std::vector<std::string>> open_;  // by user: touches since the last conversion
    std::map<std::vector<std::string>, attribution::ConversionPath> merged_;
    LogPaths out_;
};

// Calls `each` with every intact record of the log; throws on damage.
template <class F>
void for_each_record(const std::string& log, F each) {
    std::error_code ec;
    feeds::LogReader reader = std::filesystem::is_directory(log, ec)
                                  ? feeds::LogReader::open_directory(log, feeds::TailMode::read_only)
                                  : feeds::LogReader::open_files({log}, feeds::TailMode::read_only);
    feeds::RecordView record;
    while (reader.next(record)) each(record);
    if (reader.error()) throw std::runtime_error(log + ": " + reader.error()->message());
}

}  // namespace

LogPaths conversion_paths_from_log(const std::string& log, const LogPathOptions& options) {
    PathBuilder builder(options);
    // Two passes: shards log their requests on their own lanes, so a bid's
    // request record may land after the win notice that names the bid.
    simdjson::dom::parser parser;
    std::vector<std::uint64_t> aligned;
    for_each_record(log, [&](const feeds::RecordView& record) {
        if (record.type != feeds::RecordType::bid_request) return;
        if (const auto* r = feeds::read_traffic_record(record.payload, aligned)) builder.on_request(*r, parser);
    });
    feeds::Event event;
    for_each_record(log, [&](const feeds::RecordView& record) {
        if (record.type != feeds::RecordType::feed_event) return;
        if (feeds::decode_event(reinterpret_cast<const std::uint8_t*>(record.payload.data()), record.payload.size(), event).ok())
            builder.on_event(event);
    });
    return builder.finish();
}

}  // namespace bidline
