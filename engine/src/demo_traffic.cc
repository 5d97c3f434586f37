#include "bidline/engine/demo_traffic.h"

#include <simdjson.h>

#include <chrono>
#include <cmath>
#include <random>
#include <string>

#include "loopback_client.h"

namespace bidline {
namespace {

struct Placement {
    int w, h;
    const char* media;  // banner | video | native | audio
};
constexpr Placement kPlacements[] = {{300, 250, "banner"}, {728, 90, "banner"}, {320, 50, "banner"},
                                     {160, 600, "banner"}, {640, 360, "video"},  {0, 0, "native"},
                                     {0, 0, "audio"}};
constexpr const char* kCountries[] = {"USA", "USA", "USA", "CAN", "GBR", "DEU", "FRA", "BRA"};
constexpr const char* kDomains[] = {"news.example.com", "sports.example.org", "www.foobar.com", "recipes.example.net",
                                    "weather.example.com", "travel.example.io"};
constexpr const char* kOs[] = {"iOS", "Android", "Windows", "macOS"};
constexpr int kDeviceTypes[] = {4, 4, 2, 5, 2, 3};

std::string imp_json(const Placement& p, double floor) {
    std::string media(p.media);
    std::string j = "{\"id\":\"1\",\"bidfloor\":" + std::to_string(floor) + ",\"bidfloorcur\":\"USD\",";
    if (media == "banner")
        j += "\"banner\":{\"w\":" + std::to_string(p.w) + ",\"h\":" + std::to_string(p.h) +
             ",\"format\":[{\"w\":" + std::to_string(p.w) + ",\"h\":" + std::to_string(p.h) + "}],\"pos\":1}";
    else if (media == "video")
        j += "\"video\":{\"mimes\":[\"video/mp4\"],\"w\":640,\"h\":360,\"minduration\":5,\"maxduration\":30,"
             "\"protocols\":[2,3,5,6],\"plcmt\":1}";
    else if (media == "native")
        j += "\"native\":{\"ver\":\"1.2\",\"request\":\"{\\\"ver\\\":\\\"1.2\\\",\\\"assets\\\":[{\\\"id\\\":1,"
             "\\\"required\\\":1,\\\"title\\\":{\\\"len\\\":90}}]}\"}";
    else
        j += "\"audio\":{\"mimes\":[\"audio/mp4\"],\"minduration\":5,\"maxduration\":30}";
    return j + "}";
}

}  // namespace

DemoTraffic::DemoTraffic(DemoTrafficOptions options) : options_(std::move(options)) {}
DemoTraffic::~DemoTraffic() { stop(); }

void DemoTraffic::start() {
    running_ = true;
    thread_ = std::thread([this] { run(); });
}

void DemoTraffic::stop() {
    running_ = false;
    if (thread_.joinable()) thread_.join();
}

void DemoTraffic::run() {
    std::mt19937_64 rng(options_.seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::lognormal_distribution<double> market(std::log(1.2), 0.6);  // competing CPM
    LoopbackClient client(options_.host, options_.port);
    simdjson::dom::parser parser;
    const auto period = std::chrono::duration<double>(1.0 / std::max(1.0, options_.requests_per_second));
    auto next = std::chrono::steady_clock::now();
    std::uint64_t n = 0;

    while (running_) {
        next += std::chrono::duration_cast<std::chrono::steady_clock::duration>(period);
        std::this_thread::sleep_until(next);
        const Placement& p = kPlacements[rng() % std::size(kPlacements)];
        const char* country = kCountries[rng() % std::size(kCountries)];
        const char* domain = kDomains[rng() % std::size(kDomains)];
        const double floor = 0.05 + 0.5 * u(rng);
        const std::string req = "{\"id\":\"demo-" + std::to_string(++n) + "\",\"at\":2,\"tmax\":120,\"cur\":[\"USD\"],"
            "\"imp\":[" + imp_json(p, floor) + "],"
            "\"site\":{\"id\":\"s1\",\"domain\":\"" + domain + "\",\"page\":\"https://" + domain + "/a\","
            "\"publisher\":{\"id\":\"p1\"}},"
            "\"device\":{\"ua\":\"Mozilla/5.0\",\"ip\":\"203.0.113.7\",\"devicetype\":" +
            std::to_string(kDeviceTypes[rng() % std::size(kDeviceTypes)]) + ",\"os\":\"" + kOs[rng() % std::size(kOs)] +
            "\",\"geo\":{\"country\":\"" + country + "\"}},"
            "\"user\":{\"id\":\"u" + std::to_string(rng() % 5000) + "\"}}";
        const LoopbackResponse r = client.request("POST", "/openrtb2/bid", req, "x-openrtb-version: 2.6\r\n");
        sent_.fetch_add(1, std::memory_order_relaxed);
        if (r.status != 200) continue;

        simdjson::dom::element doc;
        if (parser.parse(r.body).get(doc)) continue;
        simdjson::dom::array seatbids;
        if (doc["seatbid"].get_array().get(seatbids)) continue;
        for (auto seat : seatbids) {
            simdjson::dom::array bids;
            if (seat["bid"].get_array().get(bids)) continue;
            for (auto bid : bids) {
                bids_.fetch_add(1, std::memory_order_relaxed);
                double price = 0;
                std::string_view nurl;
                if (bid["price"].get_double().get(price) || bid["nurl"].get_string().get(nurl)) continue;
                // Second-price auction against the best competing bid.
                const double competing = market(rng);
                if (price <= competing) continue;
                const std::size_t path = nurl.find("/v1/");
                if (path == std::string_view::npos) continue;
                std::string win(nurl.substr(path));
                const std::size_t macro = win.find("${AUCTION_PRICE}");
                if (macro == std::string::npos) continue;
                win.replace(macro, 16, std::to_string(std::max(floor, competing)));
                if (client.request("GET", win).status == 200) wins_.fetch_add(1, std::memory_order_relaxed);
                // Clicks and conversions follow from hidden rates per placement.
                const double ctr = (p.w == 300 ? 0.02 : p.w == 640 ? 0.015 : 0.008) * (country[0] == 'U' ? 1.3 : 1.0);
                if (u(rng) >= ctr * 10) continue;  // x10 so the demo shows clicks within a minute
                std::string click = win.substr(0, win.find("&price=")).replace(win.find("/win?"), 5, "/click?");
                client.request("GET", click);
                if (u(rng) < 0.1) {
                    std::string conv = win.substr(0, win.find("&price=")).replace(win.find("/win?"), 5, "/conversion?");
                    conv += "&value=" + std::to_string(20.0 + 80.0 * u(rng));
                    client.request("GET", conv);
                }
            }
        }
    }
}

}  // namespace bidline
