// FtrlLearner::save / load: the versioned binary state file.
//
// Layout, little-endian:
//   "bidftrl\0"                       8 bytes magic
//   u32 format version (kFormatVersion), u32 kFtrlFeatureEncodingVersion
//   u32 hash_bits, u32 zero
//   f64 alpha, beta, lambda1, lambda2
//   u64 rows seen, u64 K = touched coordinates (n > 0)
//   K × { u32 index, f64 z, f64 n }   ascending index
//   u64 FNV-1a of every byte before it
// Only touched coordinates are stored: a day's traffic touches a small share
// of 2^20 buckets, and untouched ones are z = n = 0 by definition.
#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include "bidline/config/stable_hash.h"
#include "bidline/models/ftrl.h"
#include "bidline/models/model_load_error.h"

namespace bidline::models {
namespace {

constexpr std::string_view kMagic{"bidftrl\0", 8};
constexpr std::uint32_t kFormatVersion = 1;
constexpr std::size_t kHeaderBytes = 8 + 4 * 4 + 4 * 8 + 2 * 8;
constexpr std::size_t kRecordBytes = 4 + 8 + 8;
constexpr std::size_t kChecksumBytes = 8;

class Writer {
public:
    void bytes(std::string_view b) { out_.append(b); }
    void u32(std::uint32_t v) { put(v, 4); }
    void u64(std::uint64_t v) { put(v, 8); }
    void f64(double v) { put(std::bit_cast<std::uint64_t>(v), 8); }
    [[nodiscard]] std::string& buffer() { return out_; }

private:
    void put(std::uint64_t v, int n) {
        for (int i = 0; i < n; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    }
    std::string out_;
};

// Reads fixed-size fields; the caller has checked the total size first.
class Reader {
public:
    explicit Reader(std::string_view in) : in_(in) {}
    std::string_view bytes(std::size_t n) {
        const std::string_view b = in_.substr(pos_, n);
        pos_ += n;
        return b;
    }
    std::uint32_t u32() { return static_cast<std::uint32_t>(get(4)); }
    std::uint64_t u64() { return get(8); }
    double f64() { return std::bit_cast<double>(get(8)); }

private:
    std::uint64_t get(int n) {
        std::uint64_t v = 0;
        for (int i = 0; i < n; ++i) v |= std::uint64_t{static_cast<unsigned char>(in_[pos_ + i])} << (8 * i);
        pos_ += static_cast<std::size_t>(n);
        return v;
    }
    std::string_view in_;
    std::size_t pos_ = 0;
};

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& problem) {
    throw ModelLoadError("FTRL state " + file.string() + ": " + problem);
}

std::string read_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) fail(file, std::string("cannot open: ") + std::strerror(errno));
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) fail(file, "read error");
    return std::move(buffer).str();
}

// write + fsync + rename: readers see the old file or the whole new one.
void write_file_atomically(const std::filesystem::path& file, std::string_view bytes) {
    const std::filesystem::path tmp = file.string() + ".tmp";
    auto error = [&](const char* what) {
        return std::system_error(errno, std::generic_category(), std::string(what) + " " + tmp.string());
    };
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw error("cannot create FTRL state");
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ::ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const auto e = error("cannot write FTRL state");
            ::close(fd);
            throw e;
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        const auto e = error("cannot sync FTRL state");
        ::close(fd);
        throw e;
    }
    if (::close(fd) != 0) throw error("cannot close FTRL state");
    std::error_code ec;
    std::filesystem::rename(tmp, file, ec);
    if (ec) throw std::system_error(ec, "cannot rename " + tmp.string() + " to " + file.string());
}

}  // namespace

