#include "bidline/engine/api_keys.h"

#include <sodium.h>

#include "key_file_text.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace bidline {

namespace {

constexpr std::string_view kPrefix = "bl_";
constexpr std::size_t kIdHex = 16, kSecretHex = 64;
constexpr std::size_t kKeyLength = kPrefix.size() + kIdHex + 1 + kSecretHex;

void init_sodium() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

// Keyed BLAKE2b of the whole key with the entry's salt as the BLAKE2 key.
std::array<std::uint8_t, 32> key_hash(std::string_view key, const std::array<std::uint8_t, 32>& salt) {
    std::array<std::uint8_t, 32> out{};
    crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                       salt.data(), salt.size());
    return out;
}

bool parse_id(std::string_view hex, std::uint64_t& id) {
    std::uint8_t b[8];
    if (!hex_to_bytes(hex, b, 8)) return false;
    id = 0;
    for (std::uint8_t x : b) id = (id << 8) | x;
    return true;
}

std::string id_hex(std::uint64_t id) {
    std::uint8_t b[8];
    for (int i = 7; i >= 0; --i, id >>= 8) b[i] = static_cast<std::uint8_t>(id & 0xff);
    return to_hex(b, 8);
}

bool valid_name(std::string_view n) {
    return !n.empty() && n.size() <= 64 && std::all_of(n.begin(), n.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
               c == '~' || c == '-';
    });
}

}  // namespace

std::string_view to_string(Scope s) {
    switch (s) {
        case Scope::bid: return "bid";
        case Scope::events: return "events";
        case Scope::admin: return "admin";
        case Scope::read: return "read";
    }
    return "?";
}

Scopes parse_scopes(std::string_view text) {
    Scopes out;
    while (!text.empty()) {
        const std::size_t comma = text.find(',');
        const std::string_view word = text.substr(0, comma);
        bool known = false;
        for (Scope s : {Scope::bid, Scope::events, Scope::admin, Scope::read})
            if (word == to_string(s)) out.add(s), known = true;
        if (!known)
            throw std::invalid_argument("unknown scope \"" + std::string(word) + "\" (scopes: bid, events, admin, read)");
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    if (out.bits == 0) throw std::invalid_argument("at least one scope is needed (bid, events, admin, read)");
    return out;
}

std::string to_string(Scopes s) {
    std::string out;
    for (Scope x : {Scope::bid, Scope::events, Scope::admin, Scope::read})
        if (s.has(x)) out += (out.empty() ? "" : ",") + std::string(to_string(x));
    return out;
}

ApiKeyTable::ApiKeyTable(std::vector<ApiKey> keys) : keys_(std::move(keys)) {
    init_sodium();
    std::sort(keys_.begin(), keys_.end(), [](const ApiKey& a, const ApiKey& b) { return a.id < b.id; });
}

ApiKeyTable ApiKeyTable::load(const std::filesystem::path& file) {
    std::vector<ApiKey> keys;
    for (const RecordLine& r : read_record_lines(file, 5, "NAME SCOPES ID SALT HASH (as `bidline keys add` writes them)")) {
        const auto fail = [&](const std::string& why) { record_error(file, r.number, why); };
        const std::string &name = r.words[0], &scopes = r.words[1], &id = r.words[2], &salt = r.words[3],
                          &hash = r.words[4];
        ApiKey k;
        if (!valid_name(name)) fail("name: 1 to 64 characters of A-Z a-z 0-9 . _ ~ -");
        k.name = name;
        try {
            k.scopes = parse_scopes(scopes);
        } catch (const std::invalid_argument& e) {
            fail(std::string("scopes: ") + e.what());
        }
        if (!parse_id(id, k.id)) fail("id: expected 16 hex digits");
        if (!hex_to_bytes(salt, k.salt.data(), k.salt.size())) fail("salt: expected 64 hex digits");
        if (!hex_to_bytes(hash, k.hash.data(), k.hash.size())) fail("hash: expected 64 hex digits");
        for (const ApiKey& other : keys)
            if (other.id == k.id) fail("id " + id + " appears twice");
        keys.push_back(std::move(k));
    }
    return ApiKeyTable(std::move(keys));
}

std::string_view bearer_token(std::string_view authorization) {
    constexpr std::string_view kScheme = "bearer ";
    if (authorization.size() <= kScheme.size()) return {};
    for (std::size_t i = 0; i < kScheme.size(); ++i)
        if ((authorization[i] | 0x20) != kScheme[i]) return {};
    std::string_view token = authorization.substr(kScheme.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    return token;
}

KeyCheck ApiKeyTable::verify(std::string_view authorization, const ApiKey*& key) const {
    key = nullptr;
    if (authorization.empty()) return KeyCheck::missing;
    const std::string_view token = bearer_token(authorization);
    if (token.size() != kKeyLength || !token.starts_with(kPrefix) || token[kPrefix.size() + kIdHex] != '_')
        return KeyCheck::malformed;
    std::uint64_t id = 0;
    if (!parse_id(token.substr(kPrefix.size(), kIdHex), id)) return KeyCheck::malformed;
    const auto it = std::lower_bound(keys_.begin(), keys_.end(), id, [](const ApiKey& k, std::uint64_t v) { return k.id < v; });
    if (it == keys_.end() || it->id != id) return KeyCheck::unknown;
    const auto h = key_hash(token, it->salt);
    // Constant time: the compare must not tell how many bytes matched.
    if (sodium_memcmp(h.data(), it->hash.data(), h.size()) != 0) return KeyCheck::unknown;
    key = &*it;
    return KeyCheck::ok;
}

MintedKey mint_api_key(std::string name, Scopes scopes) {
    init_sodium();
    if (!valid_name(name)) throw std::invalid_argument("--name: 1 to 64 characters of A-Z a-z 0-9 . _ ~ -");
    MintedKey m;
    m.entry.name = std::move(name);
    m.entry.scopes = scopes;
    randombytes_buf(&m.entry.id, sizeof m.entry.id);
    randombytes_buf(m.entry.salt.data(), m.entry.salt.size());
    std::uint8_t secret[kSecretHex / 2];
    randombytes_buf(secret, sizeof secret);
    m.key = std::string(kPrefix) + id_hex(m.entry.id) + "_" + to_hex(secret, sizeof secret);
    sodium_memzero(secret, sizeof secret);
    m.entry.hash = key_hash(m.key, m.entry.salt);
    return m;
}

std::string key_id_text(const ApiKey& k) { return id_hex(k.id); }

std::string key_file_line(const ApiKey& k) {
    return k.name + " " + to_string(k.scopes) + " " + id_hex(k.id) + " " + to_hex(k.salt.data(), k.salt.size()) + " " +
           to_hex(k.hash.data(), k.hash.size());
}

}  // namespace bidline
