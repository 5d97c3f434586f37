#include "bidline/engine/targeting_index.h"

#include <algorithm>
#include <charconv>
#include <string>

namespace bidline {
namespace {

std::uint64_t fit_key(MediaType m, std::uint16_t w, std::uint16_t h) {
    return (std::uint64_t{static_cast<std::uint8_t>(m)} << 32) | (std::uint64_t{w} << 16) | h;
}

std::string size_key(std::uint16_t w, std::uint16_t h) { return std::to_string(w) + "x" + std::to_string(h); }

// Writes "WxH" into buf; returns the view.
std::string_view size_key(std::uint16_t w, std::uint16_t h, char* buf) {
    char* p = std::to_chars(buf, buf + 6, w).ptr;
    *p++ = 'x';
    p = std::to_chars(p, p + 6, h).ptr;
    return {buf, static_cast<std::size_t>(p - buf)};
}

std::vector<std::string> lowered(const std::vector<std::string>& in, bool domain) {
    std::vector<std::string> out;
    char buf[256];
    for (const auto& s : in)
        out.emplace_back(domain ? normalise_domain(s, buf, sizeof buf) : normalise_lower(s, buf, sizeof buf));
    return out;
}

std::vector<std::string> uppered(const std::vector<std::string>& in) {
    std::vector<std::string> out;
    for (auto s : in) {
        std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
        out.push_back(std::move(s));
    }
    return out;
}

std::string_view normalise_upper(std::string_view in, char* out, std::size_t n) {
    const std::size_t len = std::min(in.size(), n);
    for (std::size_t i = 0; i < len; ++i) out[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(in[i])));
    return {out, len};
}

}  // namespace

std::string_view normalise_lower(std::string_view in, char* out, std::size_t n) {
    const std::size_t len = std::min(in.size(), n);
    for (std::size_t i = 0; i < len; ++i) out[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(in[i])));
    return {out, len};
}

std::string_view normalise_domain(std::string_view in, char* out, std::size_t n) {
    std::string_view s = normalise_lower(in, out, n);
    if (s.starts_with("www.")) s.remove_prefix(4);
    return s;
}

void StringDimension::init(std::uint32_t capacity) {
    capacity_ = capacity;
    by_value_.clear();
    unrestricted_ = LineItemSet(capacity);
}

void StringDimension::add(std::uint32_t li, const std::vector<std::string>& values) {
    if (values.empty()) {
        unrestricted_.set(li);
        return;
    }
    for (const auto& v : values) {
        auto [it, inserted] = by_value_.try_emplace(v, capacity_);
        it->second.set(li);
    }
}

void StringDimension::finalize() {
    for (auto& [value, set] : by_value_) set.or_with(unrestricted_);
}

const LineItemSet& StringDimension::accepting(std::string_view value) const {
    auto it = by_value_.find(value);
    return it == by_value_.end() ? unrestricted_ : it->second;
}

const LineItemSet* StringDimension::listed(std::string_view value) const {
    auto it = by_value_.find(value);
    return it == by_value_.end() ? nullptr : &it->second;
}

void TargetingIndex::build(const std::vector<const LineItem*>& items) {
    capacity_ = static_cast<std::uint32_t>(items.size());
    empty_ = LineItemSet(capacity_);
    no_allow_list_ = LineItemSet(capacity_);
    no_deals_ = LineItemSet(capacity_);
    creative_fit_.clear();
    for (auto* d : {&sizes_, &countries_, &regions_, &device_types_, &os_, &site_allow_, &app_allow_, &deals_,
                    &domain_block_, &bundle_block_})
        d->init(capacity_);

    for (std::uint32_t i = 0; i < capacity_; ++i) {
        const LineItem* li = items[i];
        if (li == nullptr) continue;  // a hole left by a removed line item
        const Targeting& t = li->targeting;
        for (const Creative& c : li->creatives) {
            if (!t.media.empty() && std::find(t.media.begin(), t.media.end(), c.format) == t.media.end()) continue;
            const bool sized = c.format == MediaType::banner;
            // A fixed-size banner of an untargeted size never serves, so it makes nothing eligible.
            if (sized && c.size != Size{} && !t.sizes.empty() &&
                std::find(t.sizes.begin(), t.sizes.end(), c.size) == t.sizes.end())
                continue;
            auto [it, _] = creative_fit_.try_emplace(fit_key(c.format, sized ? c.size.w : 0, sized ? c.size.h : 0),
                                                     capacity_);
            it->second.set(i);
        }
        std::vector<std::string> sizes;
        for (const Size& s : t.sizes) sizes.push_back(size_key(s.w, s.h));
        sizes_.add(i, sizes);
        countries_.add(i, uppered(t.countries));
        regions_.add(i, uppered(t.regions));
        std::vector<std::string> devices;
        for (DeviceType d : t.device_types) devices.push_back(std::to_string(d));
        device_types_.add(i, devices);
        os_.add(i, lowered(t.os, false));
        if (t.domains_allow.empty() && t.bundles_allow.empty()) {
            no_allow_list_.set(i);
            site_allow_.add(i, {});
            app_allow_.add(i, {});
        } else {
            if (!t.domains_allow.empty()) site_allow_.add(i, lowered(t.domains_allow, true));
            if (!t.bundles_allow.empty()) app_allow_.add(i, lowered(t.bundles_allow, false));
        }
        if (!t.domains_block.empty()) domain_block_.add(i, lowered(t.domains_block, true));
        if (!t.bundles_block.empty()) bundle_block_.add(i, lowered(t.bundles_block, false));
        if (t.deals.empty()) no_deals_.set(i); else deals_.add(i, t.deals);
    }
    for (auto* d : {&sizes_, &countries_, &regions_, &device_types_, &os_, &site_allow_, &app_allow_})
        d->finalize();
}

