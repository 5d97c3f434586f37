#include "bidline/engine/credential_store.h"

#include <sodium.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "bidline/engine/durable_file.h"
#include "key_file_text.h"

namespace bidline {

namespace {

constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;

void init_sodium() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

bool from_hex(std::string_view hex, std::string& out) {
    out.assign(hex.size() / 2, '\0');
    return hex_to_bytes(hex, reinterpret_cast<std::uint8_t*>(out.data()), out.size());
}

bool valid_name(std::string_view n) {
    if (n.empty() || n.size() > 64) return false;
    for (char c : n)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-' || c == ':'))
            return false;
    return true;
}

// One store line: NAME NONCE CIPHERTEXT (hex; the ciphertext carries the tag).
std::string seal(const std::array<std::uint8_t, 32>& key, const std::string& name, std::string_view secret) {
    unsigned char nonce[kNonce];
    randombytes_buf(nonce, sizeof nonce);
    std::string box(secret.size() + kTag, '\0');
    unsigned long long len = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        reinterpret_cast<unsigned char*>(box.data()), &len, reinterpret_cast<const unsigned char*>(secret.data()),
        secret.size(), reinterpret_cast<const unsigned char*>(name.data()), name.size(), nullptr, nonce, key.data());
    return name + " " + to_hex(nonce, sizeof nonce) + " " + to_hex(reinterpret_cast<unsigned char*>(box.data()), len);
}

}  // namespace

Secret::~Secret() { sodium_memzero(bytes_.data(), bytes_.size()); }

Secret::Secret(Secret&& o) noexcept : bytes_(o.bytes_) { sodium_memzero(o.bytes_.data(), o.bytes_.size()); }

Secret& Secret::operator=(Secret&& o) noexcept {
    if (this != &o) {
        sodium_memzero(bytes_.data(), bytes_.size());
        bytes_ = o.bytes_;
        sodium_memzero(o.bytes_.data(), o.bytes_.size());
    }
    return *this;
}

CredentialKey::~CredentialKey() { sodium_memzero(key_.data(), key_.size()); }

std::string CredentialKey::generate_hex() {
    init_sodium();
    unsigned char k[32];
    crypto_aead_xchacha20poly1305_ietf_keygen(k);
    std::string hex = to_hex(k, sizeof k);
    sodium_memzero(k, sizeof k);
    return hex;
}

CredentialKey CredentialKey::load(const std::optional<std::filesystem::path>& key_file) {
    init_sodium();
    std::string hex;
    std::string where;
    if (key_file) {
        hex = read_whole_file(*key_file);
        where = key_file->string();
    } else if (const char* env = std::getenv(kEnv)) {
        hex = env;
        where = std::string("$") + kEnv;
    } else {
        throw std::runtime_error(std::string("credentials need a key: --credentials-key-file FILE or ") + kEnv +
                                 " (64 hex digits; `bidline credentials keygen --out FILE` makes one)");
    }
    while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r' || hex.back() == ' ')) hex.pop_back();
    CredentialKey k;
    std::string raw;
    const bool ok = from_hex(hex, raw) && raw.size() == k.key_.size();
    if (ok) std::copy(raw.begin(), raw.end(), k.key_.begin());
    sodium_memzero(hex.data(), hex.size());
    sodium_memzero(raw.data(), raw.size());
    if (!ok) throw std::runtime_error(where + ": expected a credentials key of 64 hex digits");
    return k;
}

CredentialStore CredentialStore::open(const std::filesystem::path& file, CredentialKey key) {
    CredentialStore store(file, std::move(key));
    if (!std::filesystem::exists(file)) return store;  // `credentials set` creates it
    for (const RecordLine& r : read_record_lines(file, 3, "NAME NONCE CIPHERTEXT")) {
        const auto fail = [&](const std::string& why) { record_error(file, r.number, why); };
        const std::string &name = r.words[0], &nonce_hex = r.words[1], &box_hex = r.words[2];
        std::string nonce, box;
        if (!valid_name(name)) fail("bad credential name");
        if (!from_hex(nonce_hex, nonce) || nonce.size() != kNonce) fail("bad nonce");
        if (!from_hex(box_hex, box) || box.size() < kTag) fail("bad ciphertext");
        std::string plain(box.size() - kTag, '\0');
        unsigned long long len = 0;
        if (crypto_aead_xchacha20poly1305_ietf_decrypt(
                reinterpret_cast<unsigned char*>(plain.data()), &len, nullptr,
                reinterpret_cast<const unsigned char*>(box.data()), box.size(),
                reinterpret_cast<const unsigned char*>(name.data()), name.size(),
                reinterpret_cast<const unsigned char*>(nonce.data()), store.key_.bytes().data()) != 0)
            fail("credential \"" + name + "\" does not decrypt: wrong key, or the file was altered");
        plain.resize(len);
        store.secrets_.insert_or_assign(name, Secret(std::move(plain)));
    }
    return store;
}

void CredentialStore::set(const std::string& name, std::string secret) {
    if (!valid_name(name)) throw std::invalid_argument("--name: 1 to 64 characters of A-Z a-z 0-9 . _ - :");
    if (secret.empty()) throw std::invalid_argument("the secret (read from stdin) is empty");
    secrets_.insert_or_assign(name, Secret(std::move(secret)));
}

void CredentialStore::save() const {
    std::string text = "# bidline credentials (bidline credentials set): NAME NONCE CIPHERTEXT, XChaCha20-Poly1305\n";
    for (const auto& [name, secret] : secrets_) text += seal(key_.bytes(), name, secret.reveal()) + "\n";
    write_file_durably(file_, text, 0600);
}

const Secret* CredentialStore::find(std::string_view name) const {
    const auto it = secrets_.find(name);
    return it == secrets_.end() ? nullptr : &it->second;
}

std::vector<std::string> CredentialStore::names() const {
    std::vector<std::string> out;
    for (const auto& [name, secret] : secrets_) out.push_back(name);
    return out;
}

}  // namespace bidline
