// [engine] and [engine.limits] reject what the server could not run with,
// naming the line and key.
#include <gtest/gtest.h>

#include "config_test_files.h"

namespace bidline {
namespace {

using config_test::load_error;

TEST(EngineValidation, TypoedKeyReportsItsLineAndASuggestion) {
    const std::string text =
        "# bidline\n"
        "\n"
        "[engine]\n"
        "listen = \"127.0.0.1:8080\"\n"
        "data_dir = \"data\"\n"
        "control_tick_ms = 250\n"
        "shard = 2\n";
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), 7);
    EXPECT_EQ(e.field(), "engine.shard");
    EXPECT_EQ(e.reason(), "unknown key (did you mean \"shards\"?)");
    EXPECT_EQ(std::string(e.what()), e.file() + ":7: engine.shard: unknown key (did you mean \"shards\"?)");
}

TEST(EngineValidation, UnrelatedUnknownKeyHasNoSuggestion) {
    const ConfigError e = load_error("[engine]\ncolour = \"blue\"\n");
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.field(), "engine.colour");
    EXPECT_EQ(e.reason(), "unknown key");
}

TEST(EngineValidation, FirstOfSeveralUnknownKeysIsReported) {
    const ConfigError e = load_error("[engine]\nshards = 1\nzzz = 1\naaa = 2\n");
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.field(), "engine.zzz");
}

TEST(EngineValidation, ListenMustBeHostColonPort) {
    for (const char* bad : {"localhost", "127.0.0.1:", ":8080", "127.0.0.1:70000", "127.0.0.1:http", "::1:8080"}) {
        const std::string text = "[engine]\n\nlisten = \"" + std::string(bad) + "\"\n";
        const ConfigError e = load_error(text);
        EXPECT_EQ(e.line(), 3) << bad;
        EXPECT_EQ(e.field(), "engine.listen") << bad;
        EXPECT_EQ(e.reason(),
                  "expected host:port (e.g. \"127.0.0.1:8080\" or \"[::1]:8080\"), got \"" + std::string(bad) + "\"");
    }
}

TEST(EngineValidation, ListenMustBeAString) {
    const ConfigError e = load_error("[engine]\nlisten = 8080\n");
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.field(), "engine.listen");
    EXPECT_EQ(e.reason(), "expected a string, got an integer");
}

TEST(EngineValidation, ShardsAtMost256) {
    const ConfigError e = load_error("[engine]\nshards = 257\n");
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.field(), "engine.shards");
    EXPECT_EQ(e.reason(), "must be between 0 and 256, got 257");
    EXPECT_EQ(load_error("[engine]\nshards = -1\n").reason(), "must be between 0 and 256, got -1");
    EXPECT_EQ(load_error("[engine]\nshards = \"2\"\n").reason(), "expected an integer, got a string");
    EXPECT_EQ(load_error("[engine]\nshards = 2.0\n").reason(), "expected an integer, got a float");
}

TEST(EngineValidation, ControlTickIsPositive) {
    const ConfigError e = load_error("[engine]\ncontrol_tick_ms = 0\n");
    EXPECT_EQ(e.field(), "engine.control_tick_ms");
    EXPECT_EQ(e.reason(), "must be between 1 and 60000, got 0");
}

TEST(EngineValidation, DataDirMustNotBeEmpty) {
    const ConfigError e = load_error("[engine]\ndata_dir = \"\"\n");
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.field(), "engine.data_dir");
    EXPECT_EQ(e.reason(), "must not be empty");
}

TEST(EngineValidation, NoticeBaseUrlMustBeHttp) {
    const ConfigError e = load_error("[engine]\nnotice_base_url = \"ftp://x\"\n");
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.field(), "engine.notice_base_url");
    EXPECT_EQ(e.reason(), "must start with http:// or https://, got \"ftp://x\"");
}

TEST(EngineValidation, TlsCertificateAndKeyGoTogetherBesideTheFile) {
    const ConfigError e = load_error("[engine]\ntls_cert = \"server.pem\"\n");
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.field(), "engine.tls_cert");
    EXPECT_EQ(e.reason(), "tls_cert and tls_key go together: give both or neither");

    const ConfigError empty = load_error("[engine]\ntls_cert = \"server.pem\"\ntls_key = \"\"\n");
    EXPECT_EQ(empty.line(), 3);
    EXPECT_EQ(empty.field(), "engine.tls_key");
    EXPECT_EQ(empty.reason(), "must name a PEM file");

    const auto path = config_test::write_temp_file("[engine]\ntls_cert = \"server.pem\"\ntls_key = \"/etc/k.pem\"\n");
    const Config c = load_config_file(path);
    EXPECT_EQ(c.engine.tls_cert, (path.parent_path() / "server.pem").string());  // relative: beside the file
    EXPECT_EQ(c.engine.tls_key, "/etc/k.pem");
}

TEST(EngineValidation, LimitsArePositiveAndKnown) {
    const std::string text = "[engine]\n[engine.limits]\nmax_header_bytes = 8192\nmax_body_bytes = 0\n";
    const ConfigError e = load_error(text);
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.field(), "engine.limits.max_body_bytes");
    EXPECT_EQ(e.reason(), "must be between 1 and 4294967295, got 0");

    const ConfigError typo = load_error("[engine.limits]\nidle_timeout = 5\n");
    EXPECT_EQ(typo.line(), 2);
    EXPECT_EQ(typo.field(), "engine.limits.idle_timeout");
    EXPECT_EQ(typo.reason(), "unknown key (did you mean \"idle_timeout_ms\"?)");
}

TEST(EngineValidation, EngineMustBeATable) {
    const ConfigError e = load_error("engine = 3\n");
    EXPECT_EQ(e.line(), 1);
    EXPECT_EQ(e.field(), "engine");
    EXPECT_EQ(e.reason(), "expected a table, got an integer");
}

}  // namespace
}  // namespace bidline
