// Privacy regulations (regs) and the supply chain (source.schain), read at
// both their OpenRTB 2.6 locations and the 2.5 `ext` ones that Prebid and
// many exchanges still send (regs.ext.gdpr, regs.ext.us_privacy,
// regs.ext.gpp/gpp_sid, source.ext.schain; Prebid Server also moves the
// chain to BidRequest.ext.schain for some bidders), then merged, 2.6 winning.
#include "openrtb_sections.h"

namespace bidline::openrtb {

namespace {

bool read_regs_ext(ValueReader& r, ondemand::value& v, LegacyExtValues& legacy) {
    return r.each_ext_field(v, [&](std::string_view key, ondemand::value& f) {
        if (key == "gdpr") return r.read_flag(f, legacy.gdpr);
        if (key == "us_privacy") return r.read_string(f, legacy.us_privacy);
        if (key == "gpp") return r.read_string(f, legacy.gpp);
        if (key == "gpp_sid") return r.read_uints(f, legacy.gpp_sid);
        return true;
    });
}

// Only the size and completeness of the chain matter to the bid path.
bool read_schain(ValueReader& r, ondemand::value& v, SchainValues& schain) {
    return r.each_field(v, schain.present, [&](std::string_view key, ondemand::value& f) {
        if (key == "complete") return r.read_flag(f, schain.complete);
        if (key == "nodes") return r.count_elements(f, schain.nodes);
        return true;
    });
}

bool read_ext_schain(ValueReader& r, ondemand::value& v, SchainValues& schain) {
    return r.each_ext_field(v, [&](std::string_view key, ondemand::value& f) {
        if (key == "schain") return read_schain(r, f, schain);
        return true;
    });
}

}  // namespace

bool read_regs(ValueReader& r, ondemand::value& v, RegsView& regs, LegacyExtValues& legacy) {
    return r.each_field(v, [&](std::string_view key, ondemand::value& f) {
        if (key == "coppa") return r.read_flag(f, regs.coppa);
        if (key == "gdpr") return r.read_flag(f, regs.gdpr);
        if (key == "us_privacy") return r.read_string(f, regs.us_privacy);
        if (key == "gpp") return r.read_string(f, regs.gpp);
        if (key == "gpp_sid") return r.read_uints(f, regs.gpp_sid);
        if (key == "ext") return read_regs_ext(r, f, legacy);
        return true;
    });
}

bool read_source(ValueReader& r, ondemand::value& v, SourceView& source, LegacyExtValues& legacy) {
    return r.each_field(v, [&](std::string_view key, ondemand::value& f) {
        if (key == "tid") return r.read_string(f, source.tid);
        if (key == "fd") return r.read_flag(f, source.fd);
        if (key == "schain") return read_schain(r, f, legacy.schain_26);
        if (key == "ext") return read_ext_schain(r, f, legacy.source_ext_schain);
        return true;
    });
}

bool read_request_ext(ValueReader& r, ondemand::value& v, LegacyExtValues& legacy) {
    return read_ext_schain(r, v, legacy.request_ext_schain);
}

void apply_legacy_ext(const LegacyExtValues& legacy, BidRequestView& out) {
    RegsView& regs = out.regs;
    if (!regs.gdpr) regs.gdpr = legacy.gdpr;
    if (regs.us_privacy.empty()) regs.us_privacy = legacy.us_privacy;
    if (regs.gpp.empty()) regs.gpp = legacy.gpp;
    if (regs.gpp_sid.empty()) regs.gpp_sid = legacy.gpp_sid;
    if (out.user.consent.empty()) out.user.consent = legacy.consent;
    if (out.user.eids == 0) out.user.eids = legacy.eids;
    const SchainValues& schain = legacy.schain_26.present           ? legacy.schain_26
                                 : legacy.source_ext_schain.present ? legacy.source_ext_schain
                                                                    : legacy.request_ext_schain;
    out.source.schain_nodes = schain.nodes;
    out.source.schain_complete = schain.complete;
}

}  // namespace bidline::openrtb
