// TLS on the HTTP listener ([engine] tls_cert / tls_key, --tls-cert /
// --tls-key): the server's certificate chain and key, loaded once before
// anything listens and shared read-only by every shard's connections.
// OpenSSL does the protocol; TLS 1.2 is the oldest version accepted.
#pragma once

#include <memory>
#include <string>

typedef struct ssl_ctx_st SSL_CTX;

namespace bidline::net {

class TlsContext {
public:
    // Throws std::runtime_error naming the file and OpenSSL's reason when
    // the chain or key cannot be read, or the key does not match the certificate.
    static std::shared_ptr<TlsContext> load(const std::string& cert_chain_file, const std::string& key_file);
    ~TlsContext();
    TlsContext(const TlsContext&) = delete;
    TlsContext& operator=(const TlsContext&) = delete;

    SSL_CTX* native() const { return ctx_; }

private:
    explicit TlsContext(SSL_CTX* ctx) : ctx_(ctx) {}
    SSL_CTX* ctx_;
};

}  // namespace bidline::net
