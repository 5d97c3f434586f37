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

struct ModelSettings {
    // Bundle directories; empty = none. Relative paths are taken from the
    // configuration file's directory.
    std::string click;       // pCTR
    std::string conversion;  // pCVR: conversion probability given a click
    std::string value;       // expected conversion value (target_roas)
    // A model trained longer ago than this is stale: the bid path stops
    // using it and bids conservatively (the strategy's fallback). 0 = never.
    std::chrono::hours max_age{0};
};

}  // namespace bidline
