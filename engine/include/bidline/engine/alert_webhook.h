// Delivers alert transitions to the `[alerts] webhook` URL: one JSON POST
// per transition, retried with a doubling backoff until a 2xx answer or the
// retries run out.
//
// Threads: the control thread calls post(), which only appends to a bounded
// queue under a mutex held for the append (never for network I/O): a full
// queue drops the transition and counts it, so a dead receiver can never
// stall the control loop. One delivery thread of its own sends, in order.
// The destructor stops it (a delivery in progress gives up at its next
// backoff; a blocked send at its timeout).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "bidline/config/alert_settings.h"

namespace bidline {

struct WebhookStats {
    std::uint64_t delivered = 0, attempts = 0, retries = 0, failed = 0, dropped = 0;
    std::uint64_t queued = 0;
    int last_status = 0;  // 0: no answer (connect failed, timeout)
};

class AlertWebhook {
public:
    AlertWebhook(HttpUrl url, const AlertSettings& s);
    ~AlertWebhook();
    AlertWebhook(const AlertWebhook&) = delete;
    AlertWebhook& operator=(const AlertWebhook&) = delete;

    void post(std::string json_body);
    WebhookStats stats() const;
    const HttpUrl& url() const { return url_; }

private:
    void run();
    bool deliver(const std::string& body);
    // The status of one POST, 0 when it got no HTTP answer.
    int send_once(const std::string& body) const;

    HttpUrl url_;
    int retries_, backoff_ms_, timeout_ms_;
    std::size_t capacity_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::string> queue_;
    bool stopping_ = false;
    WebhookStats stats_;
    std::thread thread_;
};

}  // namespace bidline
