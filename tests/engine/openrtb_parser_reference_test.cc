// The On-Demand parser against a plain reference: simdjson's DOM API looks
// the same fields up by JSON pointer in every corpus request that parses,
// and both must agree. The reference is slow and obviously correct; the
// parser is fast and single-pass, so this catches mistakes in its walk.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "bidline/engine/openrtb_parser.h"
#include "support/fixtures.h"

namespace bidline {
namespace {

// The DOM document of one request, with lookups that treat null as absent.
class Reference {
public:
    explicit Reference(const std::string& json) { EXPECT_EQ(parser_.parse(json).get(root_), simdjson::SUCCESS); }

    std::string_view string(std::string_view pointer) const {
        std::string_view s;
        return at(pointer).get_string().get(s) == simdjson::SUCCESS ? s : std::string_view();
    }
    double number(std::string_view pointer) const {
        double d = 0;
        return at(pointer).get_double().get(d) == simdjson::SUCCESS ? d : 0.0;
    }
    bool is_object(std::string_view pointer) const { return at(pointer).is_object(); }
    std::size_t array_size(std::string_view pointer) const {
        simdjson::dom::array a;
        return at(pointer).get_array().get(a) == simdjson::SUCCESS ? a.size() : 0;
    }
    std::optional<bool> flag(std::string_view pointer) const {
        bool b = false;
        if (at(pointer).get_bool().get(b) == simdjson::SUCCESS) return b;
        double d = 0;
        if (at(pointer).get_double().get(d) == simdjson::SUCCESS) return d != 0;
        return std::nullopt;
    }

private:
    // Carries "absent" as an error through the typed getters.
    simdjson::simdjson_result<simdjson::dom::element> at(std::string_view pointer) const {
        return root_.at_pointer(pointer);
    }

