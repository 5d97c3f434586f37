// HTTP endpoints of the model registry and the prediction API:
//   GET    /v1/models                          versions, active, history, candidate
//   POST   /v1/models/ROLE/versions            {"path": DIR} → adds a trained bundle (201)
//   POST   /v1/models/ROLE/activate            {"version": N}
//   POST   /v1/models/ROLE/rollback            back to the previously active version
//   POST   /v1/models/ROLE/candidate           {"version": N, "mode": "shadow"|"ab", "share": 0.1, "experiment": "name"}
//   DELETE /v1/models/ROLE/candidate           ends the shadow / A/B test
//   POST   /v1/models/ROLE/promote             the candidate becomes active
//   POST   /v1/predict[?line_item=ID]          OpenRTB request → pCTR, pCVR, value per imp × line item
// ROLE is click, conversion or value. Off the bid path: they allocate.
#pragma once

namespace bidline {

struct EngineState;
class ModelRegistry;

void register_model_routes(EngineState& state, ModelRegistry& registry);

}  // namespace bidline
