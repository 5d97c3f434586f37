// The one error type of model loading. Loading happens off the hot path (at
// start-up, in tools, when a new ModelSet is built), so a bad model file is
// an exception whose message names the file and what is wrong with it;
// evaluation itself never fails and never throws.
#pragma once

#include <stdexcept>

namespace bidline::models {

class ModelLoadError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace bidline::models
