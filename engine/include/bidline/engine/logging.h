// Structured logs: every spdlog line becomes one JSON object on stderr
// ({"ts","level","logger","thread","msg"}), UTC timestamps, the message
// JSON-escaped, so log shippers can parse them without a grok pattern.
// stdout stays for what a person or a test reads (the listening banner).
#pragma once

namespace bidline {

// Start-up, main thread, before any other thread logs.
void setup_json_logging();

}  // namespace bidline
