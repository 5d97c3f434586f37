// JSON Merge Patch (RFC 7386), the meaning of PATCH in the admin API: the
// patch's keys replace the target's, objects merge key by key, and a null
// removes a key. Off the bid path; any thread.
#pragma once

#include <string>

#include <simdjson.h>

namespace bidline {

// The merged document as JSON text.
std::string merge_patch(simdjson::dom::element target, simdjson::dom::element patch);

}  // namespace bidline