const LineItemSet& TargetingIndex::fit(MediaType m, std::uint16_t w, std::uint16_t h) const {
    auto it = creative_fit_.find(fit_key(m, w, h));
    return it == creative_fit_.end() ? empty_ : it->second;
}

void TargetingIndex::eligible(const BidRequestView& req, const ImpView& imp, const LineItemSet& live,
                              EligibilityScratch& s) const {
    LineItemSet& e = s.eligible;
    LineItemSet& tmp = s.tmp;
    e.assign(live);
    char key[16];

    // Which line items have a creative this imp can show, and do their
    // size targets allow one of the imp's sizes?
    tmp.clear();
    bool any_size = false;
    auto add_size = [&](std::uint16_t w, std::uint16_t h) {
        if (w == 0 || h == 0) return;
        tmp.or_with(fit(MediaType::banner, w, h));
        any_size = true;
    };
    if (imp.banner.present) {
        tmp.or_with(fit(MediaType::banner, 0, 0));  // responsive banner creatives fit any slot
        add_size(imp.banner.w, imp.banner.h);
        for (const FormatView& f : imp.banner.formats) add_size(f.w, f.h);
    }
    if (imp.video.present) tmp.or_with(fit(MediaType::video, 0, 0));
    if (imp.native.present) tmp.or_with(fit(MediaType::native, 0, 0));
    if (imp.audio.present) tmp.or_with(fit(MediaType::audio, 0, 0));
    e.and_with(tmp);

    tmp.assign(sizes_.unrestricted());
    if (any_size || imp.video.present) {
        if (imp.banner.present) {
            tmp.or_with(sizes_.accepting(size_key(imp.banner.w, imp.banner.h, key)));
            for (const FormatView& f : imp.banner.formats) tmp.or_with(sizes_.accepting(size_key(f.w, f.h, key)));
        }
        if (imp.video.present) tmp.or_with(sizes_.accepting(size_key(imp.video.w, imp.video.h, key)));
    }
    e.and_with(tmp);

    const GeoView& geo = req.device.geo.country.empty() ? req.user.geo : req.device.geo;
    e.and_with(countries_.accepting(normalise_upper(geo.country, s.norm, sizeof s.norm)));
    e.and_with(regions_.accepting(normalise_upper(geo.region, s.norm, sizeof s.norm)));
    {
        char* p = std::to_chars(key, key + 4, req.device.devicetype).ptr;
        e.and_with(req.device.devicetype ? device_types_.accepting({key, static_cast<std::size_t>(p - key)})
                                         : device_types_.unrestricted());
    }
    e.and_with(os_.accepting(normalise_lower(req.device.os, s.norm, sizeof s.norm)));

    if (req.site.present) {
        std::string_view d = req.site.domain.empty() ? req.site.publisher.domain : req.site.domain;
        d = normalise_domain(d, s.norm, sizeof s.norm);
        e.and_with(site_allow_.accepting(d));
        if (const LineItemSet* blocked = domain_block_.listed(d)) e.and_not(*blocked);
    } else if (req.app.present) {
        std::string_view b = normalise_lower(req.app.bundle, s.norm, sizeof s.norm);
        e.and_with(app_allow_.accepting(b));
        if (const LineItemSet* blocked = bundle_block_.listed(b)) e.and_not(*blocked);
    } else {
        e.and_with(no_allow_list_);
    }

    // Deals: deal line items only on imps offering their deal; open-auction
    // line items only where the auction is not private.
    if (imp.private_auction) tmp.clear(); else tmp.assign(no_deals_);
    for (const DealView& d : imp.deals)
        if (const LineItemSet* ok = deals_.listed(d.id)) tmp.or_with(*ok);
    e.and_with(tmp);
}

}  // namespace bidline
