#include "bidline/feeds/market_generator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace bidline {
namespace {

struct SizeSpec { int w, h; double weight, ctr_lift, price_lift; };
constexpr std::array<SizeSpec, 5> kSizes = {{{300, 250, 0.40, 0.0, 0.0}, {728, 90, 0.25, -0.4, -0.1},
                                             {320, 50, 0.20, -0.2, -0.4}, {160, 600, 0.10, -0.6, -0.2},
                                             {300, 600, 0.05, 0.5, 0.3}}};
struct CountrySpec { const char* code; double weight, ctr_lift, price_lift; };
constexpr std::array<CountrySpec, 5> kCountries = {{{"USA", 0.50, 0.2, 0.3}, {"CAN", 0.10, 0.1, 0.1},
                                                    {"GBR", 0.15, 0.0, 0.1}, {"DEU", 0.15, -0.1, 0.0},
                                                    {"FRA", 0.10, -0.2, -0.1}}};
struct DeviceSpec { int type; const char* os; double weight, ctr_lift, price_lift; };
constexpr std::array<DeviceSpec, 3> kDevices = {{{2, "Windows", 0.40, -0.2, 0.0}, {4, "Android", 0.45, 0.3, -0.2},
                                                 {5, "iOS", 0.15, 0.1, 0.2}}};
constexpr int kSites = 40;
// Relative traffic per hour of day (UTC): quiet at night, peak in the evening.
constexpr std::array<double, 24> kHourly = {0.45, 0.35, 0.28, 0.25, 0.25, 0.30, 0.45, 0.65, 0.85, 0.95, 1.00, 1.00,
                                            1.05, 1.00, 0.95, 0.95, 1.00, 1.10, 1.25, 1.40, 1.45, 1.30, 1.00, 0.70};

double site_ctr_lift(int site) { return 0.8 * std::sin(site * 1.7) ; }
double site_price_lift(int site) { return 0.35 * std::sin(site * 1.7 + 0.9); }
double hour_ctr_lift(int hour) { return 0.25 * std::cos((hour - 20) * 2 * M_PI / 24); }

template <class Spec, std::size_t N>
int pick(const std::array<Spec, N>& specs, double u) {
    double acc = 0;
    for (std::size_t i = 0; i < N; ++i) {
        acc += specs[i].weight;
        if (u < acc) return static_cast<int>(i);
    }
    return static_cast<int>(N - 1);
}

}  // namespace

double synthetic_ctr(int size, int country, int device, int site, int hour) {
    const double z = -4.6 + kSizes[size].ctr_lift + kCountries[country].ctr_lift + kDevices[device].ctr_lift +
                     site_ctr_lift(site) + hour_ctr_lift(hour);
    return 1.0 / (1.0 + std::exp(-z));
}

std::uint64_t write_synthetic_market(const MarketOptions& o, std::ostream& out) {
    std::mt19937_64 rng(o.seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::normal_distribution<double> noise(0.0, 1.0);
    std::mt19937_64 score_rng(o.seed ^ 0x9e3779b97f4a7c15ULL);
    std::normal_distribution<double> score_noise(0.0, 0.3);

    // How many requests fall in each hour, then a sorted uniform time within it.
    std::vector<double> weight(o.hours);
    double total = 0;
    for (std::uint32_t h = 0; h < o.hours; ++h) total += weight[h] = kHourly[h % 24];
    std::uint64_t written = 0;
    std::string line;
    line.reserve(1024);
    double cumulative = 0;
    for (std::uint32_t h = 0; h < o.hours; ++h) {
        // Rounding the cumulative share makes the hourly counts add up to exactly `requests`.
        const auto before = static_cast<std::uint64_t>(std::llround(static_cast<double>(o.requests) * cumulative / total));
        cumulative += weight[h];
        const auto after = static_cast<std::uint64_t>(std::llround(static_cast<double>(o.requests) * cumulative / total));
        const std::uint64_t count = after - before;
        std::vector<std::int64_t> offsets(count);
        for (auto& t : offsets) t = static_cast<std::int64_t>(u(rng) * 3.6e9);
        std::sort(offsets.begin(), offsets.end());
        for (std::int64_t off : offsets) {
            if (written == o.requests) break;
            const std::int64_t ts_us = o.start_us + static_cast<std::int64_t>(h) * 3'600'000'000 + off;
            const int hour = static_cast<int>((ts_us / 3'600'000'000) % 24);
            const int size = pick(kSizes, u(rng));
            const int country = pick(kCountries, u(rng));
            const int device = pick(kDevices, u(rng));
            // Zipf-like site popularity: low indices are the big sites.
            const int site = std::min(kSites - 1, static_cast<int>(std::floor(std::pow(u(rng), 2.0) * kSites)));
            const double ctr = synthetic_ctr(size, country, device, site, hour);
            const bool click = u(rng) < ctr;
            const double cvr = 0.08 * std::exp(0.5 * kDevices[device].ctr_lift + 0.3 * site_ctr_lift(site));
            const bool conversion = click && u(rng) < cvr;
            const double value = conversion ? std::exp(std::log(40.0) + 0.5 * noise(rng)) : 0.0;
            const double market = std::exp(std::log(1.0) + kSizes[size].price_lift + kCountries[country].price_lift +
                                           kDevices[device].price_lift + site_price_lift(site) +
                                           0.1 * hour_ctr_lift(hour) + 0.45 * noise(rng));
            const double floor = u(rng) < 0.3 ? std::round(market * (0.2 + 0.3 * u(rng)) * 100) / 100 : 0.0;
            const SizeSpec& s = kSizes[size];
            char buf[1024];
            const int n = std::snprintf(
                buf, sizeof buf,
                "{\"ts\":%lld,\"request\":{\"id\":\"g%llu\",\"at\":%d,\"tmax\":100,\"cur\":[\"USD\"],"
                "\"imp\":[{\"id\":\"1\",\"bidfloor\":%.2f,\"bidfloorcur\":\"USD\",\"banner\":{\"w\":%d,\"h\":%d,\"pos\":1}}],"
                "\"site\":{\"id\":\"site%d\",\"domain\":\"site%d.example.com\",\"page\":\"https://site%d.example.com/\"},"
                "\"device\":{\"devicetype\":%d,\"os\":\"%s\",\"geo\":{\"country\":\"%s\"}},"
                "\"user\":{\"id\":\"u%llu\"}},"
                "\"market_price\":%.4f,\"click\":%d,\"conversion\":%d,\"conversion_value\":%.2f",
                static_cast<long long>(ts_us / 1000), static_cast<unsigned long long>(written), static_cast<int>(o.auction), floor, s.w, s.h, site,
                site, site, kDevices[device].type, kDevices[device].os, kCountries[country].code,
                static_cast<unsigned long long>(rng() % 200000), market, click ? 1 : 0, conversion ? 1 : 0, value);
            out.write(buf, n);
            if (o.with_pctr) {
                const double pctr = std::clamp(ctr * std::exp(score_noise(score_rng) - 0.045), 1e-6, 1.0);
                const int m = std::snprintf(buf, sizeof buf, ",\"pctr\":%.6f", pctr);
                out.write(buf, m);
            }
            out.write("}\n", 2);
            ++written;
        }
    }
    return written;
}

}  // namespace bidline
