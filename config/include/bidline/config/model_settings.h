// [models]: the scoring models the engine starts with. Each role names a
// model bundle directory as `bidline train --out DIR` writes it (model.json,
// schema.json, metrics.json). At start the engine registers a bundle it has
// not seen before as the role's next version in its model registry
// (DATA_DIR/models) and makes it active; from then on versions are switched,
// shadowed, A/B-tested and rolled back through /v1/models.
#pragma once

#include <chrono>
#include <string>

namespace bidline {

// [models.online]: the FTRL-Proximal learners the control thread trains
// from the engine's own outcomes (engine/online_learning.h): a click model
// on won impressions, a conversion model on clicked ones. Their
// predictions blend with the tree models' (logit blend, FTRL's weight
// growing with the impressions it has seen of the line item) and score
// line items alone when no tree model is loaded.
struct OnlineLearningSettings {
    bool enabled = true;
    // models/ftrl.h. alpha above the library's 0.05: a new line item has a
    // few thousand impressions, not millions, to be learned from.
    double alpha = 0.1, beta = 1.0, lambda1 = 1.0, lambda2 = 1.0;
    unsigned hash_bits = 18;  // 2^18 weights per learner (1 MB snapshot, 4 MB state)
    // An impression with no click within click_window is a negative row; a
    // click with no conversion within conversion_window likewise.
    std::chrono::seconds click_window{300};
    std::chrono::seconds conversion_window{3600};
    // FTRL's share of the blended logit: max_weight · n / (n + half_weight),
    // n = the line item's impressions (clicks, for conversions) learned.
    double max_weight = 0.5;
    double half_weight_impressions = 2000;
    double half_weight_clicks = 200;
    // With no tree model for a role, FTRL alone scores a line item once it
    // has learned from this many of its impressions (clicks); before that
    // the strategy's conservative fallback bids.
    double min_impressions = 1000;
    double min_clicks = 100;
};

struct ModelSettings {
    // Bundle directories; empty = none. Relative paths are taken from the
    // configuration file's directory.
    std::string click;       // pCTR
    std::string conversion;  // pCVR: conversion probability given a click
    std::string value;       // expected conversion value (target_roas)
    // A model trained longer ago than this is stale: the bid path stops
    // using it and bids conservatively (the strategy's fallback). 0 = never.
    std::chrono::hours max_age{0};
    OnlineLearningSettings online;
};

}  // namespace bidline
