// The binary event stream against the real binary on loopback: acknowledged
// events show in /v1/stats exactly, duplicates count once, bad frames end
// only their own connection, invalid events are refused one by one, a
// dropped connection resumes after WELCOME, and across kill -9 the client's
// resend of everything unacknowledged makes the totals exact: nothing lost,
// nothing doubled. Also `bidline stream` end to end.
#include <gtest/gtest.h>
#include <signal.h>
#include <simdjson.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include "bidline/feeds/event_stream_client.h"
#include "bidline/feeds/event_stream_protocol.h"
#include "support/engine_process.h"
#include "support/http_client.h"

namespace bidline::test {
namespace {

using feeds::Event;
using feeds::EventKind;
using feeds::EventStreamClient;
using feeds::StreamClientOptions;

constexpr std::string_view kLineItem = "li-acme-mrec-open";
constexpr auto kDeadline = std::chrono::seconds(20);

feeds::UtcMicros now_us() {
    return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

std::string bid_id(std::uint64_t n) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(0x6000000000000000ull + n));
    return buf;
}

// A win of 1,000 micros (1.00 CPM) for bid n.
Event win(std::uint64_t n, std::string_view prefix = "sw") {
    Event e;
    e.kind = EventKind::win;
    (void)e.event_id.assign(std::string(prefix) + std::to_string(n));
    (void)e.bid_id.assign(bid_id(n));
    (void)e.line_item_id.assign(kLineItem);
    e.price = Micros(1'000);
    e.ts = now_us();
    return e;
}

Event click(std::uint64_t n) {
    Event e;
    e.kind = EventKind::click;
    (void)e.event_id.assign("sc" + std::to_string(n));
    (void)e.bid_id.assign(bid_id(n));
    (void)e.line_item_id.assign(kLineItem);
    e.ts = now_us();
    return e;
}

StreamClientOptions options(EngineProcess& engine, std::string name) {
    StreamClientOptions o;
    o.host = engine.host();
    o.port = engine.stream_port();
    o.name = std::move(name);
    o.timeout = std::chrono::seconds(10);
    return o;
}

struct StreamedFigures {
    std::int64_t wins = -1, clicks = -1, spend_total = -1;
    bool operator==(const StreamedFigures&) const = default;
};

std::ostream& operator<<(std::ostream& os, const StreamedFigures& f) {
    return os << "{wins " << f.wins << ", clicks " << f.clicks << ", spend " << f.spend_total << "}";
}

StreamedFigures figures(EngineProcess& engine) {
    HttpClient c(engine.host(), engine.port());
    HttpResponse r = c.request("GET", "/v1/stats");
    EXPECT_EQ(r.status, 200);
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(r.body);
    for (simdjson::dom::element li : doc["line_items"].get_array()) {
        if (std::string_view(li["id"].get_string()) != kLineItem) continue;
        return {li["wins"].get_int64(), li["clicks"].get_int64(), li["spend_total_micros"].get_int64()};
    }
    ADD_FAILURE() << "line item not in stats";
    return {};
}

// Stats are rendered by the control loop each tick: wait (bounded) until
// they reach `want`, then return what they say (which the caller compares).
StreamedFigures await_figures(EngineProcess& engine, const StreamedFigures& want) {
    const auto deadline = std::chrono::steady_clock::now() + kDeadline;
    StreamedFigures f = figures(engine);
    while (!(f.wins >= want.wins && f.clicks >= want.clicks) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        f = figures(engine);
    }
    return f;
}

// Polls the client until `done` or the deadline.
template <class Done>
bool poll_until(EventStreamClient& client, Done done) {
    const auto deadline = std::chrono::steady_clock::now() + kDeadline;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        if (!client.poll().ok()) return done();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

TEST(EventStream, AcknowledgedEventsShowInStatsExactly) {
    EngineProcess engine({"serve", "--shards", "2", "--stream-port", "0"});
    EventStreamClient client(options(engine, "exact"));
    ASSERT_TRUE(client.connect().ok());
    EXPECT_EQ(client.welcome_seq(), 0u) << "a new stream starts at 0";
    constexpr std::uint64_t kWins = 3000, kClicks = 700;
    for (std::uint64_t i = 1; i <= kWins; ++i) ASSERT_TRUE(client.send(win(i)).ok());
    for (std::uint64_t i = 1; i <= kClicks; ++i) ASSERT_TRUE(client.send(click(i)).ok());
    const auto s = client.wait_all_acked();
    ASSERT_TRUE(s.ok()) << s.message << "\n" << engine.describe();
    EXPECT_EQ(client.acked_seq(), kWins + kClicks);
    EXPECT_TRUE(client.rejections().empty());
    const StreamedFigures want{kWins, kClicks, kWins * 1'000};
    EXPECT_EQ(await_figures(engine, want), want);
    EXPECT_TRUE(std::filesystem::exists(engine.data_dir() / "events")) << "acknowledged means logged";
}

TEST(EventStream, DuplicateEventIdsCountOnce) {
    EngineProcess engine({"serve", "--shards", "2", "--stream-port", "0"});
    EventStreamClient client(options(engine, "dups"));
    ASSERT_TRUE(client.connect().ok());
    for (int round = 0; round < 3; ++round) {
        ASSERT_TRUE(client.send(win(1)).ok());
        ASSERT_TRUE(client.send(click(1)).ok());
    }
    ASSERT_TRUE(client.send(win(2)).ok());
    ASSERT_TRUE(client.wait_all_acked().ok());
    // The same events again on a second connection (another shard, maybe).
    EventStreamClient other(options(engine, "dups-2"));
    ASSERT_TRUE(other.connect().ok());
    ASSERT_TRUE(other.send(win(1)).ok());
    ASSERT_TRUE(other.send(click(1)).ok());
    ASSERT_TRUE(other.wait_all_acked().ok());
    const StreamedFigures want{2, 1, 2'000};
    EXPECT_EQ(await_figures(engine, want), want);
}

TEST(EventStream, BadFramesEndOnlyTheirConnectionAndInvalidEventsAreRejectedOneByOne) {
    EngineProcess engine({"serve", "--shards", "2", "--stream-port", "0"});
    EventStreamClient good(options(engine, "good"));
    ASSERT_TRUE(good.connect().ok());

    // An oversized length prefix: ERROR, then the server closes.
    EventStreamClient bad(options(engine, "bad"));
    ASSERT_TRUE(bad.connect().ok());
    const std::string huge = std::string("\xff\xff\xff\x7f", 4) + "\x02";
    (void)bad.send_raw(huge);
    EXPECT_TRUE(poll_until(bad, [&] { return !bad.connected(); }));
    EXPECT_NE(bad.server_error().find("bad frame length"), std::string::npos) << bad.server_error();

    // An unknown frame type: ERROR as well.
    EventStreamClient odd(options(engine, "odd"));
    ASSERT_TRUE(odd.connect().ok());
    (void)odd.send_raw(std::string("\x01\x00\x00\x00\x2a", 5));
    EXPECT_TRUE(poll_until(odd, [&] { return !odd.connected(); }));
    EXPECT_NE(odd.server_error().find("unexpected frame type 42"), std::string::npos) << odd.server_error();

    // A well-framed EVENT that is not a flatbuffer: REJECT, the stream goes on.
    EventStreamClient garbage(options(engine, "garbage"));
    ASSERT_TRUE(garbage.connect().ok());
    std::string frame;
    const std::uint8_t junk[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    feeds::stream::append_event(frame, 1, junk);
    (void)garbage.send_raw(frame);
    ASSERT_TRUE(poll_until(garbage, [&] { return !garbage.rejections().empty(); }));
    EXPECT_EQ(garbage.rejections()[0].seq, 1u);
    EXPECT_EQ(garbage.rejections()[0].code, feeds::FeedErrc::bad_flatbuffer);
    EXPECT_TRUE(garbage.connected());

    // The healthy connection never noticed; its invalid event is refused alone.
    Event no_line_item = win(2);
    no_line_item.line_item_id = {};
    Event bad_ts = win(3);
    bad_ts.ts = feeds::UtcMicros{std::chrono::microseconds{1'795'400'000}};  // seconds mistaken for µs: 1970
    std::uint64_t seq_missing = 0, seq_ts = 0;
    ASSERT_TRUE(good.send(win(1)).ok());
    ASSERT_TRUE(good.send(no_line_item, &seq_missing).ok());
    ASSERT_TRUE(good.send(bad_ts, &seq_ts).ok());
    ASSERT_TRUE(good.send(win(4)).ok());
    const auto s = good.wait_all_acked();
    ASSERT_TRUE(s.ok()) << s.message;
    ASSERT_EQ(good.rejections().size(), 2u);
    EXPECT_EQ(good.rejections()[0].seq, seq_missing);
    EXPECT_EQ(good.rejections()[0].reason, "missing \"line_item\" (required for win)");
    EXPECT_EQ(good.rejections()[1].seq, seq_ts);
    EXPECT_EQ(good.rejections()[1].reason, "ts: outside the years 2000-2099");
    const StreamedFigures want{2, 0, 2'000};
    EXPECT_EQ(await_figures(engine, want), want);
}

TEST(EventStream, DroppedConnectionResumesAfterWelcome) {
    EngineProcess engine({"serve", "--shards", "2", "--stream-port", "0"});
    EventStreamClient client(options(engine, "resume"));
    ASSERT_TRUE(client.connect().ok());
    constexpr std::uint64_t kEvents = 20'000;
    for (std::uint64_t i = 1; i <= kEvents / 2; ++i) ASSERT_TRUE(client.send(win(i)).ok());
    ASSERT_TRUE(client.flush().ok());
    const std::uint64_t acked_before = client.acked_seq();
    client.disconnect();  // without waiting for acks
    for (std::uint64_t i = kEvents / 2 + 1; i <= kEvents; ++i) ASSERT_TRUE(client.send(win(i)).ok());  // queued

    ASSERT_TRUE(client.connect().ok());
    EXPECT_LE(client.welcome_seq(), kEvents / 2) << "WELCOME names only what was acknowledged";
    EXPECT_GE(client.welcome_seq(), acked_before) << "everything acknowledged is in the WELCOME";
    const auto s = client.wait_all_acked();
    ASSERT_TRUE(s.ok()) << s.message;
    EXPECT_EQ(client.acked_seq(), kEvents);
    const StreamedFigures want{kEvents, 0, kEvents * 1'000};
    EXPECT_EQ(await_figures(engine, want), want);

    // A new client of the same stream continues the numbering after WELCOME.
    EventStreamClient again(options(engine, "resume"));
    ASSERT_TRUE(again.connect().ok());
    EXPECT_EQ(again.welcome_seq(), kEvents);
    std::uint64_t seq = 0;
    ASSERT_TRUE(again.send(win(kEvents + 1), &seq).ok());
    EXPECT_EQ(seq, kEvents + 1);
    ASSERT_TRUE(again.wait_all_acked().ok());
}

TEST(EventStream, KillNineThenResendMakesTotalsExact) {
    const auto data_dir = std::filesystem::path(testing::TempDir()) / ("stream-crash-" + std::to_string(::getpid()));
    std::filesystem::remove_all(data_dir);
    std::uint64_t sent = 0;
    std::uint64_t acked_before_kill = 0;
    StreamClientOptions o;
    o.name = "crash";
    o.timeout = std::chrono::seconds(5);
    EventStreamClient client(o);
    {
        EngineProcess engine({"serve", "--shards", "2", "--stream-port", "0", "--data-dir", data_dir.string()});
        client.retarget(engine.host(), engine.stream_port());
        ASSERT_TRUE(client.connect().ok());
        std::thread killer([&] {
            std::mt19937 rng(static_cast<unsigned>(::getpid()));
            std::this_thread::sleep_for(std::chrono::milliseconds(200 + rng() % 300));
            engine.send_signal(SIGKILL);
        });
        bool alive = true;
        while (alive && sent < 5'000'000) {
            for (int i = 0; i < 2000 && alive; ++i) alive = client.send(win(++sent, "kw")).ok();
            if (alive) alive = client.wait_all_acked().ok();  // some batches complete before the kill
            if (alive) acked_before_kill = client.acked_seq();
        }
        killer.join();
        ASSERT_TRUE(engine.wait_exit(std::chrono::seconds(30)).has_value());
        client.disconnect();
    }
    ASSERT_GT(acked_before_kill, 0u) << "some batches should be acknowledged before the kill";
    ASSERT_GT(client.unacked(), 0u) << "the kill should leave events in flight";

    EngineProcess engine({"serve", "--shards", "2", "--stream-port", "0", "--data-dir", data_dir.string()});
    client.retarget(engine.host(), engine.stream_port());
    ASSERT_TRUE(client.connect().ok());
    EXPECT_EQ(client.welcome_seq(), 0u) << "the progress table starts empty after a restart";
    const auto s = client.wait_all_acked();
    ASSERT_TRUE(s.ok()) << s.message;
    const auto n = static_cast<std::int64_t>(sent);
    const StreamedFigures want{n, 0, n * 1'000};
    EXPECT_EQ(await_figures(engine, want), want) << "each win exactly once across the crash and the resend";
    std::filesystem::remove_all(data_dir);
}

struct StreamCliRun {
    int exit_code = -1;
    std::string out;
    std::string err;
};

StreamCliRun run_stream_cli(const std::string& args, const std::filesystem::path& scratch) {
    const std::filesystem::path err_file = scratch / "stream-stderr.txt";
    const std::string command = std::string("'") + BIDLINE_BINARY + "' " + args + " 2>'" + err_file.string() + "'";
    StreamCliRun run;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return run;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) run.out.append(buf, n);
    const int status = ::pclose(pipe);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream in(err_file);
    run.err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return run;
}

std::string win_line(std::uint64_t n) {
    char buf[256];
    std::snprintf(
        buf, sizeof buf,
        R"({"type":"win","event_id":"cli%llu","bid_id":"%s","line_item":"li-acme-mrec-open","price":1.0,"ts":%lld})",
        static_cast<unsigned long long>(n), bid_id(100'000 + n).c_str(),
        static_cast<long long>(now_us().time_since_epoch().count() / 1000));
    return buf;
}

TEST(EventStream, StreamCommandSendsAFileAndReportsRejectedLines) {
    EngineProcess engine({"serve", "--shards", "2", "--stream-port", "0"});
    const auto scratch = std::filesystem::path(testing::TempDir()) / ("stream-cli-" + std::to_string(::getpid()));
    std::filesystem::create_directories(scratch);
    const auto good = scratch / "good.ndjson";
    {
        std::ofstream out(good);
        for (std::uint64_t i = 1; i <= 500; ++i) out << win_line(i) << "\n";
    }
    const std::string to = "--to " + engine.host() + ":" + std::to_string(engine.stream_port());
    StreamCliRun run = run_stream_cli("stream " + to + " --name cli '" + good.string() + "'", scratch);
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
    EXPECT_EQ(run.out, "acked 500, rejected 0\n") << run.err;

    const auto mixed = scratch / "mixed.ndjson";
    {
        std::ofstream out(mixed);
        out << win_line(501) << "\n"
            << "not json\n"
            << "\n"
            << win_line(502) << "\n";
    }
    run = run_stream_cli("stream " + to + " --name cli '" + mixed.string() + "'", scratch);
    EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
    EXPECT_EQ(run.out, "acked 2, rejected 1\n") << run.err;
    EXPECT_NE(run.err.find(mixed.string() + ":2: "), std::string::npos) << run.err;

    const StreamedFigures want{502, 0, 502 * 1'000};
    EXPECT_EQ(await_figures(engine, want), want);

    run = run_stream_cli("stream --to 127.0.0.1:1 --name cli --retries 0 '" + good.string() + "'", scratch);
    EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
    EXPECT_NE(run.err.find("connect"), std::string::npos) << run.err;
    std::filesystem::remove_all(scratch);
}

}  // namespace
}  // namespace bidline::test
