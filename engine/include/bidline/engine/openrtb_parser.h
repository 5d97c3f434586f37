// OpenRTB 2.6 bid request parsing with simdjson On-Demand into a
// BidRequestView. Accepts the 2.5 `ext` locations of fields that 2.6 moved
// (regs.ext.gdpr, regs.ext.us_privacy, regs.ext.gpp/gpp_sid,
// user.ext.consent, user.ext.eids, source.ext.schain); engine/OPENRTB.md
// lists them with the leniency rules and every error. Errors are values: an
// errc plus a short message that the HTTP layer returns in a 400 body. One
// parser per shard; no allocation after construction for requests up to the
// configured capacity.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "bidline/engine/bid_request.h"

namespace bidline {

enum class OpenRtbErrc : std::uint8_t {
    ok,
    not_json,          // not parseable JSON (truncated, garbage)
    not_object,        // top level is not an object
    missing_id,        // BidRequest.id missing or empty
    missing_imp,       // imp missing or empty
    wrong_type,        // a known field has the wrong JSON type
    imp_missing_id,    // an imp without an id
    imp_no_media,      // an imp with none of banner/video/audio/native
    duplicate_imp_id,
    site_and_app,      // both site and app present (2.6 §3.2.1: "but not both")
    too_large,         // larger than the parser's capacity
};

struct OpenRtbError {
    OpenRtbErrc code = OpenRtbErrc::ok;
    std::string_view message;      // static text (e.g. "imp[0].banner.w: expected an integer")
    char detail[96] = {};          // field path / position, NUL-terminated
    explicit operator bool() const { return code != OpenRtbErrc::ok; }
};

class OpenRtbParser {
public:
    explicit OpenRtbParser(std::size_t max_request_bytes = std::size_t{64} * 1024);
    ~OpenRtbParser();
    OpenRtbParser(const OpenRtbParser&) = delete;
    OpenRtbParser& operator=(const OpenRtbParser&) = delete;

    // `json` must stay valid (and unmodified) while `out` is used. The parser
    // copies it into its padded buffer, so string_views in `out` point into
    // the parser's own memory: valid until the next parse() call.
    [[nodiscard]] OpenRtbError parse(std::string_view json, BidRequestView& out);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

std::string_view to_string(OpenRtbErrc);

}  // namespace bidline
