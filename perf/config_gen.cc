// perf_config_gen: writes the TOML configuration of the end-to-end load run
// (perf/run.sh): N line items (10 per campaign, 50 per advertiser) whose
// targeting varies the way a DSP's book does — media type, one or a few
// countries, sometimes regions, device class, OS, site allow and block
// lists, creative sizes — so that about ten are eligible for a request of
// perf/make_requests.py (the pools below are that script's: keep them in
// step). Strategies mix manual CPM with the model-driven ones (CPC, max
// clicks, target CPA/ROAS); every campaign paces (even, traffic,
// front-loaded, ASAP), some with daypart multipliers. Budgets are large
// enough that a few minutes of load at full speed stay within the pacing
// plan. `--click-model DIR` adds the `[models]` table naming a model bundle
// as `bidline train --out DIR` writes it.
// Seeded and deterministic: the same arguments write the same file.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

// Country, weight in the request mix, its regions as requests send them.
struct Country {
    std::string_view code;
    int weight;
    std::vector<std::string_view> regions;
};
const std::vector<Country> kCountries = {
    {"USA", 40, {"CA", "NY", "TX", "FL", "WA", "IL"}}, {"GBR", 10, {"ENG", "SCT"}}, {"DEU", 10, {"BE", "BY", "HH"}},
    {"FRA", 8, {"IDF", "ARA"}},  {"CAN", 8, {"ON", "QC", "BC"}}, {"JPN", 6, {"13", "27"}},
    {"BRA", 6, {"SP", "RJ"}},    {"AUS", 4, {"NSW", "VIC"}},     {"ESP", 4, {"MD", "CT"}},
    {"ITA", 4, {"RM", "MI"}},
};
// Banner sizes, weighted by how often Prebid's fixtures offer them.
struct BannerSize {
    int w, h, weight;
};
const std::vector<BannerSize> kSizes = {{300, 250, 40}, {300, 600, 14}, {320, 50, 10}, {728, 90, 8},
                                        {300, 50, 5},   {160, 600, 3},  {970, 250, 3}, {320, 100, 2}};
const std::vector<std::string_view> kSites = {
    "news.example.com",    "sports.example.net", "recipes.example.org", "weather.example.com",
    "finance.example.com", "travel.example.net", "tech.example.io",     "autos.example.com",
    "gaming.example.gg",   "health.example.org", "music.example.fm",    "local.example.us",
    "fashion.example.co",  "science.example.edu", "movies.example.tv",  "parenting.example.com"};
const std::vector<std::string_view> kApps = {"com.example.puzzle", "com.example.news",  "com.example.runner",
                                             "com.example.weather", "com.example.chess", "com.example.recipes",
                                             "com.example.radio",  "com.example.solitaire"};
const std::vector<std::string_view> kZones = {"America/New_York", "America/Los_Angeles", "Europe/London",
                                              "Europe/Berlin",    "Asia/Tokyo",          "UTC"};
const std::vector<std::string_view> kPacing = {"even", "even", "traffic", "traffic", "front_loaded", "asap"};

// splitmix64: a small seeded generator whose output does not depend on the standard library.
class Rng {
public:
    explicit Rng(std::uint64_t seed) : s_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    bool chance(double p) { return uniform() < p; }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
    template <class T>
    const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }
    template <class T, class W>
    const T& pick_weighted(const std::vector<T>& v, W weight) {
        int total = 0;
        for (const T& x : v) total += weight(x);
        int r = static_cast<int>(below(static_cast<std::size_t>(total)));
        for (const T& x : v)
            if ((r -= weight(x)) < 0) return x;
        return v.back();
    }

private:
    std::uint64_t s_;
};

