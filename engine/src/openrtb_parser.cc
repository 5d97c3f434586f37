// OpenRtbParser: copies the request into a padded buffer owned by the shard,
// walks the top-level BidRequest object once in document order with simdjson
// On-Demand, and applies the request-wide rules (id, imp, site xor app).
#include "bidline/engine/openrtb_parser.h"

#include <simdjson.h>

#include <cstring>
#include <new>

#include "openrtb_sections.h"

namespace bidline {

using openrtb::LegacyExtValues;
using openrtb::ValueReader;
namespace ondemand = simdjson::ondemand;

struct OpenRtbParser::Impl {
    explicit Impl(std::size_t max_bytes)
        : capacity(max_bytes), buffer(new char[max_bytes + simdjson::SIMDJSON_PADDING]), json(max_bytes) {
        // Sized once for the largest request so that iterate() never allocates.
        if (json.allocate(max_bytes) != simdjson::SUCCESS) throw std::bad_alloc();
    }

    std::size_t capacity;
    std::unique_ptr<char[]> buffer;  // padded copy of the request; string_views point into it
    ondemand::parser json;
    ImpView overflow_imp;  // imps beyond BidRequestView's capacity are validated here
};

OpenRtbParser::OpenRtbParser(std::size_t max_request_bytes) : impl_(std::make_unique<Impl>(max_request_bytes)) {}
OpenRtbParser::~OpenRtbParser() = default;

namespace {

AuctionType auction_type(std::uint32_t at) {
    // 1 and 2 are the standard types; exchange-specific ones (500+) are
    // treated as second price, the OpenRTB default.
    return at == 1 ? AuctionType::first_price : AuctionType::second_price;
}

// Reads the top-level fields of the BidRequest into the view, and keeps what
// the request-wide rules need once the walk is over.
class RequestFields {
public:
    RequestFields(ValueReader& r, BidRequestView& out, ImpView& overflow, LegacyExtValues& legacy)
        : r_(r), out_(out), overflow_(overflow), legacy_(legacy) {}

    bool read(std::string_view key, ondemand::value& f) {
        if (key == "id") return r_.read_string(f, out_.id);
        if (key == "imp") {
            imp_seen_ = true;
            return openrtb::read_imps(r_, f, out_.imps, overflow_);
        }
        if (key == "site") return openrtb::read_site(r_, f, out_.site) && check_site_xor_app();
        if (key == "app") return openrtb::read_app(r_, f, out_.app) && check_site_xor_app();
        if (key == "device") return openrtb::read_device(r_, f, out_.device);
        if (key == "user") return openrtb::read_user(r_, f, out_.user, legacy_);
        if (key == "regs") return openrtb::read_regs(r_, f, out_.regs, legacy_);
        if (key == "source") return openrtb::read_source(r_, f, out_.source, legacy_);
        if (key == "at") {
            std::uint32_t at = 0;
            if (!r_.read_uint(f, at)) return false;
            if (at != 0) out_.at = auction_type(at);
            return true;
        }
        if (key == "tmax") return r_.read_uint(f, out_.tmax_ms);
        if (key == "test") return r_.read_flag(f, out_.test);
        if (key == "cur") return r_.read_strings(f, out_.cur);
        if (key == "bcat") return r_.read_strings(f, out_.bcat);
        if (key == "badv") return r_.read_strings(f, out_.badv);
        if (key == "bapp") return r_.read_strings(f, out_.bapp);
        if (key == "wseat") return r_.read_strings(f, out_.wseat);
        if (key == "ext") return openrtb::read_request_ext(r_, f, legacy_);
        return true;
    }

    bool imp_seen() const { return imp_seen_; }

private:
    // OpenRTB 2.6 §3.2.1: a request has a site or an app, "but not both".
    bool check_site_xor_app() {
        if (out_.site.present && out_.app.present)
            return r_.fail(OpenRtbErrc::site_and_app, "request has both site and app");
        return true;
    }

    ValueReader& r_;
    BidRequestView& out_;
    ImpView& overflow_;
    LegacyExtValues& legacy_;
    bool imp_seen_ = false;
};

}  // namespace

OpenRtbError OpenRtbParser::parse(std::string_view json, BidRequestView& out) {
    OpenRtbError error;
    ValueReader r(error);
    out.clear();
    if (json.size() > impl_->capacity) {
        r.fail(OpenRtbErrc::too_large, "request larger than the parser's capacity");
        return error;
    }
    // Blank padding: simdjson may read past the end, and must not see the
    // previous request's bytes there (e.g. digits continuing a truncated number).
    char* buf = impl_->buffer.get();
    std::memcpy(buf, json.data(), json.size());
    std::memset(buf + json.size(), ' ', simdjson::SIMDJSON_PADDING);

    ondemand::document doc;
    if (auto e = impl_->json.iterate(buf, json.size(), json.size() + simdjson::SIMDJSON_PADDING).get(doc)) {
        r.fail_json(e);
        return error;
    }
    ondemand::json_type type{};
    if (auto e = doc.type().get(type)) {
        r.fail_json(e);
        return error;
    }
    if (type != ondemand::json_type::object) {
        r.fail(OpenRtbErrc::not_object, "request is not a JSON object");
        return error;
    }
    ondemand::object root;
    if (auto e = doc.get_object().get(root)) {
        r.fail_json(e);
        return error;
    }

    LegacyExtValues legacy;
    RequestFields fields(r, out, impl_->overflow_imp, legacy);
    if (!r.each_field_of(root, [&](std::string_view key, ondemand::value& f) { return fields.read(key, f); }))
        return error;
    // On-Demand stops at the end of the object; anything after it is not one JSON value.
    if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS) {
        r.fail(OpenRtbErrc::not_json, "trailing content after the request object");
        return error;
    }

    if (out.id.empty()) {
        r.path().point_at_top_level("id");
        // An absent (or null) id leaves the view default-constructed, without data.
        r.fail(OpenRtbErrc::missing_id, out.id.data() ? "request id is empty" : "request has no id");
        return error;
    }
    if (out.imps.empty() && out.imps.dropped == 0) {
        r.path().point_at_top_level("imp");
        r.fail(OpenRtbErrc::missing_imp, fields.imp_seen() ? "imp is empty" : "request has no imp");
        return error;
    }
    openrtb::apply_legacy_ext(legacy, out);
    return error;
}

std::string_view to_string(OpenRtbErrc code) {
    switch (code) {
        case OpenRtbErrc::ok:
            return "ok";
        case OpenRtbErrc::not_json:
            return "not_json";
        case OpenRtbErrc::not_object:
            return "not_object";
        case OpenRtbErrc::missing_id:
            return "missing_id";
        case OpenRtbErrc::missing_imp:
            return "missing_imp";
        case OpenRtbErrc::wrong_type:
            return "wrong_type";
        case OpenRtbErrc::imp_missing_id:
            return "imp_missing_id";
        case OpenRtbErrc::imp_no_media:
            return "imp_no_media";
        case OpenRtbErrc::duplicate_imp_id:
            return "duplicate_imp_id";
        case OpenRtbErrc::site_and_app:
            return "site_and_app";
        case OpenRtbErrc::too_large:
            return "too_large";
    }
    return "unknown";
}

}  // namespace bidline
