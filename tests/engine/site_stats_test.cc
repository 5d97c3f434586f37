// Line item × site history for the model features: wins, clicks and
// conversions land on the site of their bid, the line item's totals are the
// priors, unknown bids change nothing, and the published table reads back
// exactly what was counted.
#include <gtest/gtest.h>

#include "bidline/engine/site_stats.h"

namespace bidline {
namespace {

TEST(SiteStats, OutcomesCountOnTheSiteOfTheirBid) {
    SiteStatsBook book;
    const std::uint32_t news = site_key("news.example.com"), games = site_key("games.example.com");
    ASSERT_NE(news, games);
    for (std::uint64_t k = 1; k <= 10; ++k) {
        book.note_bid(k, 3, k <= 8 ? news : games, 0);
        book.note_win(k);
    }
    book.note_click(1);
    book.note_click(2);
    book.note_conversion(2);
    book.note_click(999);  // a bid the book never saw: nothing to count
    const auto table = book.publish();
    const models::OutcomeStats n = table->lookup(3, news);
    EXPECT_TRUE(n.present);
    EXPECT_EQ(n.impressions, 8);
    EXPECT_EQ(n.clicks, 2);
    EXPECT_EQ(n.conversions, 1);
    const models::OutcomeStats g = table->lookup(3, games);
    EXPECT_EQ(g.impressions, 2);
    EXPECT_EQ(g.clicks, 0);
    // Priors: the line item's rates over all its sites, smoothed.
    EXPECT_NEAR(n.prior_ctr, (2 + models::kPriorCtr * models::kPriorImpressions) / (10 + models::kPriorImpressions), 1e-9);
    EXPECT_NEAR(n.prior_cvr, (1 + models::kPriorCvr * models::kPriorClicks) / (2 + models::kPriorClicks), 1e-9);
}

TEST(SiteStats, UnknownPairsArePresentWithZeroCountsAndNoSiteIsMissing) {
    SiteStatsBook book;
    const auto table = book.publish();
    const models::OutcomeStats s = table->lookup(0, site_key("never.example"));
    EXPECT_TRUE(s.present);  // zero history is knowledge: the prior alone
    EXPECT_EQ(s.impressions, 0);
    EXPECT_EQ(s.prior_ctr, models::kPriorCtr);
    EXPECT_FALSE(table->lookup(0, 0).present);  // no site in the request
    EXPECT_EQ(site_key(""), 0u);
}

TEST(SiteStats, KeepsTheBidsScoreForCalibration) {
    SiteStatsBook book;
    book.note_bid(42, 1, site_key("a.example"), 7);
    EXPECT_EQ(book.score_of(42), 7);
    EXPECT_EQ(book.score_of(43), 0);
}

}  // namespace
}  // namespace bidline
