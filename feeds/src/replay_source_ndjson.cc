// NDJSON replay rows: {"ts", "request", "market_price", "click", "conversion", "conversion_value"}.
#include <simdjson.h>

#include <charconv>
#include <chrono>

#include "replay_sources.h"

namespace bidline {
namespace {

// RFC 3339 ("2026-11-23T10:00:00Z", "…T10:00:00.250+01:00") to µs.
std::optional<std::int64_t> parse_rfc3339(std::string_view s) {
    const std::string rest(s);
    int y, mo, d, h, mi;
    double sec;
    char tz[16] = {};
    if (std::sscanf(rest.c_str(), "%4d-%2d-%2dT%2d:%2d:%lf%15s", &y, &mo, &d, &h, &mi, &sec, tz) < 6) return std::nullopt;
    using namespace std::chrono;
    const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return std::nullopt;
    std::int64_t us = duration_cast<microseconds>(sys_days{ymd}.time_since_epoch()).count() +
                      (static_cast<std::int64_t>(h) * 3600 + mi * 60) * 1'000'000 +
                      static_cast<std::int64_t>(sec * 1e6 + 0.5);
    const std::string_view zone(tz);
    if (zone.empty() || zone == "Z" || zone == "z") return us;
    int zh = 0, zm = 0;
    if ((zone[0] == '+' || zone[0] == '-') && std::sscanf(tz + 1, "%2d:%2d", &zh, &zm) == 2) {
        const std::int64_t off = (static_cast<std::int64_t>(zh) * 3600 + zm * 60) * 1'000'000;
        return zone[0] == '+' ? us - off : us + off;
    }
    return std::nullopt;
}

class NdjsonReplaySource final : public ReplaySource {
public:
    explicit NdjsonReplaySource(std::vector<std::string> files) : files_(std::move(files)) {}

    bool next(ReplayRecord& out) override {
        while (true) {
            if (!in_.is_open() || !std::getline(in_, line_)) {
                if (!open_next()) return false;
                continue;
            }
            ++line_no_;
            if (!line_.empty() && line_.back() == '\r') line_.pop_back();
            if (line_.find_first_not_of(" \t") == std::string::npos) continue;
            parse(out);
            return true;
        }
    }

private:
    bool open_next() {
        if (in_.is_open()) in_.close();
        if (next_file_ >= files_.size()) return false;
        in_.open(files_[next_file_]);
        if (!in_) throw ReplayError(files_[next_file_] + ": cannot open");
        ++next_file_;
        line_no_ = 0;
        return true;
    }

    [[noreturn]] void fail(const std::string& why) const {
        throw ReplayError(files_[next_file_ - 1] + ":" + std::to_string(line_no_) + ": " + why);
    }

    void parse(ReplayRecord& out) {
        // Parse in place: keep simdjson's padding inside the line's capacity.
        const std::size_t size = line_.size();
        if (line_.capacity() < size + simdjson::SIMDJSON_PADDING) line_.reserve(size + simdjson::SIMDJSON_PADDING);
        simdjson::ondemand::document doc;
        if (parser_.iterate(simdjson::padded_string_view(line_.data(), size, line_.capacity())).get(doc))
            fail("not JSON");
        simdjson::ondemand::object obj;
        if (doc.get_object().get(obj)) fail("expected a JSON object");
        out = ReplayRecord{};
        bool have_ts = false, have_request = false, have_price = false;
        for (auto field : obj) {
            std::string_view key;
            if (field.unescaped_key().get(key)) fail("bad key");
            auto value = field.value();
            if (key == "ts") {
                have_ts = true;
                simdjson::ondemand::json_type t;
                if (value.type().get(t)) fail("ts: bad value");
                if (t == simdjson::ondemand::json_type::number) {
                    std::int64_t ms;
                    if (value.get_int64().get(ms)) fail("ts: expected epoch milliseconds");
                    out.ts_us = ms * 1000;
                } else {
                    std::string_view s;
                    if (value.get_string().get(s)) fail("ts: expected RFC 3339 or epoch ms");
                    auto us = parse_rfc3339(s);
                    if (!us) fail("ts: not RFC 3339: " + std::string(s));
                    out.ts_us = *us;
                }
            } else if (key == "request") {
                std::string_view raw;
                simdjson::ondemand::object request;
                if (value.get_object().get(request) || request.raw_json().get(raw))
                    fail("request: expected an OpenRTB BidRequest object");
                request_.assign(raw);
                have_request = true;
            } else if (key == "market_price") {
                if (value.get_double().get(out.market_price_cpm) || out.market_price_cpm < 0)
                    fail("market_price: expected a non-negative CPM");
                have_price = true;
            } else if (key == "click" || key == "conversion") {
                std::int64_t v;
                bool b;
                if (!value.get_int64().get(v)) b = v != 0;
                else if (value.get_bool().get(b)) fail(std::string(key) + ": expected 0/1");
                (key == "click" ? out.click : out.conversion) = b;
            } else if (key == "conversion_value") {
                if (value.get_double().get(out.conversion_value)) fail("conversion_value: expected a number");
            } else if (key == "pctr") {
                double p;
                if (value.get_double().get(p) || p < 0 || p > 1) fail("pctr: expected a probability");
                out.pctr = p;
            }
        }
        if (!have_ts) fail("ts is required");
        if (!have_request) fail("request is required");
        if (!have_price) fail("market_price is required");
        out.request = request_;
    }

    std::vector<std::string> files_;
    std::size_t next_file_ = 0;
    std::ifstream in_;
    std::string line_, request_;
    std::size_t line_no_ = 0;
    simdjson::ondemand::parser parser_;
};

}  // namespace

std::unique_ptr<ReplaySource> make_ndjson_replay_source(std::vector<std::string> files) {
    return std::make_unique<NdjsonReplaySource>(std::move(files));
}

}  // namespace bidline