void FtrlLearner::save(const std::filesystem::path& file) const {
    std::size_t touched = 0;
    for (const Coordinate& c : coords_) touched += c.n > 0;
    Writer w;
    w.buffer().reserve(kHeaderBytes + touched * kRecordBytes + kChecksumBytes);
    w.bytes(kMagic);
    w.u32(kFormatVersion);
    w.u32(kFtrlFeatureEncodingVersion);
    w.u32(config_.hash_bits);
    w.u32(0);
    w.f64(config_.alpha);
    w.f64(config_.beta);
    w.f64(config_.lambda1);
    w.f64(config_.lambda2);
    w.u64(rows_seen_);
    w.u64(touched);
    for (std::size_t i = 0; i < coords_.size(); ++i) {
        if (coords_[i].n <= 0) continue;
        w.u32(static_cast<std::uint32_t>(i));
        w.f64(coords_[i].z);
        w.f64(coords_[i].n);
    }
    w.u64(fnv1a(w.buffer()));
    write_file_atomically(file, w.buffer());
}

FtrlLearner FtrlLearner::load(const std::filesystem::path& file) {
    const std::string data = read_file(file);
    if (data.size() < kMagic.size() || std::string_view(data).substr(0, kMagic.size()) != kMagic)
        fail(file, "not an FTRL state file (bad magic)");
    if (data.size() < kHeaderBytes + kChecksumBytes)
        fail(file, "truncated: " + std::to_string(data.size()) + " bytes, the header alone needs " +
                       std::to_string(kHeaderBytes + kChecksumBytes));
    Reader r(data);
    r.bytes(kMagic.size());
    const std::uint32_t version = r.u32();
    if (version != kFormatVersion)
        fail(file,
             "format version " + std::to_string(version) + ", this build reads " + std::to_string(kFormatVersion));
    const std::uint32_t encoding = r.u32();
    if (encoding != kFtrlFeatureEncodingVersion)
        fail(file, "trained on feature encoding " + std::to_string(encoding) + ", this build encodes version " +
                       std::to_string(kFtrlFeatureEncodingVersion) + ": start a new learner");
    FtrlConfig config;
    config.hash_bits = r.u32();
    r.u32();
    config.alpha = r.f64();
    config.beta = r.f64();
    config.lambda1 = r.f64();
    config.lambda2 = r.f64();
    const std::uint64_t rows_seen = r.u64();
    const std::uint64_t touched = r.u64();
    if (touched > (std::uint64_t{1} << 28)) fail(file, "corrupt coordinate count " + std::to_string(touched));
    const std::size_t expected = kHeaderBytes + static_cast<std::size_t>(touched) * kRecordBytes + kChecksumBytes;
    if (data.size() < expected)
        fail(file, "truncated: " + std::to_string(data.size()) + " bytes, expected " + std::to_string(expected) +
                       " for " + std::to_string(touched) + " coordinates");
    if (data.size() > expected)
        fail(file, std::to_string(data.size() - expected) + " unexpected bytes after the coordinates");
    const std::string_view body = std::string_view(data).substr(0, expected - kChecksumBytes);
    if (Reader(std::string_view(data).substr(body.size())).u64() != fnv1a(body))
        fail(file, "checksum mismatch (the file is corrupted)");

    FtrlLearner learner = [&] {
        try {
            return FtrlLearner(config);
        } catch (const std::invalid_argument& e) {
            fail(file, e.what());
        }
    }();
    if (touched > learner.coords_.size()) fail(file, "more coordinates than 2^hash_bits");
    learner.rows_seen_ = rows_seen;
    for (std::uint64_t k = 0; k < touched; ++k) {
        const std::uint32_t index = r.u32();
        const double z = r.f64();
        const double n = r.f64();
        if (index >= learner.coords_.size()) fail(file, "coordinate index " + std::to_string(index) + " out of range");
        if (!std::isfinite(z) || !std::isfinite(n) || n <= 0)
            fail(file, "non-finite state at coordinate " + std::to_string(index));
        learner.coords_[index] = Coordinate{z, n};
    }
    return learner;
}

}  // namespace bidline::models
