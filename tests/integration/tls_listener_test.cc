// TLS on the HTTP listener, as an operator turns it on and a client uses it:
// a certificate made with the openssl command line, the real binary given
// it through [engine] tls_cert / tls_key (or --tls-cert / --tls-key), and
// curl verifying the certificate. Bids, notices, a batch of events larger
// than a TLS record and keep-alive all work over HTTPS; a plain-HTTP client
// on the TLS port is turned away without stopping anyone else; files that
// cannot serve are clear errors at start.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "support/cli_run.h"
#include "support/engine_process.h"
#include "support/fixtures.h"
#include "support/http_client.h"
#include "support/mini_config.h"
#include "support/scratch_dir.h"

namespace bidline::test {
namespace {

constexpr const char* kOpenssl = "/usr/bin/openssl";
constexpr const char* kCurl = "/usr/bin/curl";

// A self-signed certificate for 127.0.0.1, as `openssl req` makes one.
void make_certificate(const std::filesystem::path& dir, const std::string& name) {
    const CliRun r = run_program(kOpenssl, {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                                            "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                                            "subjectAltName=IP:127.0.0.1", "-keyout", (dir / (name + ".key")).string(),
                                            "-out", (dir / (name + ".pem")).string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
}

struct Answer {
    int status = 0;
    std::string body;
};

// curl verifying the engine's certificate against `ca`; extra arguments
// before the URL. The status code follows the body on its own line.
Answer curl(const std::filesystem::path& ca, const std::string& url, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"-sS", "--cacert", ca.string(), "-w", "\n%{http_code}"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(url);
    const CliRun r = run_program(kCurl, args);
    EXPECT_EQ(r.exit_code, 0) << "curl " << url << ": " << r.err;
    Answer a;
    const std::size_t nl = r.out.rfind('\n');
    if (nl == std::string::npos) return a;
    a.status = std::atoi(r.out.c_str() + nl + 1);
    a.body = r.out.substr(0, nl);
    return a;
}

// The value of the first "key":"..." string in a JSON text.
std::string json_string(const std::string& json, const std::string& key) {
    const std::string marker = "\"" + key + "\":\"";
    const std::size_t at = json.find(marker);
    if (at == std::string::npos) return {};
    const std::size_t start = at + marker.size();
    return json.substr(start, json.find('"', start) - start);
}

TEST(TlsListener, BidsNoticesEventsAndKeepAliveWorkOverHttpsWithTheConfiguredCertificate) {
    MiniConfig mini;
    mini.engine = "tls_cert = \"tls-engine.pem\"\ntls_key = \"tls-engine.key\"\n";  // beside the configuration file
    const auto config = write_mini_config("tls.toml", mini);
    make_certificate(config.parent_path(), "tls-engine");
    EngineProcess engine({"serve", "--config", config.string()});
    const std::string base = "https://127.0.0.1:" + std::to_string(engine.port());
    EXPECT_NE(engine.captured_stdout().find("listening on " + base), std::string::npos) << engine.describe();
    const auto ca = config.parent_path() / "tls-engine.pem";

    EXPECT_EQ(curl(ca, base + "/healthz").status, 200);

    // A bid over HTTPS, whose notice URLs point back at HTTPS.
    const Answer bid = curl(ca, base + "/openrtb2/bid",
                            {"-H", "Content-Type: application/json", "--data-binary",
                             "@" + simple_banner_request_file().string()});
    ASSERT_EQ(bid.status, 200) << bid.body << engine.describe();
    const std::string nurl = json_string(bid.body, "nurl");
    ASSERT_EQ(nurl.rfind(base + "/v1/notice/win", 0), 0u) << bid.body;
    std::string win = nurl;
    for (std::size_t at; (at = win.find("${AUCTION_PRICE}")) != std::string::npos;) win.replace(at, 16, "0.5");
    EXPECT_EQ(curl(ca, win).status, 200);

    // 400 events in one body: many TLS records in, one durable answer out.
    std::string ndjson;
    for (int i = 0; i < 400; ++i) ndjson += mini_win_event(i) + "\n";
    ASSERT_GT(ndjson.size(), 32u * 1024);  // two TLS records at least
    const auto events = config.parent_path() / "events.ndjson";
    std::ofstream(events, std::ios::binary) << ndjson;
    const Answer posted = curl(ca, base + "/v1/events",
                               {"-H", "Content-Type: application/x-ndjson", "--data-binary", "@" + events.string()});
    EXPECT_EQ(posted.status, 200) << posted.body;
    EXPECT_NE(posted.body.find("\"accepted\":400"), std::string::npos) << posted.body;

    // Two requests in one curl run share one connection (keep-alive).
    const CliRun two = run_program(kCurl, {"-sS", "--cacert", ca.string(), "-o", "/dev/null", "-o", "/dev/null", "-w",
                                           "%{http_code} %{num_connects}\n", base + "/healthz", base + "/v1/stats"});
    EXPECT_EQ(two.out, "200 1\n200 0\n") << two.err;

    // The stats answer (far more than one 16 KiB record) arrives whole.
    const Answer stats = curl(ca, base + "/v1/stats");
    EXPECT_EQ(stats.status, 200);
    EXPECT_EQ(stats.body.back(), '}');
}

TEST(TlsListener, APlainHttpClientIsTurnedAwayAndOthersAreStillServed) {
    const ScratchDir dir("bidline-tls");
    make_certificate(dir.path(), "engine");
    const auto ca = dir.path() / "engine.pem";
    EngineProcess engine({"serve", "--tls-cert", ca.string(), "--tls-key", (dir.path() / "engine.key").string()});
    const std::string base = "https://127.0.0.1:" + std::to_string(engine.port());

    // Plain HTTP on the TLS port gets a plain 400 that says what to do.
    HttpClient plain(engine.host(), engine.port());
    const HttpResponse r = plain.request("GET", "/healthz");
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("\"error\":\"https_required\""), std::string::npos) << r.body;

    // A client that does not trust the certificate is refused by its own side.
    const CliRun untrusting = run_program(kCurl, {"-sS", "-o", "/dev/null", base + "/healthz"});
    EXPECT_NE(untrusting.exit_code, 0);

    EXPECT_EQ(curl(ca, base + "/healthz").status, 200);
    EXPECT_TRUE(engine.running());
}

TEST(TlsListener, FilesThatCannotServeAreClearErrorsAtStart) {
    const ScratchDir dir("bidline-tls-bad");
    make_certificate(dir.path(), "one");
    make_certificate(dir.path(), "two");
    const std::string one = (dir.path() / "one.pem").string(), two_key = (dir.path() / "two.key").string();

    const CliRun missing = run_bidline({"serve", "--port", "0", "--data-dir", (dir.path() / "d1").string(),
                                        "--tls-cert", (dir.path() / "absent.pem").string(), "--tls-key", two_key});
    EXPECT_NE(missing.exit_code, 0);
    EXPECT_NE(missing.err.find("TLS certificate " + (dir.path() / "absent.pem").string()), std::string::npos)
        << missing.err;

    const CliRun mismatched = run_bidline({"serve", "--port", "0", "--data-dir", (dir.path() / "d2").string(),
                                           "--tls-cert", one, "--tls-key", two_key});
    EXPECT_NE(mismatched.exit_code, 0);
    EXPECT_NE(mismatched.err.find("TLS key " + two_key + ": "), std::string::npos) << mismatched.err;
    EXPECT_NE(mismatched.err.find("mismatch"), std::string::npos) << mismatched.err;

    const CliRun streamed = run_bidline({"serve", "--port", "0", "--tls-cert", one, "--tls-key",
                                         (dir.path() / "one.key").string(), "--redis-stream", "redis://127.0.0.1/feed"});
    EXPECT_EQ(streamed.exit_code, 2);
    EXPECT_NE(streamed.err.find("--redis-stream cannot be combined with TLS"), std::string::npos) << streamed.err;

    const CliRun half = run_bidline({"serve", "--port", "0", "--tls-cert", one});
    EXPECT_EQ(half.exit_code, 2);
    EXPECT_NE(half.err.find("--tls-cert and --tls-key go together"), std::string::npos) << half.err;
}

}  // namespace
}  // namespace bidline::test
