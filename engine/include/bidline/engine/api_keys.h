// API keys of the HTTP interface. A key belongs to one connector (its name,
// also the connector whose rate limits and quotas it spends) and grants
// scopes (bid, events, admin, read). The engine keeps only a per-key random
// salt and the keyed BLAKE2b hash of the key: the key itself is printed once
// by `bidline keys add` and never stored.
//
// A key reads `bl_<16 hex id>_<64 hex secret>`. The id is public and selects
// the stored entry, so verifying costs one BLAKE2b of 84 bytes (0.2–0.4 µs)
// and a constant-time compare; each shard also remembers its last few
// verified keys (verified_key_cache.h).
//
// Threads: an ApiKeyTable is built at start and then only read, by every
// shard at once, without locks; verify() neither allocates nor throws.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace bidline {

enum class Scope : std::uint8_t { bid = 1, events = 2, admin = 4, read = 8 };

// Bit set of scopes.
struct Scopes {
    std::uint8_t bits = 0;
    [[nodiscard]] bool has(Scope s) const { return (bits & static_cast<std::uint8_t>(s)) != 0; }
    void add(Scope s) { bits |= static_cast<std::uint8_t>(s); }
    bool operator==(const Scopes&) const = default;
};

std::string_view to_string(Scope s);
// "bid,events" → scopes; throws std::invalid_argument naming a bad scope.
Scopes parse_scopes(std::string_view text);
std::string to_string(Scopes s);

struct ApiKey {
    std::string name;  // the connector: its [connectors.NAME] limits apply
    Scopes scopes;
    std::uint64_t id = 0;
    std::array<std::uint8_t, 32> salt{};
    std::array<std::uint8_t, 32> hash{};
};

// What a verification found: the key, or why there is none.
enum class KeyCheck : std::uint8_t { ok, missing, malformed, unknown };

class ApiKeyTable {
public:
    explicit ApiKeyTable(std::vector<ApiKey> keys);

    // Reads a key file (format in engine/README.md, "API keys"); throws
    // std::runtime_error "FILE:LINE: reason" for a bad line.
    static ApiKeyTable load(const std::filesystem::path& file);

    // Checks an Authorization header value ("Bearer <key>"). On `ok`, `key`
    // points at the matching entry. No allocation, no exception.
    [[nodiscard]] KeyCheck verify(std::string_view authorization, const ApiKey*& key) const;

    [[nodiscard]] const std::vector<ApiKey>& keys() const { return keys_; }
    [[nodiscard]] bool empty() const { return keys_.empty(); }

private:
    std::vector<ApiKey> keys_;  // sorted by id
};

// The key in an Authorization value "Bearer <key>" (the scheme is
// case-insensitive, RFC 9110), or empty for another scheme.
[[nodiscard]] std::string_view bearer_token(std::string_view authorization);

// A new key: the entry to store and the key to hand out (once).
struct MintedKey {
    ApiKey entry;
    std::string key;
};
MintedKey mint_api_key(std::string name, Scopes scopes);

// The public id of a key: 16 hex digits (also in the key after "bl_").
std::string key_id_text(const ApiKey& k);

// The key file line of an entry: NAME SCOPES ID SALT HASH.
std::string key_file_line(const ApiKey& k);

}  // namespace bidline
