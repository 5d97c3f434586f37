// Where and to whom the ad would show: site or app (with publisher), device
// (with geo) and user. user.ext.consent and user.ext.eids are the 2.5
// locations of user.consent and user.eids.
#include "openrtb_sections.h"

namespace bidline::openrtb {

namespace {

bool read_publisher(ValueReader& r, ondemand::value& v, PublisherView& publisher) {
    return r.each_field(v, [&](std::string_view key, ondemand::value& f) {
        if (key == "id") return r.read_string(f, publisher.id);
        if (key == "name") return r.read_string(f, publisher.name);
        if (key == "domain") return r.read_string(f, publisher.domain);
        return true;
    });
}

bool read_geo(ValueReader& r, ondemand::value& v, GeoView& geo) {
    return r.each_field(v, [&](std::string_view key, ondemand::value& f) {
        if (key == "country") return r.read_string(f, geo.country);
        if (key == "region") return r.read_string(f, geo.region);
        if (key == "city") return r.read_string(f, geo.city);
        if (key == "zip") return r.read_string(f, geo.zip);
        if (key == "lat") return r.read_double(f, geo.lat);
        if (key == "lon") return r.read_double(f, geo.lon);
        if (key == "type") return r.read_uint(f, geo.type);
        if (key == "utcoffset") return r.read_int32(f, geo.utcoffset);
        return true;
    });
}

bool read_user_ext(ValueReader& r, ondemand::value& v, LegacyExtValues& legacy) {
    return r.each_ext_field(v, [&](std::string_view key, ondemand::value& f) {
        if (key == "consent") return r.read_string(f, legacy.consent);
        if (key == "eids") return r.count_elements(f, legacy.eids);
        return true;
    });
}

}  // namespace

bool read_site(ValueReader& r, ondemand::value& v, SiteView& site) {
    return r.each_field(v, site.present, [&](std::string_view key, ondemand::value& f) {
        if (key == "id") return r.read_string(f, site.id);
        if (key == "domain") return r.read_string(f, site.domain);
        if (key == "page") return r.read_string(f, site.page);
        if (key == "ref") return r.read_string(f, site.ref);
        if (key == "name") return r.read_string(f, site.name);
        if (key == "cat") return r.read_strings(f, site.cat);
        if (key == "publisher") return read_publisher(r, f, site.publisher);
        return true;
    });
}

bool read_app(ValueReader& r, ondemand::value& v, AppView& app) {
    return r.each_field(v, app.present, [&](std::string_view key, ondemand::value& f) {
        if (key == "id") return r.read_string(f, app.id);
        if (key == "bundle") return r.read_string(f, app.bundle);
        if (key == "domain") return r.read_string(f, app.domain);
        if (key == "storeurl") return r.read_string(f, app.storeurl);
        if (key == "name") return r.read_string(f, app.name);
        if (key == "ver") return r.read_string(f, app.ver);
        if (key == "cat") return r.read_strings(f, app.cat);
        if (key == "publisher") return read_publisher(r, f, app.publisher);
        return true;
    });
}

bool read_device(ValueReader& r, ondemand::value& v, DeviceView& device) {
    return r.each_field(v, [&](std::string_view key, ondemand::value& f) {
        if (key == "ua") return r.read_string(f, device.ua);
        if (key == "ip") return r.read_string(f, device.ip);
        if (key == "geo") return read_geo(r, f, device.geo);
        if (key == "devicetype") return r.read_uint(f, device.devicetype);
        if (key == "os") return r.read_string(f, device.os);
        if (key == "osv") return r.read_string(f, device.osv);
        if (key == "make") return r.read_string(f, device.make);
        if (key == "model") return r.read_string(f, device.model);
        if (key == "ifa") return r.read_string(f, device.ifa);
        if (key == "ipv6") return r.read_string(f, device.ipv6);
        if (key == "language") return r.read_string(f, device.language);
        if (key == "connectiontype") return r.read_uint(f, device.connectiontype);
        if (key == "w") return r.read_uint(f, device.w);
        if (key == "h") return r.read_uint(f, device.h);
        if (key == "lmt") return r.read_flag(f, device.lmt);
        if (key == "dnt") return r.read_flag(f, device.dnt);
        return true;
    });
}

bool read_user(ValueReader& r, ondemand::value& v, UserView& user, LegacyExtValues& legacy) {
    return r.each_field(v, [&](std::string_view key, ondemand::value& f) {
        if (key == "id") return r.read_string(f, user.id);
        if (key == "buyeruid") return r.read_string(f, user.buyeruid);
        if (key == "consent") return r.read_string(f, user.consent);
        if (key == "eids") return r.count_elements(f, user.eids);
        if (key == "yob") return r.read_uint(f, user.yob);
        if (key == "gender") return r.read_string(f, user.gender);
        if (key == "geo") return read_geo(r, f, user.geo);
        if (key == "ext") return read_user_ext(r, f, legacy);
        return true;
    });
}

}  // namespace bidline::openrtb
