// iPinYou logs. Two shapes, told apart by the first line:
//  - the 27-column, tab-separated logs of the make-ipinyou-data scripts,
//    with a header row (columns found by name: click, timestamp, bidid,
//    ipinyouid, region, city, domain, slotwidth, slotheight, slotprice,
//    payprice, useragent);
//  - the benchmark's 3-column rows `click market_price pctr`, space
//    separated, no timestamps: spread evenly over one day in file order.
// Prices stay in the log's own units (CPM); budgets use the same units.
#include <charconv>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>

#include "replay_sources.h"

namespace bidline {
namespace {

constexpr std::int64_t kDayUs = 86'400'000'000;
// The 3-column rows have no timestamp: they start at this instant (2013-06-06, iPinYou's season 2).
constexpr std::int64_t kThreeColumnStartUs = 1'370'476'800'000'000;

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ReplayError(path + ": cannot open");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void append_json_string(std::string& out, std::string_view s) {
    out += '"';
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) < 0x20) continue;
        out += c;
    }
    out += '"';
}

// yyyyMMddHHmmssSSS (China Standard Time, UTC+8) to UTC µs.
std::optional<std::int64_t> ipinyou_time(std::string_view s) {
    if (s.size() < 14) return std::nullopt;
    auto num = [&](std::size_t pos, std::size_t len) {
        int v = 0;
        std::from_chars(s.data() + pos, s.data() + pos + len, v);
        return v;
    };
    using namespace std::chrono;
    const year_month_day ymd{year{num(0, 4)}, month{static_cast<unsigned>(num(4, 2))}, day{static_cast<unsigned>(num(6, 2))}};
    if (!ymd.ok()) return std::nullopt;
    std::int64_t us = duration_cast<microseconds>(sys_days{ymd}.time_since_epoch()).count() +
                      (static_cast<std::int64_t>(num(8, 2)) * 3600 + num(10, 2) * 60 + num(12, 2)) * 1'000'000;
    if (s.size() >= 17) us += static_cast<std::int64_t>(num(14, 3)) * 1000;
    return us - 8LL * 3600 * 1'000'000;
}

class IpinyouReplaySource final : public ReplaySource {
public:
    explicit IpinyouReplaySource(std::vector<std::string> files) : files_(std::move(files)) {}

    bool next(ReplayRecord& out) override {
        while (true) {
            if (pos_ >= data_.size()) {
                if (!open_next()) return false;
                continue;
            }
            std::size_t end = data_.find('\n', pos_);
            if (end == std::string::npos) end = data_.size();
            std::string_view line(data_.data() + pos_, end - pos_);
            pos_ = end + 1;
            ++line_no_;
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (line.empty()) continue;
            if (three_column_) parse3(line, out); else parse27(line, out);
            return true;
        }
    }

private:
    [[noreturn]] void fail(const std::string& why) const {
        throw ReplayError(files_[next_file_ - 1] + ":" + std::to_string(line_no_) + ": " + why);
    }

    bool open_next() {
        if (next_file_ >= files_.size()) return false;
        data_ = read_file(files_[next_file_++]);
        pos_ = 0;
        line_no_ = 0;
        const std::string_view first(data_.data(), std::min(data_.find('\n'), data_.size()));
        three_column_ = first.find('\t') == std::string_view::npos;
        if (three_column_) {
            rows_ = 0;
            for (char c : data_) rows_ += c == '\n';
            if (!data_.empty() && data_.back() != '\n') ++rows_;
            row_ = 0;
            // One fixed request: the rows carry no context, the given pCTR is the model.
            request_ = R"({"id":"ipinyou","at":2,"imp":[{"id":"1","banner":{"w":300,"h":250}}],"site":{"domain":"ipinyou.example"}})";
        } else {
            read_header(first);
            pos_ = first.size() + 1;
            ++line_no_;
        }
        return true;
    }

    void read_header(std::string_view header) {
        columns_.clear();
        std::size_t start = 0;
        while (start <= header.size()) {
            std::size_t tab = header.find('\t', start);
            if (tab == std::string_view::npos) tab = header.size();
            columns_.emplace_back(header.substr(start, tab - start));
            start = tab + 1;
        }
        auto col = [&](const char* name) {
            for (std::size_t i = 0; i < columns_.size(); ++i)
                if (columns_[i] == name) return static_cast<int>(i);
            return -1;
        };
        c_click_ = col("click");
        c_ts_ = col("timestamp");
        c_bidid_ = col("bidid");
        c_user_ = col("ipinyouid");
        c_region_ = col("region");
        c_city_ = col("city");
        c_domain_ = col("domain");
        c_w_ = col("slotwidth");
        c_h_ = col("slotheight");
        c_floor_ = col("slotprice");
        c_pay_ = col("payprice");
        c_ua_ = col("useragent");
        if (c_click_ < 0 || c_pay_ < 0 || c_ts_ < 0)
            throw ReplayError(files_[next_file_ - 1] + ":1: header must name click, timestamp and payprice columns");
    }

