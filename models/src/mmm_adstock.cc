#include <algorithm>
#include <cassert>
#include <cmath>

#include "bidline/models/mmm/adstock.h"

namespace bidline::mmm {

std::vector<double> adstock_weights(const Adstock& a) {
    assert(a.max_lag >= 0);
    std::vector<double> w(static_cast<std::size_t>(a.max_lag) + 1);
    auto weibull_cdf = [&](double l) { return 1.0 - std::exp(-std::pow(l / a.scale, a.shape)); };
    for (std::size_t l = 0; l < w.size(); ++l) {
        const double lag = static_cast<double>(l);
        switch (a.kind) {
            case AdstockKind::geometric: w[l] = std::pow(a.decay, lag); break;
            case AdstockKind::weibull_cdf: w[l] = 1.0 - weibull_cdf(lag); break;
            case AdstockKind::weibull_pdf: w[l] = weibull_cdf(lag + 1) - weibull_cdf(lag); break;
        }
    }
    double sum = 0;
    for (double x : w) sum += x;
    // A Weibull mass entirely beyond max_lag leaves nothing: keep the spend at lag 0.
    if (!(sum > 1e-300)) {
        std::fill(w.begin(), w.end(), 0.0);
        w[0] = 1.0;
        return w;
    }
    for (double& x : w) x /= sum;
    return w;
}

void apply_adstock(std::span<const double> weights, std::span<const double> spend, std::span<double> out) {
    assert(out.size() == spend.size());
    for (std::size_t t = 0; t < spend.size(); ++t) {
        double s = 0;
        const std::size_t lags = std::min(weights.size(), t + 1);
        for (std::size_t l = 0; l < lags; ++l) s += weights[l] * spend[t - l];
        out[t] = s;
    }
}

std::string_view adstock_name(AdstockKind k) {
    switch (k) {
        case AdstockKind::geometric: return "geometric";
        case AdstockKind::weibull_cdf: return "weibull_cdf";
        case AdstockKind::weibull_pdf: return "weibull_pdf";
    }
    return "?";
}

std::optional<AdstockKind> parse_adstock_kind(std::string_view name) {
    for (auto k : {AdstockKind::geometric, AdstockKind::weibull_cdf, AdstockKind::weibull_pdf})
        if (adstock_name(k) == name) return k;
    return std::nullopt;
}

}  // namespace bidline::mmm
