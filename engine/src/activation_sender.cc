#include "bidline/engine/activation_sender.h"

#include <algorithm>

#include "loopback_client.h"

namespace bidline {

ActivationSender::ActivationSender(ActivationEndpoint endpoint, const CredentialStore& credentials, Sleep sleep)
    : endpoint_(std::move(endpoint)), credentials_(credentials), sleep_(std::move(sleep)),
      http_(std::make_unique<LoopbackClient>(endpoint_.host, endpoint_.port)) {}

ActivationSender::~ActivationSender() = default;

SendOutcome ActivationSender::send(const feeds::PlatformRequest& request, std::string_view credential) {
    SendOutcome out;
    const Secret* token = credentials_.find(credential);
    if (token == nullptr) {
        out.result = SendResult::rejected;
        out.detail = "no credential \"" + std::string(credential) + "\" in the credential store";
        return out;
    }
    std::string headers = request.auth_header + ": " + (request.auth_header == "Authorization" ? "Bearer " : "");
    headers.append(token->reveal()).append("\r\n");
    for (const auto& [name, value] : request.headers) headers.append(name).append(": ").append(value).append("\r\n");
    const std::string target = endpoint_.base_path + request.path;
    std::chrono::milliseconds backoff = endpoint_.first_backoff;
    for (out.attempts = 1;; ++out.attempts) {
        const LoopbackResponse r = http_->request(request.method, target, request.body, headers, request.content_type);
        out.status = r.status;
        out.detail = r.body;
        if (r.status >= 200 && r.status < 300) {
            out.result = SendResult::applied;
            break;
        }
        if (r.status >= 400 && r.status < 500 && r.status != 429) {
            out.result = SendResult::rejected;
            break;
        }
        if (out.attempts >= endpoint_.max_attempts) {
            out.result = SendResult::gave_up;
            break;
        }
        // 429: the platform's quota says when; 5xx or no answer: back off.
        const std::chrono::milliseconds wait =
            r.status == 429 && r.retry_after_s > 0 ? std::chrono::milliseconds(std::chrono::seconds(r.retry_after_s)) : backoff;
        if (r.status != 429 || r.retry_after_s <= 0) backoff = std::min(backoff * 2, endpoint_.max_backoff);
        sleep_(wait);
    }
    std::fill(headers.begin(), headers.end(), '\0');  // the token's copy
    return out;
}

}  // namespace bidline
