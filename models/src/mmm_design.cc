#include <cmath>
#include <numbers>

#include "mmm_design.h"

namespace bidline::mmm {

MediaDesign::MediaDesign(const MediaSeries& s, const MmmOptions& o) {
    const std::size_t n = s.size();
    double mean = 0;
    for (double v : s.outcome) mean += std::abs(v) / static_cast<double>(n);
    scale_ = mean > 0 ? mean : 1.0;

    std::vector<Eigen::VectorXd> cols;
    cols.push_back(Eigen::VectorXd::Ones(static_cast<Eigen::Index>(n)));
    auto column = [&](auto f) {
        Eigen::VectorXd c(static_cast<Eigen::Index>(n));
        for (std::size_t t = 0; t < n; ++t) c[static_cast<Eigen::Index>(t)] = f(static_cast<double>(t));
        cols.push_back(c);
    };
    const double dn = static_cast<double>(n);
    if (o.trend) column([&](double t) { return t / dn - 0.5; });
    // A yearly cycle is only identifiable from the trend once a full year is seen.
    if (o.season_period > 0 && dn >= o.season_period)
        for (int k = 1; k <= o.fourier_order; ++k) {
            const double w = 2 * std::numbers::pi * k / o.season_period;
            column([&](double t) { return std::sin(w * t); });
            column([&](double t) { return std::cos(w * t); });
        }
    if (o.week_period > 0 && dn >= 2 * o.week_period) {
        const double w = 2 * std::numbers::pi / o.week_period;
        column([&](double t) { return std::sin(w * t); });
        column([&](double t) { return std::cos(w * t); });
    }
    for (const auto& c : s.controls) {
        double m = 0, v = 0;
        for (double x : c.values) m += x / dn;
        for (double x : c.values) v += (x - m) * (x - m) / dn;
        const double sd = v > 0 ? std::sqrt(v) : 1.0;
        column([&](double t) { return (c.values[static_cast<std::size_t>(t)] - m) / sd; });
    }
    media_begin_ = cols.size();
    x_.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(media_begin_ + s.channels.size()));
    for (std::size_t j = 0; j < cols.size(); ++j) x_.col(static_cast<Eigen::Index>(j)) = cols[j];
    y_.resize(static_cast<Eigen::Index>(n));
    for (std::size_t t = 0; t < n; ++t) y_[static_cast<Eigen::Index>(t)] = s.outcome[t] / scale_;
    nonnegative_.assign(media_begin_, 0);
    nonnegative_.resize(media_begin_ + s.channels.size(), 1);
    for (const auto& c : s.channels) {
        spend_.push_back(c.values);
        double sum = 0, count = 0;
        for (double v : c.values)
            if (v > 0) sum += v, count += 1;
        typical_.push_back(count > 0 ? sum / count : 1.0);
    }
    adstocked_.assign(s.channels.size(), std::vector<double>(n));
    transform_.resize(s.channels.size());
    for (std::size_t c = 0; c < s.channels.size(); ++c)
        set_channel(c, decode_transform(std::vector<double>(transform_dimensions(o), 0.5).data(), o, typical_[c]));
}

void MediaDesign::set_channel(std::size_t c, const ChannelTransform& t) {
    transform_[c] = t;
    const auto w = adstock_weights(t.adstock);
    apply_adstock(w, spend_[c], adstocked_[c]);
    auto col = x_.col(static_cast<Eigen::Index>(media_begin_ + c));
    for (std::size_t i = 0; i < adstocked_[c].size(); ++i)
        col[static_cast<Eigen::Index>(i)] = saturate(t.saturation, adstocked_[c][i]);
}

Eigen::VectorXd MediaDesign::penalty(std::size_t rows) const {
    const auto top = x_.topRows(static_cast<Eigen::Index>(rows));
    Eigen::VectorXd p(x_.cols());
    for (Eigen::Index j = 0; j < x_.cols(); ++j) {
        const double m = top.col(j).mean();
        // Media coefficients are not penalised: shrinking β towards zero biases
        // every ROI down by the same share (measured: 10–20% at the λ that CV
        // picks). β ≥ 0 and the transform prior keep them in check instead.
        const bool media = static_cast<std::size_t>(j) >= media_begin_;
        p[j] = j == 0 || media ? 0.0 : (top.col(j).array() - m).square().sum();
    }
    return p;
}

