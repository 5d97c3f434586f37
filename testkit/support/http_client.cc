#include "support/http_client.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace bidline::test {
namespace {

using Clock = std::chrono::steady_clock;

// Header names and tokens compare without regard to ASCII case.
bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

bool icontains(std::string_view haystack, std::string_view needle) {
    if (needle.size() > haystack.size()) return false;
    for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i)
        if (iequals(haystack.substr(i, needle.size()), needle)) return true;
    return false;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

int remaining_ms(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return static_cast<int>(std::max<long long>(0, left));
}

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// Keeps failure messages readable when a server sends megabytes of junk.
std::string preview(std::string_view bytes) {
    constexpr std::size_t kMax = 512;
    std::string out(bytes.substr(0, kMax));
    if (bytes.size() > kMax) out += "...(" + std::to_string(bytes.size()) + " bytes)";
    return out;
}

}  // namespace

void HttpHeaders::add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }

std::optional<std::string> HttpHeaders::get(std::string_view name) const {
    for (const auto& [key, value] : fields_)
        if (iequals(key, name)) return value;
    return std::nullopt;
}

HttpClient::HttpClient(std::string host, std::uint16_t port, std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), timeout_(timeout) {}

HttpClient::~HttpClient() { close(); }

void HttpClient::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    peer_closed_ = false;
    answers_on_connection_ = 0;
    inbox_.clear();
}

void HttpClient::connect() {
    close();
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string port_text = std::to_string(port_);
    if (int rc = ::getaddrinfo(host_.c_str(), port_text.c_str(), &hints, &found); rc != 0)
        throw HttpError("resolve " + host_ + ": " + ::gai_strerror(rc));
    std::string last_error = "no address";
    const auto deadline = Clock::now() + timeout_;
    for (addrinfo* ai = found; ai != nullptr && fd_ < 0; ai = ai->ai_next) {
        // Non-blocking from the start, so connect and every later wait can be
        // bounded by poll() instead of trusting the server to answer.
        int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            last_error = errno_text("socket");
            continue;
        }
        int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS) {
            pollfd p{fd, POLLOUT, 0};
            rc = ::poll(&p, 1, remaining_ms(deadline)) == 1 ? 0 : -1;
            int err = rc == 0 ? 0 : ETIMEDOUT;
            socklen_t len = sizeof err;
            if (rc == 0) ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
            errno = err;
            rc = err == 0 ? 0 : -1;
        }
        if (rc != 0) {
            last_error = errno_text("connect");
            ::close(fd);
            continue;
        }
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fd_ = fd;
    }
    ::freeaddrinfo(found);
    if (fd_ < 0) throw HttpError("connect " + host_ + ":" + port_text + ": " + last_error);
}

HttpResponse HttpClient::post_bid(std::string_view body, const HeaderList& headers) {
    HttpResponse r = request("POST", "/openrtb2/bid", body, headers);
    for (int retry = 0; retry < 5 && r.headers.get("Bidline-Shed"); ++retry) r = request("POST", "/openrtb2/bid", body, headers);
    return r;
}

HttpResponse HttpClient::request(std::string_view method, std::string_view path, std::string_view body,
                                 const HeaderList& headers) {
    // A keep-alive connection the server has since closed reads as EOF: open a
    // fresh one rather than fail on the server's legitimate idle close.
    if (fd_ >= 0 && !peer_closed_ && inbox_.empty()) {
        pollfd p{fd_, POLLIN, 0};
        char probe;
        if (::poll(&p, 1, 0) == 1 && ::recv(fd_, &probe, 1, MSG_PEEK) <= 0) peer_closed_ = true;
    }
    if (fd_ < 0 || peer_closed_) connect();

    std::string out;
    out.reserve(256 + body.size());
    out.append(method).append(" ").append(path).append(" HTTP/1.1\r\n");
    out.append("Host: ").append(host_).append(":").append(std::to_string(port_)).append("\r\n");
    bool has_length = false;
    for (const auto& [name, value] : headers) {
        has_length = has_length || iequals(name, "content-length");
        out.append(name).append(": ").append(value).append("\r\n");
    }
    if (!has_length && (!body.empty() || method == "POST" || method == "PUT"))
        out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
    out.append("\r\n").append(body);
    const bool reused = answers_on_connection_ > 0;
    send_raw(out);
    try {
        return read_response();
    } catch (const HttpError&) {
        // A server may close an idle keep-alive connection just as we reuse it;
        // like any HTTP client, retry once on a fresh one if nothing came back.
        if (!reused || !peer_closed_ || !inbox_.empty()) throw;
        connect();
        send_raw(out);
        return read_response();
    }
}

void HttpClient::send_raw(std::string_view bytes) {
    if (fd_ < 0) connect();
    const auto deadline = Clock::now() + timeout_;
    while (!bytes.empty()) {
        pollfd p{fd_, POLLOUT | POLLIN, 0};
        int ready = ::poll(&p, 1, remaining_ms(deadline));
        if (ready == 0) throw HttpError("timed out sending request (" + std::to_string(bytes.size()) + " bytes left)");
        if (ready < 0) {
            if (errno == EINTR) continue;
            throw HttpError(errno_text("poll"));
        }
        // The server has answered (say 413) or hung up before taking the rest:
        // leave its answer for read_response() to check.
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) return;
        ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) continue;
            if (errno == EPIPE || errno == ECONNRESET) return;
            throw HttpError(errno_text("send"));
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

