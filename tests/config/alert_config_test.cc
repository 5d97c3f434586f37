// [alerts]: the alert rules' thresholds and the webhook URL.
#include <gtest/gtest.h>

#include "config_test_files.h"

namespace bidline {
namespace {

using config_test::load_error;

TEST(AlertConfig, DefaultsAreTheProductBriefsRules) {
    const Config c = load_config_text("[engine]\nshards = 1\n", "t.toml");
    EXPECT_TRUE(c.alerts.enabled);
    EXPECT_DOUBLE_EQ(c.alerts.ctr_drop_ratio, 0.8);
    EXPECT_DOUBLE_EQ(c.alerts.cpc_over_target, 0.2);
    EXPECT_DOUBLE_EQ(c.alerts.budget_used, 0.95);
    EXPECT_DOUBLE_EQ(c.alerts.early_plan_share, 0.5);
    EXPECT_EQ(c.alerts.stall_minutes, 30);
    EXPECT_DOUBLE_EQ(c.alerts.drift_psi, 0.25);
    EXPECT_EQ(c.alerts.webhook, "");
}

TEST(AlertConfig, KeysAreReadAndTheWebhookIsParsed) {
    const Config c = load_config_text(
        "[alerts]\nbudget_used = 0.9\nstall_minutes = 5\nevaluate_every_ms = 200\n"
        "webhook = \"http://127.0.0.1:9000/hooks/alerts\"\nwebhook_retries = 3\n",
        "t.toml");
    EXPECT_DOUBLE_EQ(c.alerts.budget_used, 0.9);
    EXPECT_EQ(c.alerts.stall_minutes, 5);
    EXPECT_EQ(c.alerts.evaluate_every_ms, 200);
    EXPECT_EQ(c.alerts.webhook_retries, 3);
    const auto url = parse_http_url(c.alerts.webhook);
    ASSERT_TRUE(url);
    EXPECT_EQ(url->host, "127.0.0.1");
    EXPECT_EQ(url->port, 9000);
    EXPECT_EQ(url->path, "/hooks/alerts");
    const auto bare = parse_http_url("http://alerts.example");
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->port, 80);
    EXPECT_EQ(bare->path, "/");
}

TEST(AlertConfig, BadValuesNameTheLineAndField) {
    ConfigError e = load_error("[alerts]\n\nwebhook = \"https://hooks.example/x\"\n");
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.field(), "alerts.webhook");
    EXPECT_EQ(e.reason(), "expected http://HOST[:PORT]/PATH (plain HTTP)");
    e = load_error("[alerts]\nbudget_used = 1.5\n");
    EXPECT_EQ(e.field(), "alerts.budget_used");
    EXPECT_EQ(e.reason(), "must be in [0.01, 1]");
    e = load_error("[alerts]\nstall_minute = 5\n");
    EXPECT_EQ(e.field(), "alerts.stall_minute");
    e = load_error("[alerts]\nctr_window_minutes = 720\nctr_trailing_minutes = 1000\n");
    EXPECT_EQ(e.field(), "alerts.ctr_trailing_minutes");
}

}  // namespace
}  // namespace bidline
