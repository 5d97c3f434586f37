// The readers of each part of a BidRequest, one per OpenRTB object, as used
// by OpenRtbParser. Each takes the On-Demand value of its object and fills
// its view; false means the ValueReader holds the error.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "bidline/engine/bid_request.h"
#include "openrtb_value_reader.h"

namespace bidline::openrtb {

// What the bid path keeps of a supply chain object (2.6 §3.2.25 SupplyChain).
struct SchainValues {
    bool present = false;
    bool complete = false;
    std::uint16_t nodes = 0;
};

// Values found at the OpenRTB 2.5 `ext` locations of fields that 2.6 moved
// out of `ext`. They are merged only after the whole request has been read,
// so that the 2.6 location wins whatever order the fields come in.
struct LegacyExtValues {
    std::optional<bool> gdpr;             // regs.ext.gdpr
    std::string_view us_privacy;          // regs.ext.us_privacy
    std::string_view gpp;                 // regs.ext.gpp
    SmallList<std::uint16_t, 8> gpp_sid;  // regs.ext.gpp_sid
    std::string_view consent;             // user.ext.consent
    std::uint16_t eids = 0;               // user.ext.eids
    SchainValues schain_26;               // source.schain, read here to know it was present
    SchainValues source_ext_schain;       // source.ext.schain (2.5)
    SchainValues request_ext_schain;      // ext.schain (Prebid Server, for some bidders)
};

// Reads the `imp` array: validates each imp (id, media, unique id) and keeps
// the first ImpView capacity of them; `overflow` is scratch for the rest,
// which are validated but counted in `imps.dropped`.
[[nodiscard]] bool read_imps(ValueReader& r, ondemand::value& v, SmallList<ImpView, 8>& imps, ImpView& overflow);

[[nodiscard]] bool read_site(ValueReader& r, ondemand::value& v, SiteView& site);
[[nodiscard]] bool read_app(ValueReader& r, ondemand::value& v, AppView& app);
[[nodiscard]] bool read_device(ValueReader& r, ondemand::value& v, DeviceView& device);
[[nodiscard]] bool read_user(ValueReader& r, ondemand::value& v, UserView& user, LegacyExtValues& legacy);
[[nodiscard]] bool read_regs(ValueReader& r, ondemand::value& v, RegsView& regs, LegacyExtValues& legacy);
[[nodiscard]] bool read_source(ValueReader& r, ondemand::value& v, SourceView& source, LegacyExtValues& legacy);
// BidRequest.ext: only `schain` is read.
[[nodiscard]] bool read_request_ext(ValueReader& r, ondemand::value& v, LegacyExtValues& legacy);

// Fills the 2.6 fields still empty from their 2.5 `ext` locations.
void apply_legacy_ext(const LegacyExtValues& legacy, BidRequestView& out);

}  // namespace bidline::openrtb