// Appends whatever arrives before the deadline; false once the peer closed.
bool HttpClient::fill(Clock::time_point deadline) {
    if (peer_closed_) return false;
    for (;;) {
        pollfd p{fd_, POLLIN, 0};
        int ready = ::poll(&p, 1, remaining_ms(deadline));
        if (ready == 0)
            throw HttpError("timed out after " + std::to_string(timeout_.count()) +
                            " ms waiting for the server; received so far: '" + preview(inbox_) + "'");
        if (ready < 0) {
            if (errno == EINTR) continue;
            throw HttpError(errno_text("poll"));
        }
        char buf[16384];
        ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n > 0) {
            inbox_.append(buf, static_cast<std::size_t>(n));
            return true;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        // A reset after the server's last byte is a close for our purposes.
        peer_closed_ = true;
        return false;
    }
}

std::string HttpClient::take_line(Clock::time_point deadline) {
    constexpr std::size_t kMaxLine = std::size_t{64} << 10;
    std::size_t end;
    while ((end = inbox_.find("\r\n")) == std::string::npos) {
        if (inbox_.size() > kMaxLine) throw HttpError("response line too long: '" + preview(inbox_) + "'");
        if (!fill(deadline)) throw HttpError("connection closed mid-response; received: '" + preview(inbox_) + "'");
    }
    std::string line = inbox_.substr(0, end);
    inbox_.erase(0, end + 2);
    return line;
}

std::string HttpClient::take_bytes(std::size_t n, Clock::time_point deadline) {
    while (inbox_.size() < n)
        if (!fill(deadline))
            throw HttpError("connection closed after " + std::to_string(inbox_.size()) + " of " + std::to_string(n) +
                            " body bytes");
    std::string out = inbox_.substr(0, n);
    inbox_.erase(0, n);
    return out;
}

std::string HttpClient::read_chunked_body(Clock::time_point deadline) {
    std::string body;
    for (;;) {
        std::string line = take_line(deadline);
        std::string_view size_text = trim(std::string_view(line).substr(0, line.find(';')));
        std::size_t size = 0;
        auto [ptr, ec] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
        if (ec != std::errc{} || ptr != size_text.data() + size_text.size() || size_text.empty())
            throw HttpError("bad chunk size line: '" + preview(line) + "'");
        if (size == 0) break;
        body += take_bytes(size, deadline);
        if (!take_line(deadline).empty()) throw HttpError("chunk not followed by CRLF");
    }
    while (!take_line(deadline).empty()) {
    }  // trailer fields carry nothing the tests look at
    return body;
}

HttpResponse HttpClient::read_response() {
    if (fd_ < 0) throw HttpError("read_response on a closed connection");
    const auto deadline = Clock::now() + timeout_;
    HttpResponse response;
    do {
        std::string status_line = take_line(deadline);
        // "HTTP/1.1 200 OK": the version, one space, three digits.
        if (status_line.size() < 12 || status_line.compare(0, 7, "HTTP/1.") != 0 || status_line[8] != ' ')
            throw HttpError("bad status line: '" + preview(status_line) + "'");
        auto [ptr, ec] = std::from_chars(status_line.data() + 9, status_line.data() + 12, response.status);
        if (ec != std::errc{} || ptr != status_line.data() + 12)
            throw HttpError("bad status code: '" + preview(status_line) + "'");
        response.headers = {};
        for (std::string line = take_line(deadline); !line.empty(); line = take_line(deadline)) {
            auto colon = line.find(':');
            if (colon == std::string::npos) throw HttpError("bad header line: '" + preview(line) + "'");
            response.headers.add(std::string(trim(std::string_view(line).substr(0, colon))),
                                 std::string(trim(std::string_view(line).substr(colon + 1))));
        }
    } while (response.status >= 100 && response.status < 200);  // interim answers precede the real one

    const auto length = response.headers.get("content-length");
    const auto encoding = response.headers.get("transfer-encoding");
    if (response.status == 204 || response.status == 304) {
        // No body by definition (RFC 9110 §15.3.5), whatever the headers claim.
    } else if (encoding && icontains(*encoding, "chunked")) {
        response.body = read_chunked_body(deadline);
    } else if (length) {
        std::size_t n = 0;
        auto [ptr, ec] = std::from_chars(length->data(), length->data() + length->size(), n);
        if (ec != std::errc{} || ptr != length->data() + length->size())
            throw HttpError("bad Content-Length: '" + *length + "'");
        response.body = take_bytes(n, deadline);
    } else {
        while (fill(deadline)) {
        }
        response.body = std::move(inbox_);
        inbox_.clear();
    }
    ++answers_on_connection_;
    const auto connection = response.headers.get("connection");
    if (connection && icontains(*connection, "close")) peer_closed_ = true;
    return response;
}

std::string HttpClient::read_until_close() {
    if (fd_ < 0) throw HttpError("read_until_close on a closed connection");
    const auto deadline = Clock::now() + timeout_;
    while (fill(deadline)) {
    }
    std::string out = std::move(inbox_);
    inbox_.clear();
    return out;
}

}  // namespace bidline::test
