// Event log append throughput for ~100-byte records (the size of a feed
// event or a decision record): LogWriter with `group` (one fdatasync per
// 256-record batch) and `never` (write only), and GroupCommitLog fed by one
// producer thread with its writer thread fdatasyncing per drained batch.
// Throughput is per wall-clock second (fdatasync waits are not CPU time).
// Also CRC32C per implementation. Every run reads the log back and checks
// each record's payload against what was appended.
#include <benchmark/benchmark.h>

#include "support/scratch_dir.h"
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "bidline/feeds/crc32c.h"
#include "bidline/feeds/event_log_group_commit.h"
#include "bidline/feeds/event_log_reader.h"
#include "bidline/feeds/event_log_writer.h"

namespace {

using namespace bidline::feeds;

constexpr std::size_t kRecordBytes = 100;
constexpr std::size_t kBatch = 256;

using bidline::test::ScratchDir;

// Payload i: its index in the first 8 bytes, then bytes derived from it.
void fill_payload(std::vector<std::byte>& p, std::uint64_t i) {
    std::memcpy(p.data(), &i, 8);
    for (std::size_t k = 8; k < p.size(); ++k) p[k] = static_cast<std::byte>((i * 7 + k) & 0xFF);
}

// The reference check: every record is there, in order, byte for byte.
bool read_back_matches(const std::filesystem::path& dir, std::uint64_t count) {
    LogReader reader = LogReader::open_directory(dir, TailMode::read_only);
    std::vector<std::byte> expected(kRecordBytes);
    RecordView r;
    std::uint64_t i = 0;
    while (reader.next(r)) {
        fill_payload(expected, i);
        if (!std::equal(r.payload.begin(), r.payload.end(), expected.begin(), expected.end())) return false;
        ++i;
    }
    return !reader.error() && !reader.tail() && i == count;
}

void BM_LogWriterAppend(benchmark::State& state) {
    const auto policy = static_cast<FsyncPolicy>(state.range(0));
    ScratchDir dir;
    std::uint64_t appended = 0;
    {
        LogWriterOptions o;
        o.directory = dir.path();
        o.fsync = policy;
        LogWriter writer(o, LogTime{});
        std::vector<std::byte> payload(kRecordBytes);
        for (auto _ : state) {
            fill_payload(payload, appended);
            if (writer.append(RecordType::feed_event, payload, LogTime{}) != LogErrc::ok) state.SkipWithError("append");
            if (++appended % kBatch == 0 && writer.commit() != LogErrc::ok) state.SkipWithError("commit");
        }
        if (writer.commit() != LogErrc::ok) state.SkipWithError("commit");
        state.counters["syncs"] = static_cast<double>(writer.stats().data_syncs);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(appended));
    state.SetBytesProcessed(static_cast<std::int64_t>(appended * (kRecordBytes + kRecordHeaderSize)));
    if (!read_back_matches(dir.path(), appended)) state.SkipWithError("read-back mismatch");
}
BENCHMARK(BM_LogWriterAppend)
    ->Arg(static_cast<int>(FsyncPolicy::group))
    ->Arg(static_cast<int>(FsyncPolicy::never))
    ->ArgName("policy(1=group,2=never)")
    ->UseRealTime();  // fdatasync waits are not CPU time

void BM_GroupCommitLogSubmit(benchmark::State& state) {
    const auto policy = static_cast<FsyncPolicy>(state.range(0));
    ScratchDir dir;
    std::uint64_t submitted = 0, full = 0, commits = 0;
    {
        GroupCommitOptions o;
        o.log.directory = dir.path();
        o.log.fsync = policy;
        o.producers = 1;
        o.ring_bytes = 4u << 20;
        o.clock = [] { return LogTime{}; };
        GroupCommitLog log(o);
        std::vector<std::byte> payload(kRecordBytes);
        for (auto _ : state) {
            fill_payload(payload, submitted);
            SubmitResult r;
            while ((r = log.submit(ProducerId{0}, RecordType::feed_event, payload)).code == LogErrc::ring_full) ++full;
            if (r.code != LogErrc::ok) state.SkipWithError("submit");
            ++submitted;
        }
        // Throughput includes waiting for the last record to be durable.
        if (submitted > 0 && !log.wait_durable(ProducerId{0}, submitted)) state.SkipWithError("not durable");
        log.stop();
        commits = log.commits();
    }
    state.counters["commits"] = static_cast<double>(commits);
    state.counters["ring_full_spins"] = static_cast<double>(full);
    state.SetItemsProcessed(static_cast<std::int64_t>(submitted));
    state.SetBytesProcessed(static_cast<std::int64_t>(submitted * (kRecordBytes + kRecordHeaderSize)));
    if (!read_back_matches(dir.path(), submitted)) state.SkipWithError("read-back mismatch");
}
BENCHMARK(BM_GroupCommitLogSubmit)
    ->Arg(static_cast<int>(FsyncPolicy::group))
    ->Arg(static_cast<int>(FsyncPolicy::never))
    ->ArgName("policy(1=group,2=never)")
    ->UseRealTime();

void BM_Crc32c(benchmark::State& state) {
    using Impl = std::uint32_t (*)(std::uint32_t, std::span<const std::byte>);
    const Impl impls[] = {&crc32c_extend_bytewise, &crc32c_extend_sliced, &crc32c_extend_hardware};
    const Impl impl = impls[state.range(0)];
    if (state.range(0) == 2 && !crc32c_hardware_available()) {
        state.SkipWithError("no SSE4.2");
        return;
    }
    std::vector<std::byte> data(static_cast<std::size_t>(state.range(1)));
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::byte>(i * 13);
    const std::uint32_t expected = crc32c_extend_bytewise(0, data);
    for (auto _ : state) {
        std::uint32_t crc = impl(0, data);
        benchmark::DoNotOptimize(crc);
        if (crc != expected) state.SkipWithError("wrong CRC");
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(1));
}
BENCHMARK(BM_Crc32c)->ArgsProduct({{0, 1, 2}, {100, 4096}})->ArgNames({"impl(0=bytewise,1=sliced,2=sse4.2)", "bytes"});

}  // namespace

BENCHMARK_MAIN();