    void parse3(std::string_view line, ReplayRecord& out) {
        double v[3];
        const char* p = line.data();
        const char* end = line.data() + line.size();
        for (double& x : v) {
            while (p < end && (*p == ' ' || *p == '\t')) ++p;
            auto r = std::from_chars(p, end, x);
            if (r.ec != std::errc{}) fail("expected `click market_price pctr`");
            p = r.ptr;
        }
        out = ReplayRecord{};
        out.click = v[0] != 0;
        out.market_price_cpm = v[1];
        out.pctr = v[2];
        out.ts_us = kThreeColumnStartUs + static_cast<std::int64_t>(static_cast<double>(row_++) * kDayUs / static_cast<double>(std::max<std::size_t>(rows_, 1)));
        out.request = request_;
    }

    void parse27(std::string_view line, ReplayRecord& out) {
        fields_.clear();
        std::size_t start = 0;
        while (start <= line.size()) {
            std::size_t tab = line.find('\t', start);
            if (tab == std::string_view::npos) tab = line.size();
            fields_.push_back(line.substr(start, tab - start));
            start = tab + 1;
        }
        if (fields_.size() < columns_.size()) fail("expected " + std::to_string(columns_.size()) + " columns, got " + std::to_string(fields_.size()));
        auto f = [&](int c) { return c >= 0 ? fields_[c] : std::string_view{}; };
        auto number = [&](int c, const char* name) {
            double x = 0;
            const std::string_view s = f(c);
            if (!s.empty() && std::from_chars(s.data(), s.data() + s.size(), x).ec != std::errc{})
                fail(std::string(name) + ": not a number");
            return x;
        };
        out = ReplayRecord{};
        out.click = number(c_click_, "click") != 0;
        out.market_price_cpm = number(c_pay_, "payprice");
        auto ts = ipinyou_time(f(c_ts_));
        if (!ts) fail("timestamp: expected yyyyMMddHHmmssSSS");
        out.ts_us = *ts;
        request_.clear();
        request_ += "{\"id\":";
        append_json_string(request_, f(c_bidid_).empty() ? std::string_view("r") : f(c_bidid_));
        request_ += ",\"at\":2,\"imp\":[{\"id\":\"1\",\"bidfloor\":";
        request_ += std::to_string(number(c_floor_, "slotprice"));
        request_ += ",\"banner\":{\"w\":" + std::to_string(static_cast<int>(number(c_w_, "slotwidth"))) +
                    ",\"h\":" + std::to_string(static_cast<int>(number(c_h_, "slotheight"))) + "}}],\"site\":{\"domain\":";
        append_json_string(request_, f(c_domain_));
        request_ += "},\"device\":{\"ua\":";
        append_json_string(request_, f(c_ua_));
        request_ += ",\"geo\":{\"region\":";
        append_json_string(request_, f(c_region_));
        request_ += ",\"city\":";
        append_json_string(request_, f(c_city_));
        request_ += "}},\"user\":{\"id\":";
        append_json_string(request_, f(c_user_));
        request_ += "}}";
        out.request = request_;
    }

    std::vector<std::string> files_;
    std::size_t next_file_ = 0;
    std::string data_;
    std::size_t pos_ = 0, line_no_ = 0;
    bool three_column_ = false;
    std::size_t rows_ = 0, row_ = 0;
    std::vector<std::string> columns_;
    std::vector<std::string_view> fields_;
    int c_click_ = -1, c_ts_ = -1, c_bidid_ = -1, c_user_ = -1, c_region_ = -1, c_city_ = -1, c_domain_ = -1,
        c_w_ = -1, c_h_ = -1, c_floor_ = -1, c_pay_ = -1, c_ua_ = -1;
    std::string request_;
};

}  // namespace

std::unique_ptr<ReplaySource> make_ipinyou_replay_source(std::vector<std::string> files) {
    return std::make_unique<IpinyouReplaySource>(std::move(files));
}

}  // namespace bidline
