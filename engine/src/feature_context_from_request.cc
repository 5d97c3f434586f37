#include "bidline/engine/feature_context_from_request.h"

#include <cassert>

namespace bidline {

std::string_view site_of(const BidRequestView& request) {
    if (request.app.present) return !request.app.bundle.empty() ? request.app.bundle : request.app.id;
    if (request.site.present) return !request.site.domain.empty() ? request.site.domain : request.site.publisher.domain;
    return {};
}

models::FeatureContext feature_context_from_request(const BidRequestView& request, std::size_t imp_index,
                                                    std::int64_t time_utc_us, std::int32_t utc_offset_minutes) {
    assert(imp_index < request.imps.size());
    const ImpView& imp = request.imps.items[imp_index];
    models::FeatureContext c;
    c.time_utc_us = time_utc_us;
    c.utc_offset_minutes = utc_offset_minutes;

    const DeviceView& d = request.device;
    c.device_type = d.devicetype;
    c.os = d.os;
    c.user_agent = d.ua;
    // device.geo is where the device is now; user.geo (home) is the fallback.
    const GeoView& geo = d.geo.country.empty() && !request.user.geo.country.empty() ? request.user.geo : d.geo;
    c.country = geo.country;
    c.region = geo.region;

    if (request.app.present) {
        c.app_bundle = site_of(request);
        c.publisher_id = request.app.publisher.id;
    } else if (request.site.present) {
        c.site_domain = site_of(request);
        c.publisher_id = request.site.publisher.id;
    }

    // One format per row: the first the imp offers in this order.
    using models::MediaFormat;
    if (imp.banner.present) {
        c.media_format = static_cast<std::uint8_t>(MediaFormat::banner);
        c.width = imp.banner.w;
        c.height = imp.banner.h;
        if ((c.width == 0 || c.height == 0) && !imp.banner.formats.empty()) {
            c.width = imp.banner.formats.items[0].w;
            c.height = imp.banner.formats.items[0].h;
        }
        c.position = imp.banner.pos;
    } else if (imp.video.present) {
        c.media_format = static_cast<std::uint8_t>(MediaFormat::video);
        c.width = imp.video.w;
        c.height = imp.video.h;
        c.position = imp.video.pos;
    } else if (imp.native.present) {
        c.media_format = static_cast<std::uint8_t>(MediaFormat::native);
    } else if (imp.audio.present) {
        c.media_format = static_cast<std::uint8_t>(MediaFormat::audio);
    }
    c.floor_cpm = imp.bidfloor;
    return c;
}

}  // namespace bidline
