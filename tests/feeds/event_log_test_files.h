// Helpers for the event log tests: a fresh temp directory per test, payloads
// that say who wrote them (so a test can check a record is intact and in
// place), and raw file edits to simulate crashes and bit rot.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "bidline/feeds/event_log_format.h"
#include "bidline/feeds/event_log_reader.h"

namespace bidline::feeds::test {

class TempLogDir {
public:
    TempLogDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "bidline-log-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempLogDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempLogDir(const TempLogDir&) = delete;
    TempLogDir& operator=(const TempLogDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

inline LogTime at_second(std::int64_t s) { return LogTime{std::chrono::seconds{s}}; }

// [u32 producer][u64 sequence][filler bytes derived from both]: a record
// that proves who wrote it and that its bytes are intact.
inline std::vector<std::byte> tagged_payload(std::uint32_t producer, std::uint64_t sequence, std::size_t size = 64) {
    std::vector<std::byte> p(std::max<std::size_t>(size, 12));
    std::memcpy(p.data(), &producer, 4);
    std::memcpy(p.data() + 4, &sequence, 8);
    for (std::size_t i = 12; i < p.size(); ++i)
        p[i] = static_cast<std::byte>((producer * 131 + sequence * 31 + i) & 0xFF);
    return p;
}
struct Tag {
    std::uint32_t producer = 0;
    std::uint64_t sequence = 0;
    bool intact = false;
};
inline Tag read_tag(std::span<const std::byte> payload) {
    Tag t;
    if (payload.size() < 12) return t;
    std::memcpy(&t.producer, payload.data(), 4);
    std::memcpy(&t.sequence, payload.data() + 4, 8);
    const auto expected = tagged_payload(t.producer, t.sequence, payload.size());
    t.intact = std::equal(payload.begin(), payload.end(), expected.begin());
    return t;
}

// All intact records of a log directory (read-only) plus any error.
struct ReadBack {
    std::vector<std::vector<std::byte>> payloads;
    std::vector<RecordView> views;  // payload spans not valid: positions only
    std::optional<LogError> error;
    std::optional<TailRepair> tail;
};
inline ReadBack read_all(const std::filesystem::path& dir, TailMode mode = TailMode::read_only) {
    ReadBack out;
    LogReader reader = LogReader::open_directory(dir, mode);
    out.tail = reader.tail();
    RecordView r;
    while (reader.next(r)) {
        out.payloads.emplace_back(r.payload.begin(), r.payload.end());
        out.views.push_back(r);
    }
    out.error = reader.error();
    return out;
}

inline std::vector<std::byte> read_bytes(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::vector<char> c((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::byte> b(c.size());
    std::memcpy(b.data(), c.data(), c.size());
    return b;
}
inline void write_bytes(const std::filesystem::path& p, std::span<const std::byte> bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace bidline::feeds::test
