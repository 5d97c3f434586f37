// A small blocking HTTP/1.1 client for integration tests against the real
// binary on loopback. It keeps one connection alive across requests, bounds
// every wait with a deadline (a hung server fails the test, it never hangs
// it), and can send raw bytes so tests can speak broken HTTP on purpose.
//
// Threads: one client belongs to one test thread. Errors (connect failure,
// timeout, a response that does not parse) throw HttpError: this is test
// code, and gtest reports an escaped exception as a failure with its text.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bidline::test {

class HttpError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Header fields in arrival order; lookup ignores case as RFC 9110 says.
class HttpHeaders {
public:
    void add(std::string name, std::string value);
    [[nodiscard]] std::optional<std::string> get(std::string_view name) const;
    [[nodiscard]] bool has(std::string_view name) const { return get(name).has_value(); }
    [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

private:
    std::vector<std::pair<std::string, std::string>> fields_;
};

struct HttpResponse {
    int status = 0;
    HttpHeaders headers;
    std::string body;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

class HttpClient {
public:
    static constexpr std::chrono::milliseconds kDefaultTimeout{5000};

    HttpClient(std::string host, std::uint16_t port, std::chrono::milliseconds timeout = kDefaultTimeout);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Opens the connection now; request() also does it lazily, and again after
    // the server closed the previous one.
    void connect();
    void close();
    [[nodiscard]] bool connected() const { return fd_ >= 0; }

    // Sends one request (adding Host and Content-Length) and reads its answer.
    HttpResponse request(std::string_view method, std::string_view path, std::string_view body = {},
                         const HeaderList& headers = {});

    // A bid request (POST /openrtb2/bid), sent again (at most 5 times) while
    // the engine sheds it unread: a 204 with Bidline-Shed means it waited past
    // half its deadline (a busy machine, a sanitizer build) and says nothing
    // about the request itself.
    HttpResponse post_bid(std::string_view body, const HeaderList& headers = {});

    // Writes bytes exactly as given. Stops early, without error, if the server
    // answers or closes mid-write: a server may reject a body before reading it.
    void send_raw(std::string_view bytes);
    // Reads and parses the next response on the connection.
    HttpResponse read_response();
    // Reads everything until the server closes the connection (or the timeout).
    std::string read_until_close();

private:
    bool fill(std::chrono::steady_clock::time_point deadline);
    std::string take_line(std::chrono::steady_clock::time_point deadline);
    std::string take_bytes(std::size_t n, std::chrono::steady_clock::time_point deadline);
    std::string read_chunked_body(std::chrono::steady_clock::time_point deadline);

    std::string host_;
    std::uint16_t port_;
    std::chrono::milliseconds timeout_;
    int fd_ = -1;
    bool peer_closed_ = false;
    int answers_on_connection_ = 0;  // > 0: a reused keep-alive connection
    std::string inbox_;              // received but not yet parsed bytes
};

}  // namespace bidline::test
