#include "bidline/engine/activation_loop.h"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <map>
#include <utility>

#include "bidline/engine/durable_file.h"

namespace bidline {
namespace {

std::uint64_t read_cursor(const std::filesystem::path& file) {
    if (!std::filesystem::exists(file)) return 0;
    const std::string text = read_whole_file(file);
    std::uint64_t seq = 0;
    const char* end = text.data() + text.size();
    while (end > text.data() && (end[-1] == '\n' || end[-1] == ' ')) --end;
    const auto [stop, ec] = std::from_chars(text.data(), end, seq);
    if (ec != std::errc{} || stop != end)
        throw std::runtime_error(file.string() + ": expected the sequence number of the last adjustment sent");
    return seq;
}

}  // namespace

std::string_view to_string(ActivationResult r) {
    switch (r) {
        case ActivationResult::applied: return "applied";
        case ActivationResult::rejected: return "rejected";
        case ActivationResult::superseded: return "superseded";
        case ActivationResult::unsendable: return "unsendable";
        case ActivationResult::gave_up: return "gave_up";
    }
    return "unknown";
}

std::optional<AdjustmentsPage> parse_adjustments_page(std::string_view body, std::string& error) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS) {
        error = "the adjustments answer is not JSON";
        return std::nullopt;
    }
    AdjustmentsPage page;
    simdjson::dom::array list;
    if (doc["adjustments"].get_array().get(list) != simdjson::SUCCESS ||
        doc["next_since"].get_uint64().get(page.next_since) != simdjson::SUCCESS) {
        error = "the adjustments answer has no \"adjustments\" list or \"next_since\"";
        return std::nullopt;
    }
    if (doc["truncated"].get_bool().get(page.truncated) != simdjson::SUCCESS) page.truncated = false;  // optional
    for (simdjson::dom::element e : list) {
        feeds::PlatformAdjustment a;
        std::string_view platform, field, id;
        if (e["seq"].get_uint64().get(a.seq) != simdjson::SUCCESS ||
            e["platform"].get_string().get(platform) != simdjson::SUCCESS ||
            e["platform_campaign_id"].get_string().get(id) != simdjson::SUCCESS ||
            e["field"].get_string().get(field) != simdjson::SUCCESS ||
            e["value_micros"].get_int64().get(a.value_micros) != simdjson::SUCCESS) {
            error = "an adjustment lacks seq, platform, platform_campaign_id, field or value_micros";
            return std::nullopt;
        }
        const auto p = feeds::platform_from_name(platform);
        const auto f = feeds::adjusted_field_from_name(field);
        if (!p || !f) {
            error = "an adjustment names an unknown platform or field: " + std::string(platform) + " " + std::string(field);
            return std::nullopt;
        }
        a.platform = *p;
        a.field = *f;
        a.platform_campaign_id = std::string(id);
        // target_roas travels as the ratio × 1e6; the request wants the ratio.
        a.value = static_cast<double>(a.value_micros) / 1e6;
        page.adjustments.push_back(std::move(a));
    }
    return page;
}

ActivationLoop::ActivationLoop(feeds::Platform platform, feeds::PlatformAccount account, std::string credential,
                               std::filesystem::path cursor_file, ActivationSender& sender, Fetch fetch, Report report)
    : platform_(platform), account_(std::move(account)), credential_(std::move(credential)),
      cursor_file_(std::move(cursor_file)), sender_(sender), fetch_(std::move(fetch)), report_(std::move(report)),
      cursor_(read_cursor(cursor_file_)) {}

void ActivationLoop::advance(std::uint64_t seq) {
    if (seq <= cursor_) return;
    cursor_ = seq;
    write_file_durably(cursor_file_, std::to_string(seq) + "\n");
}

ActivationLoop::Pass ActivationLoop::run_once() {
    Pass pass;
    for (;;) {
        const std::optional<std::string> body = fetch_(cursor_, pass.error);
        if (!body) return pass;
        const std::optional<AdjustmentsPage> page = parse_adjustments_page(*body, pass.error);
        if (!page) return pass;
        pass.truncated = pass.truncated || page->truncated;
        if (page->adjustments.empty()) {
            advance(page->next_since);  // adjustments of other platforms, scanned past
            return pass;
        }
        // The newest adjustment of each (platform campaign, field) in the page.
        std::map<std::pair<std::string, feeds::AdjustedField>, std::uint64_t> newest;
        for (const auto& a : page->adjustments) newest[{a.platform_campaign_id, a.field}] = a.seq;
        for (const auto& a : page->adjustments) {
            ActivationReport report{a, ActivationResult::applied, 0, 0, {}};
            if (a.platform != platform_) {
                continue;  // the engine filters by platform; another one's is not ours to send
            } else if (newest[{a.platform_campaign_id, a.field}] != a.seq) {
                report.result = ActivationResult::superseded;
                ++pass.superseded;
            } else if (auto request = feeds::platform_request(a, account_, report.detail); !request) {
                report.result = ActivationResult::unsendable;
                ++pass.unsendable;
            } else {
                const SendOutcome sent = sender_.send(*request, credential_);
                report.status = sent.status;
                report.attempts = sent.attempts;
                report.detail = sent.detail;
                if (sent.result == SendResult::gave_up) {
                    report.result = ActivationResult::gave_up;
                    pass.gave_up = true;
                    report_(report);
                    return pass;  // the cursor stays before it: tried again next pass
                }
                report.result = sent.result == SendResult::applied ? ActivationResult::applied : ActivationResult::rejected;
                ++(sent.result == SendResult::applied ? pass.applied : pass.rejected);
            }
            report_(report);
            advance(a.seq);
        }
        advance(page->next_since);
    }
}

}  // namespace bidline
