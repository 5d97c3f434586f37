// bidline stream: sends an NDJSON events file over the binary event stream
// (feeds/README.md, "Binary event stream") and waits until every event is
// acknowledged, reconnecting and resending after a dropped connection.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "bidline/engine/cli_args.h"
#include "bidline/feeds/event_line_parser.h"
#include "bidline/feeds/event_stream_client.h"
#include "main/commands.h"
#include "main/client_key.h"
#include "main/host_port.h"

namespace bidline {
namespace {

constexpr const char* kStreamHelp =
    R"(usage: bidline stream --to HOST:PORT --name NAME [--key-file FILE] [--timeout SECONDS] [--retries N] FILE.ndjson

Sends the events of FILE (NDJSON, the POST /v1/events format; feeds/README.md)
over the binary event stream of `bidline serve --stream-port N` and waits until
the engine has made every one durable. NAME identifies the stream (e.g. the
connector's id): a later run with the same name continues its numbering.
A dropped connection is re-established (up to --retries times, default 10) and
everything not yet acknowledged is resent; duplicates count once.
Lines that do not parse, or that the engine rejects, are reported on stderr as
FILE:LINE: REASON. Prints "acked N, rejected M"; exit 0 if nothing was
rejected, 1 otherwise (or when the engine cannot be reached), 2 on usage errors.
An engine with API keys takes the stream only with a key of the `events` scope:
--key-file names a file whose first line is the key.
)";

bool retryable(const feeds::StreamStatus& s) {
    return s.code == feeds::StreamErrc::disconnected || s.code == feeds::StreamErrc::timeout ||
           s.code == feeds::StreamErrc::connect_failed;
}

}  // namespace

int stream_command(const Args& argv) {
    const CliArgs args(argv, {"to", "name", "timeout", "retries", "key-file"}, {"help"});
    if (args.has("help")) {
        std::fputs(kStreamHelp, stdout);
        return 0;
    }
    if (args.positional().size() != 1) throw CliError("expected one FILE.ndjson (see --help)");
    const std::string file = args.positional()[0];
    const HostPort target = parse_host_port("to", args.required("to"));
    feeds::StreamClientOptions options;
    options.host = target.host;
    options.port = target.port;
    options.name = args.required("name");
    if (options.name.empty() || options.name.size() > 63) throw CliError("--name: 1 to 63 printable characters");
    options.timeout = std::chrono::seconds(args.integer("timeout", 10, 1, 3600));
    if (auto f = args.get("key-file")) options.api_key = read_client_key("key-file", *f);
    const long retries = args.integer("retries", 10, 0, 1000);

    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "bidline stream: %s: cannot open\n", file.c_str());
        return 1;
    }

    feeds::EventStreamClient client(options);
    long attempts = 0;
    std::string connect_error;  // why the last connect failed, for the final message
    // Runs `step`; on a dropped connection reconnects (resending the unacknowledged) and tries again.
    const auto with_retries = [&](const auto& step) -> feeds::StreamStatus {
        for (;;) {
            feeds::StreamStatus s =
                client.connected() ? step() : feeds::StreamStatus{feeds::StreamErrc::disconnected, connect_error};
            if (s.ok() || !retryable(s) || attempts >= retries) return s;
            ++attempts;
            if (client.connected()) client.disconnect();
            std::this_thread::sleep_for(std::chrono::milliseconds(200 * std::min<long>(attempts, 10)));
            const auto c = client.connect();
            connect_error = c.message;
            if (!c.ok() && !retryable(c)) return c;
        }
    };

    if (auto s = client.connect(); !s.ok()) {
        connect_error = s.message;
        if (!retryable(s) || (s = with_retries([] { return feeds::StreamStatus{}; }), !s.ok())) {
            std::fprintf(stderr, "bidline stream: %s\n", s.message.c_str());
            return 1;
        }
    }
    const std::uint64_t first_seq = client.last_seq() + 1;
    std::vector<std::uint32_t> line_of;  // by seq - first_seq
    feeds::EventLineParser parser;
    feeds::Event event;
    std::string line;
    std::uint32_t line_number = 0, parse_rejected = 0;
    while (std::getline(in, line)) {
        ++line_number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (feeds::detail::is_blank(line)) continue;
        if (const feeds::FeedError err = parser.parse_line(line, event); !err.ok()) {
            std::fprintf(stderr, "%s:%u: %.*s\n", file.c_str(), line_number, static_cast<int>(err.message().size()),
                         err.message().data());
            ++parse_rejected;
            continue;
        }
        line_of.push_back(line_number);
        // The event is queued even when the write fails: retry by flushing, never by sending it again.
        feeds::StreamStatus s = client.send(event);
        if (!s.ok() && retryable(s)) s = with_retries([&] { return client.flush(); });
        if (!s.ok()) {
            std::fprintf(stderr, "bidline stream: %s\n", s.message.c_str());
            return 1;
        }
    }
    if (auto s = with_retries([&] { return client.wait_all_acked(); }); !s.ok()) {
        std::fprintf(stderr, "bidline stream: %s\n", s.message.c_str());
        return 1;
    }
    for (const feeds::StreamRejection& r : client.rejections()) {
        const std::uint64_t i = r.seq - first_seq;
        std::fprintf(stderr, "%s:%u: %s\n", file.c_str(), i < line_of.size() ? line_of[i] : 0u, r.reason.c_str());
    }
    const std::size_t rejected = parse_rejected + client.rejections().size();
    std::printf("acked %zu, rejected %zu\n", line_of.size() - client.rejections().size(), rejected);
    return rejected == 0 ? 0 : 1;
}

}  // namespace bidline