Eigen::VectorXd solve_ridge(const Eigen::MatrixXd& xtx, const Eigen::VectorXd& xty, const Eigen::VectorXd& penalty,
                            double lambda, const std::vector<char>& nonnegative) {
    const Eigen::Index p = xtx.rows();
    std::vector<Eigen::Index> free;
    for (Eigen::Index j = 0; j < p; ++j) free.push_back(j);
    // A tiny ridge keeps the system solvable when a channel never spent (a zero column).
    const double jitter = 1e-10 * (xtx.trace() / static_cast<double>(p) + 1e-300);
    Eigen::VectorXd b = Eigen::VectorXd::Zero(p);
    while (!free.empty()) {
        const auto k = static_cast<Eigen::Index>(free.size());
        Eigen::MatrixXd a(k, k);
        Eigen::VectorXd r(k);
        for (Eigen::Index i = 0; i < k; ++i) {
            r[i] = xty[free[static_cast<std::size_t>(i)]];
            for (Eigen::Index j = 0; j < k; ++j)
                a(i, j) = xtx(free[static_cast<std::size_t>(i)], free[static_cast<std::size_t>(j)]);
            a(i, i) += lambda * penalty[free[static_cast<std::size_t>(i)]] + jitter;
        }
        const Eigen::VectorXd sol = a.ldlt().solve(r);
        Eigen::Index worst = -1;
        double worst_value = 0;
        for (Eigen::Index i = 0; i < k; ++i)
            if (nonnegative[static_cast<std::size_t>(free[static_cast<std::size_t>(i)])] && sol[i] < worst_value)
                worst = i, worst_value = sol[i];
        if (worst < 0) {
            b.setZero();
            for (Eigen::Index i = 0; i < k; ++i) b[free[static_cast<std::size_t>(i)]] = sol[i];
            return b;
        }
        free.erase(free.begin() + worst);
    }
    return b;
}

double transform_prior(const ChannelTransform& t, double typical) {
    auto normal = [](double x, double mean, double sd) { return 0.5 * (x - mean) * (x - mean) / (sd * sd); };
    double p = 0;
    if (t.adstock.kind == AdstockKind::geometric) {
        p += normal(t.adstock.decay, 0.3, 0.2);
    } else {
        p += normal(std::log(t.adstock.shape), std::log(1.5), 0.7);
        p += normal(std::log(t.adstock.scale), std::log(2.0), 0.7);
    }
    p += normal(std::log(t.saturation.kappa / typical), 0.0, 0.5);
    if (t.saturation.kind == SaturationKind::hill) p += normal(std::log(t.saturation.slope), std::log(1.5), 0.4);
    return p;
}

std::size_t transform_dimensions(const MmmOptions& o) {
    const std::size_t ad = o.adstock == AdstockKind::geometric ? 1 : 2;
    const std::size_t sat = o.saturation == SaturationKind::hill ? 2 : 1;
    return ad + sat;
}

ChannelTransform decode_transform(const double* u, const MmmOptions& o, double typical) {
    // Log scales where the parameter spans orders of magnitude.
    auto log_range = [](double unit, double lo, double hi) { return lo * std::pow(hi / lo, unit); };
    ChannelTransform t;
    t.adstock.kind = o.adstock;
    t.adstock.max_lag = o.max_lag;
    std::size_t i = 0;
    if (o.adstock == AdstockKind::geometric) {
        t.adstock.decay = 0.9 * u[i++];
    } else {
        t.adstock.shape = log_range(u[i++], 0.3, 5.0);
        t.adstock.scale = log_range(u[i++], 0.3, std::max(1.0, static_cast<double>(o.max_lag)));
    }
    t.saturation.kind = o.saturation;
    t.saturation.kappa = typical * log_range(u[i++], 0.2, 4.0);
    if (o.saturation == SaturationKind::hill) t.saturation.slope = 0.5 + 3.5 * u[i++];
    return t;
}

}  // namespace bidline::mmm
