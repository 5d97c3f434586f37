// Activation connectors, the sending half: a feeds::PlatformRequest sent to
// the configured base address with the platform's credential from the
// CredentialStore, retried with exponential backoff on transport errors and
// 5xx, after Retry-After (else the backoff) on 429, never on another 4xx
// (the request itself is wrong: retrying cannot help). Requests set
// absolute values, so a retry after a lost answer is harmless.
//
// Threads: one sender per connector thread; blocking. The sleep is
// injected so tests can check the waits without waiting.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "bidline/engine/credential_store.h"
#include "bidline/feeds/activation_request.h"

namespace bidline {

class LoopbackClient;

struct ActivationEndpoint {
    std::string host = "127.0.0.1";  // IPv4 address of the API (or of an egress proxy that adds TLS)
    std::uint16_t port = 80;
    std::string base_path;           // prefix of every request path, e.g. "" or "/googleads"
    int max_attempts = 6;
    std::chrono::milliseconds first_backoff{500};
    std::chrono::milliseconds max_backoff{std::chrono::seconds(60)};
};

enum class SendResult : std::uint8_t { applied, rejected, gave_up };

struct SendOutcome {
    SendResult result = SendResult::gave_up;
    int status = 0;  // the last HTTP status (0: no answer)
    int attempts = 0;
    std::string detail;  // the platform's answer, or why nothing was sent; never the credential
};

class ActivationSender {
public:
    using Sleep = std::function<void(std::chrono::milliseconds)>;
    ActivationSender(ActivationEndpoint endpoint, const CredentialStore& credentials, Sleep sleep);
    ~ActivationSender();

    // Sends `request` with the credential named `credential`.
    SendOutcome send(const feeds::PlatformRequest& request, std::string_view credential);

private:
    ActivationEndpoint endpoint_;
    const CredentialStore& credentials_;
    Sleep sleep_;
    std::unique_ptr<LoopbackClient> http_;
};

}  // namespace bidline
