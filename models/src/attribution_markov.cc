#include <Eigen/Sparse>
#include <map>
#include <stdexcept>

#include "bidline/models/attribution/attribution_models.h"

namespace bidline::attribution {
namespace {

// The chain of order k: a state is the last (up to) k channels touched. Three
// fixed states: start, conversion, null. Transition weights are path counts.
struct MarkovChain {
    std::vector<std::vector<std::string>> states;        // transient states 1.. (0 = start)
    std::vector<std::map<std::size_t, double>> out;      // transient → transient weights
    std::vector<double> to_conversion, to_null, total;   // per transient state

    std::size_t state(const std::vector<std::string>& key, std::map<std::vector<std::string>, std::size_t>& index) {
        auto [it, added] = index.emplace(key, states.size());
        if (added) {
            states.push_back(key);
            out.emplace_back();
            to_conversion.push_back(0);
            to_null.push_back(0);
            total.push_back(0);
        }
        return it->second;
    }
};

MarkovChain build_chain(const std::vector<ConversionPath>& paths, std::size_t order, NullPaths nulls) {
    MarkovChain chain;
    std::map<std::vector<std::string>, std::size_t> index;
    chain.state({}, index);  // start
    for (const auto& p : paths) {
        const double null_weight = nulls == NullPaths::include ? p.nulls : 0.0;
        const double weight = p.conversions + null_weight;
        if (weight <= 0) continue;
        std::size_t from = 0;
        for (std::size_t i = 0; i < p.touchpoints.size(); ++i) {
            const std::size_t first = i + 1 > order ? i + 1 - order : 0;
            const std::vector<std::string> key(p.touchpoints.begin() + static_cast<long>(first),
                                               p.touchpoints.begin() + static_cast<long>(i) + 1);
            const std::size_t to = chain.state(key, index);
            chain.out[from][to] += weight;
            chain.total[from] += weight;
            from = to;
        }
        chain.to_conversion[from] += p.conversions;
        chain.to_null[from] += null_weight;
        chain.total[from] += weight;
    }
    return chain;
}

// P(absorbed in conversion | start) with the states for which `removed` is
// true turned into null: solve (I − Q) p = r over the remaining states.
double conversion_probability(const MarkovChain& chain, const std::vector<char>& removed) {
    const std::size_t n = chain.states.size();
    std::vector<long> id(n, -1);
    long m = 0;
    for (std::size_t s = 0; s < n; ++s)
        if (!removed[s]) id[s] = m++;
    std::vector<Eigen::Triplet<double>> entries;
    Eigen::VectorXd r = Eigen::VectorXd::Zero(m);
    for (std::size_t s = 0; s < n; ++s) {
        if (removed[s]) continue;
        entries.emplace_back(id[s], id[s], 1.0);
        if (chain.total[s] <= 0) continue;  // a dead end: absorbed nowhere, p = 0
        r[id[s]] = chain.to_conversion[s] / chain.total[s];
        for (const auto& [to, w] : chain.out[s])
            if (!removed[to]) entries.emplace_back(id[s], id[to], -w / chain.total[s]);
    }
    Eigen::SparseMatrix<double> a(m, m);
    a.setFromTriplets(entries.begin(), entries.end());
    Eigen::SparseLU<Eigen::SparseMatrix<double>> lu;
    lu.compute(a);
    if (lu.info() != Eigen::Success) throw std::runtime_error("markov attribution: singular chain");
    const Eigen::VectorXd p = lu.solve(r);
    return p[0];
}

}  // namespace

Attribution markov_attribution(const std::vector<ConversionPath>& paths, int order, NullPaths nulls) {
    if (order < 1 || order > 3) throw std::invalid_argument("Markov order must be 1, 2 or 3");
    const MarkovChain chain = build_chain(paths, static_cast<std::size_t>(order), nulls);
    Attribution out;
    out.model = "markov_" + std::to_string(order) + (nulls == NullPaths::include ? "_nulls" : "_no_nulls");
    std::vector<char> none(chain.states.size(), 0);
    out.conversion_probability = conversion_probability(chain, none);
    double total_conversions = 0, total_value = 0;
    for (const auto& p : paths) total_conversions += p.conversions, total_value += p.value;

    double sum_effect = 0;
    for (const auto& name : channels_of(paths)) {
        std::vector<char> removed(chain.states.size(), 0);
        for (std::size_t s = 1; s < chain.states.size(); ++s)
            for (const auto& c : chain.states[s])
                if (c == name) removed[s] = 1;
        ChannelCredit credit;
        credit.channel = name;
        credit.removal_effect = out.conversion_probability > 0
                                    ? 1.0 - conversion_probability(chain, removed) / out.conversion_probability
                                    : 0.0;
        sum_effect += credit.removal_effect;
        out.channels.push_back(std::move(credit));
    }
    // Removal effects overlap (removing either of two channels can kill the
    // same path), so credit is their normalised share of the total.
    for (auto& c : out.channels) {
        const double share = sum_effect > 0 ? c.removal_effect / sum_effect : 0.0;
        c.conversions = share * total_conversions;
        c.value = share * total_value;
    }
    return out;
}

}  // namespace bidline::attribution