    simdjson::dom::parser parser_;
    simdjson::dom::element root_;
};

std::string imp_pointer(std::size_t i, std::string_view rest) {
    std::string p = "/imp/";
    p += std::to_string(i);
    p += rest;
    return p;
}

void expect_agrees_with_reference(const std::string& json, const BidRequestView& r) {
    const Reference ref(json);
    EXPECT_EQ(r.id, ref.string("/id"));
    EXPECT_EQ(r.tmax_ms, static_cast<std::uint32_t>(ref.number("/tmax")));
    EXPECT_EQ(r.imps.size() + r.imps.dropped, ref.array_size("/imp"));
    for (std::size_t i = 0; i < r.imps.size(); ++i) {
        SCOPED_TRACE(i);
        const ImpView& imp = r.imps.items[i];
        EXPECT_EQ(imp.id, ref.string(imp_pointer(i, "/id")));
        EXPECT_DOUBLE_EQ(imp.bidfloor, ref.number(imp_pointer(i, "/bidfloor")));
        EXPECT_EQ(imp.bidfloorcur, ref.string(imp_pointer(i, "/bidfloorcur")));
        EXPECT_EQ(imp.tagid, ref.string(imp_pointer(i, "/tagid")));
        EXPECT_EQ(imp.banner.present, ref.is_object(imp_pointer(i, "/banner")));
        EXPECT_EQ(imp.banner.w, ref.number(imp_pointer(i, "/banner/w")));
        EXPECT_EQ(imp.banner.h, ref.number(imp_pointer(i, "/banner/h")));
        EXPECT_EQ(imp.banner.formats.size() + imp.banner.formats.dropped,
                  ref.array_size(imp_pointer(i, "/banner/format")));
        if (!imp.banner.formats.empty()) {
            EXPECT_EQ(imp.banner.formats.items[0].w, ref.number(imp_pointer(i, "/banner/format/0/w")));
            EXPECT_EQ(imp.banner.formats.items[0].h, ref.number(imp_pointer(i, "/banner/format/0/h")));
        }
        EXPECT_EQ(imp.video.present, ref.is_object(imp_pointer(i, "/video")));
        EXPECT_EQ(imp.video.mimes.size() + imp.video.mimes.dropped, ref.array_size(imp_pointer(i, "/video/mimes")));
        EXPECT_EQ(imp.video.maxduration, ref.number(imp_pointer(i, "/video/maxduration")));
        EXPECT_EQ(imp.audio.present, ref.is_object(imp_pointer(i, "/audio")));
        EXPECT_EQ(imp.native.present, ref.is_object(imp_pointer(i, "/native")));
        EXPECT_EQ(imp.native.ver, ref.string(imp_pointer(i, "/native/ver")));
        EXPECT_EQ(imp.deals.size() + imp.deals.dropped, ref.array_size(imp_pointer(i, "/pmp/deals")));
    }
    EXPECT_EQ(r.site.present, ref.is_object("/site"));
    EXPECT_EQ(r.site.domain, ref.string("/site/domain"));
    EXPECT_EQ(r.site.page, ref.string("/site/page"));
    EXPECT_EQ(r.site.publisher.id, ref.string("/site/publisher/id"));
    EXPECT_EQ(r.app.present, ref.is_object("/app"));
    EXPECT_EQ(r.app.bundle, ref.string("/app/bundle"));
    EXPECT_EQ(r.app.publisher.id, ref.string("/app/publisher/id"));
    EXPECT_EQ(r.device.ua, ref.string("/device/ua"));
    EXPECT_EQ(r.device.ip, ref.string("/device/ip"));
    EXPECT_EQ(r.device.os, ref.string("/device/os"));
    EXPECT_EQ(r.device.devicetype, ref.number("/device/devicetype"));
    EXPECT_EQ(r.device.geo.country, ref.string("/device/geo/country"));
    EXPECT_DOUBLE_EQ(r.device.geo.lat, ref.number("/device/geo/lat"));
    EXPECT_EQ(r.user.id, ref.string("/user/id"));
    EXPECT_EQ(r.user.buyeruid, ref.string("/user/buyeruid"));
    EXPECT_EQ(r.bcat.size() + r.bcat.dropped, ref.array_size("/bcat"));
    EXPECT_EQ(r.badv.size() + r.badv.dropped, ref.array_size("/badv"));

    // The 2.6 location first, then 2.5's ext.
    const std::optional<bool> gdpr = ref.flag("/regs/gdpr") ? ref.flag("/regs/gdpr") : ref.flag("/regs/ext/gdpr");
    EXPECT_EQ(r.regs.gdpr, gdpr);
    const std::string_view consent = ref.string("/user/consent");
    EXPECT_EQ(r.user.consent, consent.empty() ? ref.string("/user/ext/consent") : consent);
    const std::string_view us_privacy = ref.string("/regs/us_privacy");
    EXPECT_EQ(r.regs.us_privacy, us_privacy.empty() ? ref.string("/regs/ext/us_privacy") : us_privacy);
    const std::size_t eids = ref.array_size("/user/eids");
    EXPECT_EQ(r.user.eids, eids ? eids : ref.array_size("/user/ext/eids"));
    const std::size_t schain_nodes = ref.is_object("/source/schain")       ? ref.array_size("/source/schain/nodes")
                                     : ref.is_object("/source/ext/schain") ? ref.array_size("/source/ext/schain/nodes")
                                                                           : ref.array_size("/ext/schain/nodes");
    EXPECT_EQ(r.source.schain_nodes, schain_nodes);
}

TEST(OpenRtbParserReference, AgreesWithDomLookupsOnEveryCorpusRequest) {
    std::vector<std::filesystem::path> files = test::openrtb_request_files();
    const std::vector<std::filesystem::path> prebid = test::prebid_request_files();
    files.insert(files.end(), prebid.begin(), prebid.end());
    OpenRtbParser parser;
    BidRequestView request;
    int compared = 0;
    for (const auto& path : files) {
        const std::string json = test::read_file(path);
        if (parser.parse(json, request)) continue;  // the corpus test names those
        SCOPED_TRACE(path.filename().string());
        expect_agrees_with_reference(json, request);
        ++compared;
    }
    EXPECT_GT(compared, 300);
}

}  // namespace
}  // namespace bidline
