// `bidline log cat` on logs this test writes with the real LogWriter: one
// JSON object per record with segment, offset, type and the payload (base64
// for types without a decoder); a torn tail is reported on stderr and only
// truncated with --repair; corruption exits 1 naming the offset.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bidline/feeds/event_log_format.h"
#include "bidline/feeds/event_log_writer.h"
#include "support/cli_run.h"
#include "support/fixtures.h"

namespace bidline::test {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

class LogCli : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (std::filesystem::temp_directory_path() / "bidline-log-cli-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        scratch_ = pattern;
        log_dir_ = scratch_ / "events";
    }
    void TearDown() override { std::filesystem::remove_all(scratch_); }

    // Two segments: "hello" (type 200, no decoder) and bytes 0..2 in the
    // first, "world" (bid_decision) in the second.
    void write_log() {
        feeds::LogWriterOptions o;
        o.directory = log_dir_;
        o.fsync = feeds::FsyncPolicy::never;
        o.segment_bytes = 70;  // 40-byte header + two small records (14 + 12 bytes)
        const feeds::LogTime t{std::chrono::seconds(1'800'000'000)};
        feeds::LogWriter writer(o, t);
        const std::string hello = "hello", world = "world";
        const std::byte three[] = {std::byte{0}, std::byte{1}, std::byte{2}};
        ASSERT_EQ(writer.append(feeds::RecordType{200}, std::as_bytes(std::span(hello)), t), feeds::LogErrc::ok);
        ASSERT_EQ(writer.append(feeds::RecordType{201}, three, t), feeds::LogErrc::ok);
        ASSERT_EQ(writer.append(feeds::RecordType::bid_decision, std::as_bytes(std::span(world)), t),
                  feeds::LogErrc::ok);
        ASSERT_EQ(writer.commit(), feeds::LogErrc::ok);
    }

    std::filesystem::path scratch_;
    std::filesystem::path log_dir_;
};

TEST_F(LogCli, PrintsOneJsonObjectPerRecord) {
    write_log();
    const CliRun run = run_bidline({"log", "cat", log_dir_.string()});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(run.err, "");
    const auto lines = lines_of(run.out);
    ASSERT_EQ(lines.size(), 3u) << run.out;

    simdjson::dom::parser parser;
    struct Expected {
        std::uint64_t segment, offset;
        const char* type;
        std::uint64_t size;
        const char* b64;
    };
    const Expected expected[] = {{1, 40, "unknown:200", 5, "aGVsbG8="},
                                 {1, 54, "unknown:201", 3, "AAEC"},
                                 {2, 40, "bid_decision", 5, "d29ybGQ="}};
    for (std::size_t i = 0; i < 3; ++i) {
        SCOPED_TRACE(lines[i]);
        simdjson::dom::element e;
        ASSERT_FALSE(parser.parse(lines[i]).get(e));
        EXPECT_EQ(e["segment"].get_uint64().value(), expected[i].segment);
        EXPECT_EQ(e["offset"].get_uint64().value(), expected[i].offset);
        EXPECT_EQ(e["type"].get_string().value(), expected[i].type);
        EXPECT_EQ(e["size"].get_uint64().value(), expected[i].size);
        EXPECT_EQ(e["payload_b64"].get_string().value(), expected[i].b64);
    }

    // A single segment file works too.
    const CliRun one = run_bidline({"log", "cat", (log_dir_ / feeds::segment_file_name(2)).string()});
    ASSERT_EQ(one.exit_code, 0) << one.err;
    EXPECT_EQ(lines_of(one.out), std::vector<std::string>{lines[2]});
}

TEST_F(LogCli, ReportsATornTailAndRepairsItOnlyWhenAsked) {
    write_log();
    const std::filesystem::path last = log_dir_ / feeds::segment_file_name(2);
    std::filesystem::resize_file(last, std::filesystem::file_size(last) - 2);

    const CliRun look = run_bidline({"log", "cat", log_dir_.string()});
    ASSERT_EQ(look.exit_code, 0) << look.err;
    EXPECT_EQ(lines_of(look.out).size(), 2u);
    EXPECT_NE(look.err.find("torn tail"), std::string::npos) << look.err;
    EXPECT_NE(look.err.find("12 bytes after offset 40"), std::string::npos) << look.err;
    EXPECT_NE(look.err.find("--repair"), std::string::npos) << look.err;
    EXPECT_EQ(std::filesystem::file_size(last), 52u);  // untouched

    const CliRun fix = run_bidline({"log", "cat", "--repair", log_dir_.string()});
    ASSERT_EQ(fix.exit_code, 0) << fix.err;
    EXPECT_NE(fix.err.find("repaired"), std::string::npos) << fix.err;
    EXPECT_EQ(std::filesystem::file_size(last), 40u);

    const CliRun after = run_bidline({"log", "cat", log_dir_.string()});
    EXPECT_EQ(after.err, "");
    EXPECT_EQ(lines_of(after.out).size(), 2u);
}

TEST_F(LogCli, CorruptionInAnOlderSegmentExitsOneWithTheOffset) {
    write_log();
    const std::filesystem::path first = log_dir_ / feeds::segment_file_name(1);
    {
        std::fstream f(first, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(54 + 9 + 1);  // a payload byte of the second record
        f.put('\x7f');
    }
    const CliRun run = run_bidline({"log", "cat", log_dir_.string()});
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_EQ(lines_of(run.out).size(), 1u);  // the record before the damage
    EXPECT_NE(run.err.find("corrupt record"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("offset 54"), std::string::npos) << run.err;
}

TEST_F(LogCli, UsageErrorsExitTwo) {
    EXPECT_EQ(run_bidline({"log"}).exit_code, 2);
    EXPECT_EQ(run_bidline({"log", "tail", "x"}).exit_code, 2);
    const CliRun help = run_bidline({"log", "--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.out.find("log cat"), std::string::npos);
}

}  // namespace
}  // namespace bidline::test
