// BidRequestView: what the bid path needs from an OpenRTB 2.5/2.6 bid
// request, as string_views over the request buffer (or the parser's string
// arena) and fixed-capacity arrays: parsing fills it without allocating.
// Lives on one shard; valid until that shard parses its next request.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace bidline {

// A fixed-capacity list; items beyond the capacity are counted in `dropped`
// (the request is still served, the extra values are ignored).
template <class T, std::size_t N>
struct SmallList {
    std::array<T, N> items{};
    std::uint8_t count = 0;
    std::uint16_t dropped = 0;

    void push(const T& v) {
        if (count < N) items[count++] = v; else ++dropped;
    }
    const T* begin() const { return items.data(); }
    const T* end() const { return items.data() + count; }
    bool empty() const { return count == 0; }
    std::size_t size() const { return count; }
    void clear() { count = 0; dropped = 0; }
};

struct FormatView {
    std::uint16_t w = 0;
    std::uint16_t h = 0;
};

struct BannerView {
    bool present = false;
    std::uint16_t w = 0, h = 0;
    SmallList<FormatView, 16> formats;
    std::uint8_t pos = 0;
};

struct VideoView {
    bool present = false;
    std::uint16_t w = 0, h = 0;
    std::uint32_t minduration = 0, maxduration = 0;
    SmallList<std::string_view, 8> mimes;
    SmallList<std::uint8_t, 16> protocols;
    std::uint8_t placement = 0;   // 2.5 placement / 2.6 plcmt
    std::uint8_t pos = 0;
};

struct AudioView {
    bool present = false;
    std::uint32_t minduration = 0, maxduration = 0;
    SmallList<std::string_view, 8> mimes;
};

struct NativeView {
    bool present = false;
    std::string_view request;  // the Native markup request (a JSON string, still escaped)
    std::string_view ver;
};

struct DealView {
    std::string_view id;
    double bidfloor = 0.0;
    std::string_view bidfloorcur;
};

struct ImpView {
    std::string_view id;
    BannerView banner;
    VideoView video;
    AudioView audio;
    NativeView native;
    double bidfloor = 0.0;            // CPM, in bidfloorcur
    std::string_view bidfloorcur;     // empty = USD
    std::string_view tagid;
    bool secure = false;
    bool instl = false;
    bool private_auction = false;     // pmp.private_auction
    SmallList<DealView, 8> deals;
};

struct GeoView {
    std::string_view country;  // ISO-3166-1 alpha-3
    std::string_view region;
    std::string_view city;
    std::string_view zip;
    double lat = 0.0, lon = 0.0;
    std::uint8_t type = 0;
    std::int32_t utcoffset = 0;
};

struct PublisherView {
    std::string_view id;
    std::string_view name;
    std::string_view domain;
};

struct SiteView {
    bool present = false;
    std::string_view id, domain, page, ref, name;
    SmallList<std::string_view, 8> cat;
    PublisherView publisher;
};

struct AppView {
    bool present = false;
    std::string_view id, bundle, domain, storeurl, name, ver;
    SmallList<std::string_view, 8> cat;
    PublisherView publisher;
};

struct DeviceView {
    std::string_view ua, ip, ipv6, os, osv, make, model, language, ifa;
    std::uint8_t devicetype = 0;
    std::uint8_t connectiontype = 0;
    std::uint16_t w = 0, h = 0;
    std::optional<bool> lmt, dnt;
    GeoView geo;
};

struct UserView {
    std::string_view id, buyeruid, consent;
    std::uint16_t yob = 0;
    std::string_view gender;
    std::uint16_t eids = 0;   // count of user.eids (2.6) or user.ext.eids (2.5)
    GeoView geo;
};

struct RegsView {
    bool coppa = false;
    std::optional<bool> gdpr;           // regs.gdpr (2.6) or regs.ext.gdpr (2.5)
    std::string_view us_privacy;        // regs.us_privacy or regs.ext.us_privacy
    std::string_view gpp;
    SmallList<std::uint16_t, 8> gpp_sid;
};

struct SourceView {
    std::string_view tid;
    bool fd = false;
    std::uint16_t schain_nodes = 0;     // source.schain (2.6), source.ext.schain (2.5) or ext.schain (Prebid)
    bool schain_complete = false;
};

enum class AuctionType : std::uint8_t { first_price = 1, second_price = 2 };

struct BidRequestView {
    std::string_view id;
    SmallList<ImpView, 8> imps;
    SiteView site;
    AppView app;
    DeviceView device;
    UserView user;
    RegsView regs;
    SourceView source;
    AuctionType at = AuctionType::second_price;
    std::uint32_t tmax_ms = 0;          // 0 = not given
    bool test = false;
    SmallList<std::string_view, 8> cur; // allowed bid currencies; empty = USD
    SmallList<std::string_view, 32> bcat;
    SmallList<std::string_view, 32> badv;
    SmallList<std::string_view, 16> bapp;
    SmallList<std::string_view, 8> wseat;
    std::string_view openrtb_version;  // from the x-openrtb-version header, if any

    void clear() { *this = BidRequestView{}; }
};

}  // namespace bidline
