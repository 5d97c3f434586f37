// One connection's TLS, with the socket left to the connection: OpenSSL
// reads ciphertext from and writes it to memory, so HttpConnection keeps
// its own recvmsg() reads (and their kernel receive timestamps, which
// admission control needs) and its own writes. The server side of the
// handshake runs inside read(); what it has to say waits in output().
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "net/tls_context.h"

typedef struct ssl_st SSL;
typedef struct bio_st BIO;

namespace bidline::net {

class TlsSession {
public:
    explicit TlsSession(const TlsContext& context);
    ~TlsSession();
    TlsSession(const TlsSession&) = delete;
    TlsSession& operator=(const TlsSession&) = delete;

    enum class Status { more, closed, failed };
    struct Plain {
        std::size_t bytes = 0;
        Status status = Status::more;  // after `bytes`: wants more ciphertext, or the peer ended
    };

    // Ciphertext as it came from the socket.
    void feed(const char* cipher, std::size_t n);
    // Whether any ciphertext was fed yet.
    bool started() const { return started_; }
    // Decrypts what has been fed into `buf`, up to `cap` bytes; what does not
    // fit stays here for the next call.
    Plain read(char* buf, std::size_t cap);
    // Whether decrypted or undecrypted bytes are waiting (read() would return some).
    bool has_input() const;
    // Encrypts `plain` into the output; false once the session has failed.
    bool write(std::string_view plain);
    // Appends the ciphertext waiting to be sent (handshake, records, alerts) to `wire`.
    void take_output(std::string& wire);
    bool has_output() const;
    // Queues a close_notify alert, for a clean end.
    void close_notify();

private:
    SSL* ssl_;
    BIO* in_;   // owned by ssl_
    BIO* out_;  // owned by ssl_
    bool started_ = false;
};

}  // namespace bidline::net
