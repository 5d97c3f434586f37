#include "net/tls_session.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <new>

namespace bidline::net {

TlsSession::TlsSession(const TlsContext& context) : ssl_(SSL_new(context.native())) {
    if (ssl_ == nullptr) throw std::bad_alloc();
    in_ = BIO_new(BIO_s_mem());
    out_ = BIO_new(BIO_s_mem());
    if (in_ == nullptr || out_ == nullptr) {
        BIO_free(in_);
        BIO_free(out_);
        SSL_free(ssl_);
        throw std::bad_alloc();
    }
    // An empty memory BIO means "no more yet", not end of stream.
    BIO_set_mem_eof_return(in_, -1);
    SSL_set_bio(ssl_, in_, out_);
    SSL_set_accept_state(ssl_);
}

TlsSession::~TlsSession() { SSL_free(ssl_); }

void TlsSession::feed(const char* cipher, std::size_t n) {
    started_ = true;
    BIO_write(in_, cipher, static_cast<int>(n));
}

TlsSession::Plain TlsSession::read(char* buf, std::size_t cap) {
    Plain out;
    while (out.bytes < cap) {
        ERR_clear_error();
        const int n = SSL_read(ssl_, buf + out.bytes, static_cast<int>(cap - out.bytes));
        if (n > 0) {
            out.bytes += static_cast<std::size_t>(n);
            continue;
        }
        switch (SSL_get_error(ssl_, n)) {
        case SSL_ERROR_WANT_READ:
        case SSL_ERROR_WANT_WRITE:  // a memory BIO never refuses a write; handshake output is queued
            out.status = Status::more;
            break;
        case SSL_ERROR_ZERO_RETURN:
            out.status = Status::closed;
            break;
        default:  // a bad handshake, a plain-HTTP client, a corrupt record
            out.status = Status::failed;
            break;
        }
        return out;
    }
    return out;
}

bool TlsSession::has_input() const { return SSL_pending(ssl_) > 0 || BIO_ctrl_pending(in_) > 0; }

bool TlsSession::write(std::string_view plain) {
    while (!plain.empty()) {
        ERR_clear_error();
        const int n = SSL_write(ssl_, plain.data(), static_cast<int>(plain.size()));
        if (n <= 0) return false;
        plain.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

bool TlsSession::has_output() const { return BIO_ctrl_pending(out_) > 0; }

void TlsSession::take_output(std::string& wire) {
    const std::size_t n = BIO_ctrl_pending(out_);
    if (n == 0) return;
    const std::size_t at = wire.size();
    wire.resize(at + n);
    BIO_read(out_, wire.data() + at, static_cast<int>(n));
}

void TlsSession::close_notify() {
    if (SSL_is_init_finished(ssl_)) SSL_shutdown(ssl_);
}

}  // namespace bidline::net
