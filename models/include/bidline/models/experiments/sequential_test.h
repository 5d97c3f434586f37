// Always-valid p-values for watching an A/B test as data arrive: the mixture
// sequential probability ratio test (mSPRT) of Johari, Pekelis & Walsh,
// "Always valid inference" (2017), for a difference of two conversion rates
// with a normal mixing distribution N(0, τ²) over the effect. Unlike a
// fixed-horizon p-value it may be checked after every batch and the test
// stopped the first time p < alpha, with the false-positive rate still ≤ alpha.
#pragma once

#include <span>
#include <vector>

#include "bidline/models/experiments/proportion_test.h"

namespace bidline::experiments {

struct SequentialLook {
    Proportion a;  // cumulative counts at this look
    Proportion b;
};

// The mixture likelihood ratio Λ at one look (1/Λ is that look's p-value bound).
double msprt_likelihood_ratio(const SequentialLook& look, double tau);

// One always-valid p-value per look: min over looks so far of min(1, 1/Λ),
// hence non-increasing. `tau` is the mixing standard deviation of the effect
// (rate difference); a good choice is the size of effect you expect.
std::vector<double> msprt_p_values(std::span<const SequentialLook> looks, double tau);

}  // namespace bidline::experiments
