#include "net/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <stdexcept>

namespace bidline::net {

namespace {

// OpenSSL keeps its reasons on a per-thread queue: take them all.
std::string openssl_reason() {
    std::string reason;
    while (const unsigned long e = ERR_get_error()) {
        char text[256];
        ERR_error_string_n(e, text, sizeof text);
        if (!reason.empty()) reason += "; ";
        reason += text;
    }
    return reason.empty() ? "unknown OpenSSL error" : reason;
}

}  // namespace

std::shared_ptr<TlsContext> TlsContext::load(const std::string& cert_chain_file, const std::string& key_file) {
    ERR_clear_error();
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == nullptr) throw std::runtime_error("TLS: " + openssl_reason());
    std::shared_ptr<TlsContext> out(new TlsContext(ctx));
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_chain_file.c_str()) != 1)
        throw std::runtime_error("TLS certificate " + cert_chain_file + ": " + openssl_reason());
    if (SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1)
        throw std::runtime_error("TLS key " + key_file + ": " + openssl_reason());
    if (SSL_CTX_check_private_key(ctx) != 1)
        throw std::runtime_error("TLS key " + key_file + " does not match the certificate " + cert_chain_file);
    return out;
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

}  // namespace bidline::net
