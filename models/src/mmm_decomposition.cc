#include <algorithm>
#include <cmath>
#include <random>

#include "mmm_fit_steps.h"

namespace bidline::mmm {
namespace {

double percentile(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const double pos = q * static_cast<double>(v.size() - 1);
    const auto i = static_cast<std::size_t>(pos);
    const double frac = pos - static_cast<double>(i);
    return i + 1 < v.size() ? v[i] * (1 - frac) + v[i + 1] * frac : v[i];
}

// Outcome units of each channel's contribution for coefficients `b`.
std::vector<double> contributions(const MediaDesign& d, const Eigen::VectorXd& b) {
    std::vector<double> out(d.channels());
    for (std::size_t c = 0; c < d.channels(); ++c) {
        const auto j = static_cast<Eigen::Index>(d.media_begin() + c);
        out[c] = b[j] * d.x().col(j).sum() * d.outcome_scale();
    }
    return out;
}

}  // namespace

void decompose(const MediaDesign& d, const MediaSeries& s, const Eigen::VectorXd& b, double lambda, const MmmOptions& o,
               MediaMixResult& out) {
    const std::size_t n = d.rows(), channels = d.channels();
    const Eigen::VectorXd fitted = d.x() * b;
    out.fitted.resize(n);
    for (std::size_t t = 0; t < n; ++t) out.fitted[t] = fitted[static_cast<Eigen::Index>(t)] * d.outcome_scale();

    const auto contribution = contributions(d, b);
    double media_total = 0;
    for (double c : contribution) media_total += c;
    double fitted_total = 0;
    for (double f : out.fitted) fitted_total += f;
    out.baseline = fitted_total - media_total;
    out.baseline_share = fitted_total != 0 ? out.baseline / fitted_total : 0;

    // Moving-block bootstrap of residuals (blocks keep their autocorrelation),
    // refitting the linear part with the searched transforms held fixed.
    std::vector<std::vector<double>> draws_contribution(channels), draws_beta(channels);
    if (o.bootstrap_draws > 0) {
        const Eigen::VectorXd residual = d.y() - fitted;
        const std::size_t block = std::min<std::size_t>(4, n);
        std::mt19937_64 rng(o.seed ^ 0x9e3779b97f4a7c15ULL);
        std::uniform_int_distribution<std::size_t> pick(0, n - block);
        const Eigen::MatrixXd xtx = d.x().transpose() * d.x();
        const Eigen::VectorXd penalty = d.penalty(n);
        Eigen::VectorXd y_star(static_cast<Eigen::Index>(n));
        for (int draw = 0; draw < o.bootstrap_draws; ++draw) {
            for (std::size_t t = 0; t < n;) {
                const std::size_t from = pick(rng);
                for (std::size_t k = 0; k < block && t < n; ++k, ++t)
                    y_star[static_cast<Eigen::Index>(t)] = fitted[static_cast<Eigen::Index>(t)] + residual[static_cast<Eigen::Index>(from + k)];
            }
            const Eigen::VectorXd bs = solve_ridge(xtx, d.x().transpose() * y_star, penalty, lambda, d.nonnegative());
            const auto cs = contributions(d, bs);
            for (std::size_t c = 0; c < channels; ++c) {
                draws_contribution[c].push_back(cs[c]);
                draws_beta[c].push_back(bs[static_cast<Eigen::Index>(d.media_begin() + c)] * d.outcome_scale());
            }
        }
    }

    out.channels.clear();
    for (std::size_t c = 0; c < channels; ++c) {
        ChannelEstimate e;
        e.name = s.channels[c].name;
        e.adstock = d.transform(c).adstock;
        e.saturation = d.transform(c).saturation;
        e.beta = b[static_cast<Eigen::Index>(d.media_begin() + c)] * d.outcome_scale();
        const auto& spend = d.spend(c);
        for (double x : spend) e.spend += x;
        const std::size_t recent = std::min<std::size_t>(13, n);
        for (std::size_t t = n - recent; t < n; ++t) e.current_spend += spend[t] / static_cast<double>(recent);
        e.contribution = contribution[c];
        e.share = media_total > 0 ? contribution[c] / media_total : 0;
        e.roi = e.spend > 0 ? e.contribution / e.spend : 0;
        // Scaling every period's spend by (1+ε) scales adstock by (1+ε) too,
        // so d(contribution)/d(spend) = Σ β·sat'(a_t)·a_t / Σ x_t.
        double marginal = 0;
        for (double a : d.adstocked(c))
            if (a > 0) marginal += e.beta * saturation_derivative(e.saturation, a) * a;  // the term vanishes at 0
        e.mroi = e.spend > 0 ? marginal / e.spend : 0;
        if (!draws_contribution[c].empty()) {
            // The refits shrink a second time (ridge on already-shrunk fitted
            // values), so the draws are re-centred on the estimate: only their spread is used.
            auto& draws = draws_contribution[c];
            double mean = 0;
            for (double x : draws) mean += x / static_cast<double>(draws.size());
            for (double& x : draws) x = std::max(0.0, x - mean + e.contribution);
            e.contribution_interval = {percentile(draws, 0.05), percentile(draws, 0.95)};
            if (e.spend > 0) e.roi_interval = {e.contribution_interval.low / e.spend, e.contribution_interval.high / e.spend};
            double m = 0, v = 0;
            for (double x : draws_beta[c]) m += x / static_cast<double>(draws_beta[c].size());
            for (double x : draws_beta[c]) v += (x - m) * (x - m) / static_cast<double>(draws_beta[c].size());
            e.beta_sd = std::sqrt(v);
        } else {
            e.contribution_interval = {e.contribution, e.contribution};
            e.roi_interval = {e.roi, e.roi};
        }
        const double reference = e.current_spend > 0 ? e.current_spend : e.spend / static_cast<double>(n);
        for (int k = 0; k <= 20; ++k) {
            const double x = reference * k / 10.0;
            e.curve.push_back({x, channel_response(e, x)});
        }
        out.channels.push_back(std::move(e));
    }
}

double channel_response(const ChannelEstimate& c, double spend_per_period) {
    return c.beta * saturate(c.saturation, spend_per_period);
}

}  // namespace bidline::mmm
