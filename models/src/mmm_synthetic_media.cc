#include <chrono>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <random>

#include "bidline/models/mmm/synthetic_media.h"

namespace bidline::mmm {
namespace {

std::string period_label(std::size_t t, Cadence cadence) {
    using namespace std::chrono;
    const int step = cadence == Cadence::daily ? 1 : 7;
    const year_month_day d{sys_days{year{2023} / January / 2} + days{step * static_cast<int>(t)}};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                  static_cast<unsigned>(d.day()));
    return buf;
}

}  // namespace

SyntheticMediaMix generate_media_mix(const SyntheticOptions& o) {
    std::mt19937_64 rng(o.seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::normal_distribution<double> z(0.0, 1.0);
    auto between = [&](double lo, double hi) { return lo + (hi - lo) * u(rng); };
    const std::size_t n = o.periods;
    SyntheticMediaMix out;
    for (std::size_t t = 0; t < n; ++t) out.series.periods.push_back(period_label(t, o.cadence));

    std::vector<double> media(n, 0.0);
    for (std::size_t c = 0; c < o.channels; ++c) {
        ChannelTruth truth;
        truth.name = "ch" + std::to_string(c + 1);
        const double level = 1000.0 * between(0.5, 3.0);
        // Even channels run in flights (on about half the weeks); odd ones are
        // mostly on (about 80%) with dark weeks. Each channel's on/off pattern
        // is independent of the others and of the season: dark weeks and
        // spend that varies within a flight are what identify a channel's
        // effect (a channel always on near saturation looks like the intercept,
        // in real data as here).
        const bool flighted = c % 2 == 0;
        const double stop = flighted ? 0.25 : 0.1, restart = flighted ? 0.3 : 0.4;
        std::vector<double> spend(n);
        bool on = true;
        for (std::size_t t = 0; t < n; ++t) {
            on = on ? u(rng) > stop : u(rng) < restart;
            spend[t] = on ? level * std::exp(0.7 * z(rng) - 0.245) : 0.0;  // log-normal, mean `level`
        }
        truth.adstock.kind = o.adstock;
        truth.adstock.max_lag = o.max_lag;
        truth.adstock.decay = between(0.1, 0.6);
        truth.adstock.shape = o.adstock == AdstockKind::weibull_pdf ? between(1.5, 3.0) : between(0.7, 2.0);
        truth.adstock.scale = between(1.0, 3.0);
        truth.saturation.kind = SaturationKind::hill;
        truth.saturation.kappa = level * between(0.6, 1.4);
        truth.saturation.slope = between(1.0, 2.5);
        std::vector<double> adstocked(n);
        apply_adstock(adstock_weights(truth.adstock), spend, adstocked);
        double saturated = 0;
        for (double a : adstocked) saturated += saturate(truth.saturation, a);
        for (double x : spend) truth.spend += x;
        const double roi = between(1.0, 3.0);
        truth.beta = roi * truth.spend / saturated;
        for (std::size_t t = 0; t < n; ++t) {
            const double effect = truth.beta * saturate(truth.saturation, adstocked[t]);
            media[t] += effect;
            truth.contribution += effect;
        }
        truth.roi = truth.contribution / truth.spend;
        out.series.channels.push_back({truth.name, std::move(spend)});
        out.truth.push_back(std::move(truth));
    }
    double media_total = 0;
    for (auto& t : out.truth) media_total += t.contribution;
    for (auto& t : out.truth) t.share = media_total > 0 ? t.contribution / media_total : 0;

    const double mean_media = media_total / static_cast<double>(n);
    const double level = mean_media > 0 ? mean_media * (1 - o.media_share) / o.media_share : 1000.0;
    NamedSeries price{"price", std::vector<double>(n)};
    double p = 10.0;
    for (std::size_t t = 0; t < n; ++t) {
        p = 10.0 + 0.8 * (p - 10.0) + 0.5 * z(rng);
        price.values[t] = p;
    }
    std::vector<double> outcome(n);
    double mean_outcome = 0;
    const bool daily = o.cadence == Cadence::daily;
    const double year = daily ? 365.25 : 52.1775;
    for (std::size_t t = 0; t < n; ++t) {
        const double w = 2 * std::numbers::pi * static_cast<double>(t) / year;
        const double weekday = daily ? 0.05 * std::sin(2 * std::numbers::pi * static_cast<double>(t) / 7) : 0.0;
        const double base = level * (1.0 + 0.15 * static_cast<double>(t) / static_cast<double>(n) + 0.1 * std::sin(w) +
                                     0.05 * std::cos(2 * w) + weekday - 0.04 * (price.values[t] - 10.0));
        out.baseline += base;
        outcome[t] = base + media[t];
        mean_outcome += outcome[t] / static_cast<double>(n);
    }
    for (double& y : outcome) y += o.noise * mean_outcome * z(rng);
    out.series.outcome = std::move(outcome);
    out.series.controls.push_back(std::move(price));
    return out;
}

}  // namespace bidline::mmm
