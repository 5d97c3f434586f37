// BidRequest.imp: the impressions and their media objects (banner, video,
// audio, native) and private marketplace deals, plus the per-imp rules:
// an id, at least one media object, ids unique within the request.
#include "openrtb_sections.h"

namespace bidline::openrtb {

namespace {

bool read_format(ValueReader& r, ondemand::value& v, FormatView& format) {
    return r.each_field(v, [&](std::string_view key, ondemand::value& f) {
        if (key == "w") return r.read_uint(f, format.w);
        if (key == "h") return r.read_uint(f, format.h);
        return true;
    });
}

bool read_banner(ValueReader& r, ondemand::value& v, BannerView& banner) {
    return r.each_field(v, banner.present, [&](std::string_view key, ondemand::value& f) {
        if (key == "w") return r.read_uint(f, banner.w);
        if (key == "h") return r.read_uint(f, banner.h);
        if (key == "format") {
            return r.each_element(f, [&](ondemand::value& element) {
                FormatView format;
                if (!read_format(r, element, format)) return false;
                banner.formats.push(format);
                return true;
            });
        }
        if (key == "pos") return r.read_uint(f, banner.pos);
        return true;
    });
}

bool read_video(ValueReader& r, ondemand::value& v, VideoView& video) {
    std::uint8_t placement = 0;  // 2.5 `placement`; 2.6 `plcmt` wins when both are sent
    std::uint8_t plcmt = 0;
    bool ok = r.each_field(v, video.present, [&](std::string_view key, ondemand::value& f) {
        if (key == "mimes") return r.read_strings(f, video.mimes);
        if (key == "w") return r.read_uint(f, video.w);
        if (key == "h") return r.read_uint(f, video.h);
        if (key == "minduration") return r.read_uint(f, video.minduration);
        if (key == "maxduration") return r.read_uint(f, video.maxduration);
        if (key == "protocols") return r.read_uints(f, video.protocols);
        if (key == "protocol") {  // OpenRTB 2.0-2.2: a single protocol
            std::uint8_t protocol = 0;
            if (!r.read_uint(f, protocol)) return false;
            if (protocol != 0) video.protocols.push(protocol);
            return true;
        }
        if (key == "plcmt") return r.read_uint(f, plcmt);
        if (key == "placement") return r.read_uint(f, placement);
        if (key == "pos") return r.read_uint(f, video.pos);
        return true;
    });
    video.placement = plcmt != 0 ? plcmt : placement;
    return ok;
}

bool read_audio(ValueReader& r, ondemand::value& v, AudioView& audio) {
    return r.each_field(v, audio.present, [&](std::string_view key, ondemand::value& f) {
        if (key == "mimes") return r.read_strings(f, audio.mimes);
        if (key == "minduration") return r.read_uint(f, audio.minduration);
        if (key == "maxduration") return r.read_uint(f, audio.maxduration);
        return true;
    });
}

bool read_native(ValueReader& r, ondemand::value& v, NativeView& native) {
    return r.each_field(v, native.present, [&](std::string_view key, ondemand::value& f) {
        // Kept escaped: it is a JSON document inside a string, and only a
        // native bidder needs it, so the common path does not unescape it.
        if (key == "request") return r.read_escaped_string(f, native.request);
        if (key == "ver") return r.read_string(f, native.ver);
        return true;
    });
}

bool read_deal(ValueReader& r, ondemand::value& v, DealView& deal) {
    return r.each_field(v, [&](std::string_view key, ondemand::value& f) {
        if (key == "id") return r.read_string(f, deal.id);
        if (key == "bidfloor") return r.read_double(f, deal.bidfloor);
        if (key == "bidfloorcur") return r.read_string(f, deal.bidfloorcur);
        return true;
    });
}

bool read_pmp(ValueReader& r, ondemand::value& v, ImpView& imp) {
    return r.each_field(v, [&](std::string_view key, ondemand::value& f) {
        if (key == "private_auction") return r.read_flag(f, imp.private_auction);
        if (key == "deals") {
            return r.each_element(f, [&](ondemand::value& element) {
                DealView deal;
                if (!read_deal(r, element, deal)) return false;
                imp.deals.push(deal);
                return true;
            });
        }
        return true;
    });
}

bool read_imp(ValueReader& r, ondemand::value& v, ImpView& imp) {
    return r.each_field(v, [&](std::string_view key, ondemand::value& f) {
        if (key == "id") return r.read_string(f, imp.id);
        if (key == "banner") return read_banner(r, f, imp.banner);
        if (key == "video") return read_video(r, f, imp.video);
        if (key == "native") return read_native(r, f, imp.native);
        if (key == "audio") return read_audio(r, f, imp.audio);
        if (key == "bidfloor") return r.read_double(f, imp.bidfloor);
        if (key == "bidfloorcur") return r.read_string(f, imp.bidfloorcur);
        if (key == "tagid") return r.read_string(f, imp.tagid);
        if (key == "secure") return r.read_flag(f, imp.secure);
        if (key == "instl") return r.read_flag(f, imp.instl);
        if (key == "pmp") return read_pmp(r, f, imp);
        return true;
    });
}

// The rules that need the whole imp; the path still points at imp[i].
// `earlier` holds the imps kept so far (not this one).
bool check_imp(ValueReader& r, const ImpView& imp, const SmallList<ImpView, 8>& earlier) {
    if (imp.id.empty()) return r.fail(OpenRtbErrc::imp_missing_id, "imp has no id");
    if (!imp.banner.present && !imp.video.present && !imp.audio.present && !imp.native.present)
        return r.fail(OpenRtbErrc::imp_no_media, "imp has none of banner, video, audio, native");
    for (const ImpView& other : earlier) {
        if (other.id == imp.id) return r.fail(OpenRtbErrc::duplicate_imp_id, "imp id is not unique in the request");
    }
    return true;
}

}  // namespace

bool read_imps(ValueReader& r, ondemand::value& v, SmallList<ImpView, 8>& imps, ImpView& overflow) {
    return r.each_element(v, [&](ondemand::value& element) {
        // Filled in place: an ImpView is too large to copy per request.
        bool kept = imps.count < imps.items.size();
        ImpView& imp = kept ? imps.items[imps.count] : overflow;
        imp = ImpView{};
        if (!read_imp(r, element, imp) || !check_imp(r, imp, imps)) return false;
        if (kept)
            ++imps.count;
        else
            ++imps.dropped;
        return true;
    });
}

}  // namespace bidline::openrtb