std::string quoted(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string list(const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
    return out + "]";
}

std::string money(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

enum class Media { banner, video, native, audio };

void write_campaigns(std::ostream& out, std::uint32_t line_items, Rng& rng) {
    const std::uint32_t campaigns = (line_items + 9) / 10, advertisers = (campaigns + 4) / 5;
    for (std::uint32_t a = 0; a < advertisers; ++a)
        out << "[[advertiser]]\nid = \"adv-" << a << "\"\nname = \"Advertiser " << a << "\"\ncurrency = \"USD\"\n"
            << "timezone = " << quoted(rng.pick(kZones)) << "\ndomains = [\"brand" << a << ".example\"]\n\n";
    for (std::uint32_t c = 0; c < campaigns; ++c) {
        out << "[[campaign]]\nid = \"cmp-" << c << "\"\nadvertiser = \"adv-" << c / 5 << "\"\nname = \"Campaign " << c
            << "\"\ndaily_budget = " << money(50'000 + 1'000 * static_cast<double>(rng.below(150)))
            << "\nstart = 2024-01-01\nend = 2035-12-31\npacing = " << quoted(rng.pick(kPacing)) << "\n";
        if (rng.chance(0.2)) out << "\n[campaign.daypart]\nmultipliers = [\"mon-fri 18-22 1.2\", \"sat,sun 00-06 0.8\"]\n";
        out << "\n";
    }
}

std::string creative_markup(Media m, std::uint32_t li, int w, int h) {
    const std::string id = std::to_string(li);
    switch (m) {
        case Media::banner:
            return "<a href=\"https://brand.example/click?li=" + id + "&p=${AUCTION_PRICE}\" target=\"_blank\"><img src=\"https://cdn.brand.example/" +
                   std::to_string(w) + "x" + std::to_string(h) + "/" + id + ".jpg\" width=\"" + std::to_string(w) +
                   "\" height=\"" + std::to_string(h) + "\" alt=\"\"></a><img src=\"https://track.brand.example/imp?li=" +
                   id + "\" width=\"1\" height=\"1\" style=\"display:none\">";
        case Media::video:
        case Media::audio: {
            const std::string mime = m == Media::video ? "video/mp4" : "audio/mpeg";
            const std::string ext = m == Media::video ? "mp4" : "mp3";
            return "<VAST version=\"4.0\"><Ad id=\"" + id + "\"><InLine><AdSystem>bidline</AdSystem><AdTitle>Spot " + id +
                   "</AdTitle><Impression><![CDATA[https://track.brand.example/imp?li=" + id +
                   "]]></Impression><Creatives><Creative><Linear><Duration>00:00:15</Duration><MediaFiles>"
                   "<MediaFile delivery=\"progressive\" type=\"" + mime + "\" width=\"640\" height=\"360\"><![CDATA[https://cdn.brand.example/" +
                   id + "." + ext + "]]></MediaFile></MediaFiles></Linear></Creative></Creatives></InLine></Ad></VAST>";
        }
        case Media::native:
            return "{\"native\":{\"ver\":\"1.2\",\"assets\":[{\"id\":1,\"title\":{\"text\":\"Offer " + id +
                   "\"}},{\"id\":2,\"img\":{\"url\":\"https://cdn.brand.example/native/" + id +
                   ".jpg\",\"w\":1200,\"h\":627}},{\"id\":3,\"data\":{\"value\":\"Brand\"}}],\"link\":{\"url\":\"https://brand.example/n/" +
                   id + "\"},\"imptrackers\":[\"https://track.brand.example/imp?li=" + id + "\"]}}";
    }
    return {};
}

void write_line_item(std::ostream& out, std::uint32_t i, Rng& rng) {
    const double m = rng.uniform();
    const Media media = m < 0.45 ? Media::banner : m < 0.70 ? Media::video : m < 0.90 ? Media::native : Media::audio;
    static constexpr const char* kMediaName[] = {"banner", "video", "native", "audio"};
    out << "[[line_item]]\nid = \"li-" << i << "\"\ncampaign = \"cmp-" << i / 10 << "\"\nname = \"Line item " << i
        << " (" << kMediaName[static_cast<int>(media)] << ")\"\n";

    // Bidding: half manual CPM, the rest priced by the click model.
    const double s = rng.uniform();
    out << "\n[line_item.bid]\n";
    if (s < 0.50) out << "strategy = \"manual_cpm\"\ncpm = " << money(0.5 + rng.uniform() * 5.5) << "\n";
    else if (s < 0.65) out << "strategy = \"manual_cpc\"\ncpc = " << money(0.2 + rng.uniform() * 1.8) << "\n";
    else if (s < 0.80) out << "strategy = \"max_clicks\"\n";
    else if (s < 0.95) out << "strategy = \"target_cpa\"\ntarget_cpa = " << money(5 + rng.uniform() * 45) << "\n";
    else out << "strategy = \"target_roas\"\ntarget_roas = " << money(2 + rng.uniform() * 6) << "\n";
    if (s >= 0.50) out << "max_cpm = " << money(8 + rng.uniform() * 12) << "\n";

    // Targeting: one country mostly (any of the ten alike: a book is not
    // shaped like the traffic), sometimes two, rarely worldwide; most
    // single-country ones narrow to regions; device class and OS.
    std::vector<std::string> countries, regions, devices, os, allow, block, bundles;
    const double g = rng.uniform();
    const Country& home = rng.pick(kCountries);
    if (g < 0.90) countries.push_back(quoted(home.code));
    else if (g < 0.98) {
        countries.push_back(quoted(home.code));
        const Country& other = rng.pick_weighted(kCountries, [](const Country& c) { return c.weight; });
        if (other.code != home.code) countries.push_back(quoted(other.code));
    }
    if (countries.size() == 1 && rng.chance(0.6)) {
        regions.push_back(quoted(rng.pick(home.regions)));
        const auto& r2 = rng.pick(home.regions);
        if (quoted(r2) != regions[0]) regions.push_back(quoted(r2));
    }
    const double d = rng.uniform();
    if (media == Media::audio || d < 0.50) {
        devices = {"1", "4", "5"};
        if (rng.chance(0.5)) os.push_back(rng.chance(0.5) ? "\"ios\"" : "\"android\"");
    } else if (d < 0.85) {
        devices = {"2"};
    }
    if (rng.chance(0.2)) {
        for (int k = 0; k < 5; ++k) allow.push_back(quoted(rng.pick(kSites)));
        for (int k = 0; k < 3; ++k) bundles.push_back(quoted(rng.pick(kApps)));
    } else if (rng.chance(0.15)) {
        block = {quoted(rng.pick(kSites)), quoted(rng.pick(kSites))};
    }
    out << "\n[line_item.targeting]\nmedia = [\"" << kMediaName[static_cast<int>(media)] << "\"]\n";
    if (!countries.empty()) out << "countries = " << list(countries) << "\n";
    if (!regions.empty()) out << "regions = " << list(regions) << "\n";
    if (!devices.empty()) out << "device_types = " << list(devices) << "\n";
    if (!os.empty()) out << "os = " << list(os) << "\n";
    if (!allow.empty()) out << "domains_allow = " << list(allow) << "\nbundles_allow = " << list(bundles) << "\n";
    if (!block.empty()) out << "domains_block = " << list(block) << "\n";

    // Creatives: banners in one to three sizes; one creative otherwise.
    const int n = media == Media::banner ? 1 + static_cast<int>(rng.below(3)) : 1;
    std::vector<const BannerSize*> used;
    for (int k = 0; k < n; ++k) {
        const BannerSize& size = rng.pick_weighted(kSizes, [](const BannerSize& b) { return b.weight; });
        bool seen = false;
        for (const BannerSize* u : used) seen = seen || u == &size;
        if (seen) continue;
        used.push_back(&size);
        const int w = media == Media::banner ? size.w : 0, h = media == Media::banner ? size.h : 0;
        out << "\n[[line_item.creative]]\nid = \"cr-" << i << "-" << k << "\"\nformat = \""
            << kMediaName[static_cast<int>(media)] << "\"\n";
        if (media == Media::banner) out << "w = " << w << "\nh = " << h << "\n";
        if (media == Media::video) out << "w = 640\nh = 360\n";
        out << "categories = [\"IAB" << 1 + rng.below(20) << "\"]\nmarkup = "
            << quoted(creative_markup(media, i, w, h)) << "\n";
    }
    out << "\n";
}

int usage() {
    std::fputs("usage: perf_config_gen [--line-items N] [--seed S] [--click-model DIR] --out FILE\n", stderr);
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::uint32_t line_items = 1000;
    std::uint64_t seed = 1;
    std::string click_model, out_path;
    const std::span<char*> args(argv + 1, static_cast<std::size_t>(argc - 1));
    for (std::size_t k = 0; k < args.size(); ++k) {
        const std::string_view a = args[k];
        if (k + 1 >= args.size()) return usage();
        const char* v = args[++k];
        if (a == "--line-items") line_items = static_cast<std::uint32_t>(std::strtoul(v, nullptr, 10));
        else if (a == "--seed") seed = std::strtoull(v, nullptr, 10);
        else if (a == "--click-model") click_model = v;
        else if (a == "--out") out_path = v;
        else return usage();
    }
    if (out_path.empty() || line_items == 0) return usage();

    std::ostringstream out;
    out << "# Generated by perf_config_gen --line-items " << line_items << " --seed " << seed
        << " (perf/config_gen.cc) for perf/run.sh.\n\n[engine]\nshards = 1\n\n";
    if (!click_model.empty()) out << "[models]\nclick = " << quoted(click_model) << "\n\n";
    Rng rng(seed);
    write_campaigns(out, line_items, rng);
    for (std::uint32_t i = 0; i < line_items; ++i) write_line_item(out, i, rng);

    std::ofstream file(out_path, std::ios::binary);
    file << out.str();
    if (!file.flush()) {
        std::fprintf(stderr, "perf_config_gen: cannot write %s\n", out_path.c_str());
        return 1;
    }
    std::fprintf(stderr, "perf_config_gen: %u line items in %u campaigns written to %s%s\n", line_items,
                 (line_items + 9) / 10, out_path.c_str(), click_model.empty() ? "" : " (with [models] click)");
    return 0;
}
