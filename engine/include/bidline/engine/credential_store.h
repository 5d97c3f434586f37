// Platform credentials (OAuth refresh tokens and the like for the Google Ads,
// Meta and TikTok connectors) encrypted at rest. Each secret is sealed with
// XChaCha20-Poly1305 (libsodium AEAD, a fresh random nonce per secret, the
// credential's name as associated data so a sealed value cannot be moved
// under another name) under a 32-byte key that lives outside the store: a
// key file or the BIDLINE_CREDENTIALS_KEY environment variable.
//
// A decrypted secret is a `Secret`: no stream operator, no implicit
// conversion, wiped on destruction, so it cannot slip into a log line or a
// stats document by accident; only `reveal()` hands out the bytes (for an
// outgoing request's header).
//
// Threads: built at start (or by the CLI), then read-only.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bidline {

class Secret {
public:
    explicit Secret(std::string bytes) : bytes_(std::move(bytes)) {}
    ~Secret();
    Secret(const Secret&) = delete;
    Secret& operator=(const Secret&) = delete;
    // Moves wipe the source: a short string's bytes would stay in its buffer.
    Secret(Secret&& o) noexcept;
    Secret& operator=(Secret&& o) noexcept;
    [[nodiscard]] std::string_view reveal() const { return bytes_; }

private:
    std::string bytes_;
};

class CredentialKey {
public:
    // From a file holding 64 hex digits, or (file absent) from the
    // environment variable kEnv; throws a message naming both when neither
    // gives a key. The key is never echoed in an error.
    static CredentialKey load(const std::optional<std::filesystem::path>& key_file);
    // A new random key as 64 hex digits (`bidline credentials keygen`).
    static std::string generate_hex();
    ~CredentialKey();
    CredentialKey(CredentialKey&&) noexcept = default;

    static constexpr const char* kEnv = "BIDLINE_CREDENTIALS_KEY";
    [[nodiscard]] const std::array<std::uint8_t, 32>& bytes() const { return key_; }

private:
    CredentialKey() = default;
    std::array<std::uint8_t, 32> key_{};
};

class CredentialStore {
public:
    // Opens a store file (absent = empty) and decrypts every entry; throws
    // "FILE:LINE: ..." for a bad line or a secret the key does not open.
    static CredentialStore open(const std::filesystem::path& file, CredentialKey key);

    void set(const std::string& name, std::string secret);
    // Writes the sealed entries (atomically, mode 0600).
    void save() const;

    [[nodiscard]] const Secret* find(std::string_view name) const;
    [[nodiscard]] std::vector<std::string> names() const;

private:
    CredentialStore(std::filesystem::path file, CredentialKey key) : file_(std::move(file)), key_(std::move(key)) {}
    std::filesystem::path file_;
    CredentialKey key_;
    std::map<std::string, Secret, std::less<>> secrets_;
};

}  // namespace bidline
