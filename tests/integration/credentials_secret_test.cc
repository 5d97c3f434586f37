// Platform credentials encrypted at rest: sealed by `bidline credentials
// set` from stdin, opened by `serve` with the key from a file or the
// environment, and never shown: not in the store file, not on stdout or
// stderr of any command or of the running engine, not in /v1/stats,
// /metrics or the event log. A wrong key is a clear error that shows no
// secret either.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "support/cli_run.h"
#include "support/engine_process.h"
#include "support/fixtures.h"
#include "support/http_client.h"
#include "support/scratch_dir.h"

namespace bidline::test {
namespace {

constexpr const char* kGoogleToken = "1//0gRefreshTokenGoogle-Zq8xT4vW9mK2pL7nB3cD";
constexpr const char* kMetaToken = "EAAGm0PX4ZCpsBAMetaLongLivedToken77QZ";

std::string everything_in(const std::filesystem::path& dir) {
    std::string all;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
        if (e.is_regular_file()) all += read_file(e.path());
    return all;
}

TEST(CredentialsSecret, SealedSecretsNeverAppearInOutputLogsOrStats) {
    const ScratchDir dir("bidline-credentials");
    const std::string key = (dir.path() / "credentials.key").string();
    const std::string store = (dir.path() / "credentials.txt").string();
    const CliRun keygen = run_bidline({"credentials", "keygen", "--out", key});
    ASSERT_EQ(keygen.exit_code, 0) << keygen.err;
    for (const auto& [name, secret] : {std::pair{"google_ads", kGoogleToken}, std::pair{"meta", kMetaToken}}) {
        const CliRun set = run_bidline({"credentials", "set", "--store", store, "--name", name,
                                        "--credentials-key-file", key},
                                       CliInput{std::string(secret) + "\n", {}});
        ASSERT_EQ(set.exit_code, 0) << set.err;
        EXPECT_EQ(set.out.find(secret), std::string::npos);
        EXPECT_EQ(set.err.find(secret), std::string::npos);
    }
    const std::string sealed = read_file(store);
    EXPECT_EQ(sealed.find(kGoogleToken), std::string::npos);
    EXPECT_EQ(sealed.find(kMetaToken), std::string::npos);
    const CliRun list = run_bidline({"credentials", "list", "--store", store, "--credentials-key-file", key});
    EXPECT_EQ(list.exit_code, 0) << list.err;
    EXPECT_EQ(list.out, "google_ads\nmeta\n");

    // The key from the environment this time.
    ::setenv("BIDLINE_CREDENTIALS_KEY", read_file(key).c_str(), 1);
    EngineProcess engine({"serve", "--credentials", store});
    ::unsetenv("BIDLINE_CREDENTIALS_KEY");
    HttpClient c(engine.host(), engine.port());
    std::string seen;
    for (const char* path : {"/v1/stats", "/metrics", "/v1/optimizer", "/v1/adjustments", "/dashboard"}) {
        const HttpResponse r = c.request("GET", path);
        EXPECT_EQ(r.status, 200) << path;
        seen += r.body;
    }
    ASSERT_TRUE(engine.stop().value_or(ExitStatus{}).clean()) << engine.describe();
    EXPECT_NE(engine.captured_stdout().find("bidline: 2 platform credentials loaded"), std::string::npos)
        << engine.describe();
    EXPECT_NE(engine.captured_stderr().find("2 platform credentials decrypted from " + store + " (google_ads, meta)"),
              std::string::npos)
        << engine.captured_stderr();
    for (const char* secret : {kGoogleToken, kMetaToken}) {
        EXPECT_EQ(engine.captured_stdout().find(secret), std::string::npos);
        EXPECT_EQ(engine.captured_stderr().find(secret), std::string::npos);
        EXPECT_EQ(seen.find(secret), std::string::npos);
        EXPECT_EQ(everything_in(engine.data_dir()).find(secret), std::string::npos);
    }
}

TEST(CredentialsSecret, AWrongOrMissingKeyIsAClearErrorWithoutTheSecret) {
    const ScratchDir dir("bidline-credentials");
    const std::string key = (dir.path() / "a.key").string(), other = (dir.path() / "b.key").string();
    const std::string store = (dir.path() / "credentials.txt").string();
    ASSERT_EQ(run_bidline({"credentials", "keygen", "--out", key}).exit_code, 0);
    ASSERT_EQ(run_bidline({"credentials", "keygen", "--out", other}).exit_code, 0);
    EXPECT_EQ(run_bidline({"credentials", "keygen", "--out", key}).exit_code, 2);  // never overwrites a key
    ASSERT_EQ(run_bidline({"credentials", "set", "--store", store, "--name", "tiktok", "--credentials-key-file", key},
                          CliInput{kGoogleToken, {}})
                  .exit_code,
              0);

    const CliRun wrong = run_bidline({"serve", "--credentials", store, "--credentials-key-file", other, "--port", "0",
                                      "--data-dir", (dir.path() / "data").string()});
    EXPECT_EQ(wrong.exit_code, 1);
    EXPECT_NE(wrong.err.find(store + ":2: credential \"tiktok\" does not decrypt: wrong key, or the file was altered"),
              std::string::npos)
        << wrong.err;
    EXPECT_EQ(wrong.err.find(kGoogleToken), std::string::npos);
    EXPECT_EQ(wrong.err.find(read_file(other).substr(0, 64)), std::string::npos);  // nor the key

    ::unsetenv("BIDLINE_CREDENTIALS_KEY");
    const CliRun none = run_bidline({"credentials", "list", "--store", store});
    EXPECT_EQ(none.exit_code, 1);
    EXPECT_NE(none.err.find("credentials need a key: --credentials-key-file FILE or BIDLINE_CREDENTIALS_KEY"),
              std::string::npos)
        << none.err;
}

}  // namespace
}  // namespace bidline::test
