// The control thread's online learners: rows the bid path scored, joined to
// their win, click and conversion in any arrival order, become labelled
// training rows — a click within the window is a positive, silence past it
// a negative — and the learners end exactly where an FtrlLearner fed the
// same rows ends; state survives a restart; a damaged state file is set
// aside, not trusted.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "bidline/engine/online_learning.h"

namespace bidline {
namespace {

namespace fs = std::filesystem;
constexpr std::int64_t kSecond = 1'000'000;
constexpr std::int64_t kT0 = 1'700'000'000 * kSecond;

OnlineLearningSettings settings() {
    OnlineLearningSettings s;
    s.hash_bits = 12;
    s.click_window = std::chrono::seconds(60);
    s.conversion_window = std::chrono::seconds(600);
    s.min_impressions = 0;
    return s;
}

// A row as the bid path builds it: site `site`, line item hash `line_item`.
BidFeatures row(std::uint64_t bid_key, float site, float line_item = 7) {
    BidFeatures f;
    f.bid_key = bid_key;
    f.row.fill(std::nanf(""));
    f.row[static_cast<std::size_t>(models::Feature::domain_or_bundle_hash)] = site;
    f.row[static_cast<std::size_t>(models::Feature::line_item_hash)] = line_item;
    f.row[static_cast<std::size_t>(models::Feature::hour_of_day)] = 10;
    return f;
}

double predict(const models::FtrlSnapshot& w, const BidFeatures& f) {
    models::FtrlFeatures x;
    models::encode_ftrl_features(std::span<const float, models::kFeatureCount>(f.row), x);
    return w.predict(x.view());
}

TEST(OnlineLearning, ClicksWithinTheWindowArePositivesAndSilenceIsANegative) {
    OnlineLearning online(settings(), {});
    // Bids 1..4 win at t0; 1 and 3 are clicked within the minute.
    for (std::uint64_t k = 1; k <= 4; ++k) {
        online.note_features(row(k, 100));
        online.note_win(k, kT0);
    }
    online.note_click(1, kT0 + 5 * kSecond);
    online.note_click(3, kT0 + 50 * kSecond);
    online.tick(kT0 + 59 * kSecond);
    EXPECT_EQ(online.click_stats().rows, 0u);  // rows are learned when their window closes
    online.tick(kT0 + 60 * kSecond);
    EXPECT_EQ(online.click_stats().rows, 4u);
    EXPECT_EQ(online.click_stats().positives, 2u);
    online.note_click(4, kT0 + 61 * kSecond);  // too late: already learned as a negative
    online.tick(kT0 + 200 * kSecond);
    EXPECT_EQ(online.click_stats().rows, 4u);
    EXPECT_EQ(online.click_stats().positives, 2u);

    // Conversions: clicked impressions are the conversion learner's rows,
    // each waiting conversion_window from its click.
    online.note_conversion(1, kT0 + 100 * kSecond);
    online.tick(kT0 + 604 * kSecond);
    EXPECT_EQ(online.conversion_stats().rows, 0u);
    online.tick(kT0 + 605 * kSecond);  // click 1's window closes: a positive
    EXPECT_EQ(online.conversion_stats().rows, 1u);
    EXPECT_EQ(online.conversion_stats().positives, 1u);
    online.tick(kT0 + 650 * kSecond);  // click 3's: a negative
    EXPECT_EQ(online.conversion_stats().rows, 2u);
    EXPECT_EQ(online.conversion_stats().positives, 1u);
}

TEST(OnlineLearning, ArrivalOrderDoesNotMatter) {
    OnlineLearning online(settings(), {});
    online.note_win(1, kT0);  // the win overtakes the row
    online.note_features(row(1, 100));
    online.note_click(2, kT0);  // the click overtakes both
    online.note_features(row(2, 100));
    online.note_features(row(3, 100));
    online.note_click(3, kT0);  // clicked, its win never reported: the click proves the impression
    online.note_win(5, kT0);    // a win whose row never comes: nothing to learn
    online.tick(kT0 + 120 * kSecond);
    EXPECT_EQ(online.click_stats().rows, 3u);
    EXPECT_EQ(online.click_stats().positives, 2u);
}

TEST(OnlineLearning, LearnsExactlyWhatAnFtrlLearnerFedTheSameRowsLearns) {
    OnlineLearningSettings s = settings();
    OnlineLearning online(s, {});
    models::FtrlLearner reference({.alpha = s.alpha, .beta = s.beta, .lambda1 = s.lambda1, .lambda2 = s.lambda2,
                                   .hash_bits = s.hash_bits});
    // Site 100 is clicked on every 4th impression, site 200 never. Rows are
    // learned in impression order, when their window closes.
    for (std::uint64_t k = 1; k <= 400; ++k) {
        const BidFeatures f = row(k, k % 2 ? 100 : 200);
        online.note_features(f);
        online.note_win(k, kT0 + static_cast<std::int64_t>(k));
        if (k % 8 == 1) online.note_click(k, kT0 + static_cast<std::int64_t>(k));
        models::FtrlFeatures x;
        models::encode_ftrl_features(std::span<const float, models::kFeatureCount>(f.row), x);
        reference.update(x.view(), k % 8 == 1 ? 1.0 : 0.0);
    }
    online.tick(kT0 + 3600 * kSecond);
    ASSERT_NE(online.published(), nullptr);
    const OnlineModel& m = *online.published();
    const auto expected = reference.snapshot();
    for (float site : {100.0f, 200.0f, 300.0f}) EXPECT_EQ(predict(m.click, row(0, site)), predict(expected, row(0, site)));
    EXPECT_GT(predict(m.click, row(0, 100)), 2 * predict(m.click, row(0, 200)));
    EXPECT_EQ(OnlineModel::learned(m.impressions, 7), 400.0);
    EXPECT_EQ(OnlineModel::learned(m.clicks, 7), 50.0);  // every click, once its conversion window closed
    EXPECT_EQ(OnlineModel::learned(m.impressions, 8), 0.0);
}

class OnlineLearningState : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("bidline_online_" + std::to_string(::getpid()));
        fs::remove_all(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
};

TEST_F(OnlineLearningState, AResumedLearnerPredictsAsItStopped) {
    double before = 0;
    {
        OnlineLearning online(settings(), dir_);
        for (std::uint64_t k = 1; k <= 50; ++k) {
            online.note_features(row(k, 100));
            online.note_win(k, kT0);
            if (k % 5 == 0) online.note_click(k, kT0);
        }
        online.tick(kT0 + 3600 * kSecond);
        before = predict(online.published()->click, row(0, 100));
        online.save();
    }
    OnlineLearning resumed(settings(), dir_);
    ASSERT_NE(resumed.published(), nullptr);  // published at once: the bid path needs no new rows
    EXPECT_EQ(predict(resumed.published()->click, row(0, 100)), before);
    EXPECT_EQ(OnlineModel::learned(resumed.published()->impressions, 7), 50.0);
    EXPECT_EQ(OnlineModel::learned(resumed.published()->clicks, 7), 10.0);
}

TEST_F(OnlineLearningState, ADamagedStateFileIsSetAsideAndLearningStartsAfresh) {
    fs::create_directories(dir_);
    std::ofstream(dir_ / "click.ftrl") << "not a learner";
    OnlineLearning online(settings(), dir_);
    EXPECT_EQ(online.published(), nullptr);
    EXPECT_TRUE(fs::exists(dir_ / "click.ftrl.corrupt"));
    EXPECT_FALSE(fs::exists(dir_ / "click.ftrl"));
}

}  // namespace
}  // namespace bidline
