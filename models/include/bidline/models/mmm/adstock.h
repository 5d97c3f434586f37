// Adstock: how spend in one period keeps working in the periods after it.
// Geometric decay suits media whose effect fades at once (search, social);
// the Weibull forms let an effect build up and peak later (TV, out-of-home).
// Weights are normalised to sum to one, so adstock moves spend in time but
// never creates or destroys it: a steady spend x adstocks to exactly x, which
// makes the fitted saturation curve a response curve in spend per period.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace bidline::mmm {

enum class AdstockKind {
    geometric,    // weight of lag l ∝ decay^l
    weibull_cdf,  // weight ∝ Weibull survival exp(-(l/scale)^shape): flexible decay
    weibull_pdf,  // weight ∝ Weibull mass of lag l: may peak after a delay
};

struct Adstock {
    AdstockKind kind = AdstockKind::geometric;
    double decay = 0.5;  // geometric: share carried into the next period
    double shape = 1.0;  // Weibull shape (> 1 delays the peak of weibull_pdf)
    double scale = 2.0;  // Weibull scale, in periods
    int max_lag = 12;    // periods after the spend that still count
};

// The max_lag + 1 normalised weights, lag 0 first.
std::vector<double> adstock_weights(const Adstock& a);
// out[t] = Σ_l w[l]·spend[t-l]; spend before the series is taken as zero.
void apply_adstock(std::span<const double> weights, std::span<const double> spend, std::span<double> out);

std::string_view adstock_name(AdstockKind k);
std::optional<AdstockKind> parse_adstock_kind(std::string_view name);

}  // namespace bidline::mmm
