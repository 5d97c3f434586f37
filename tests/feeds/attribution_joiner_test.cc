// Clicks and conversions join to their impression's line item within the
// window, in any arrival order; orphans are counted; every event lands in
// its own hour.
#include "bidline/feeds/attribution_joiner.h"

#include <gtest/gtest.h>

namespace bidline::feeds {
namespace {

using namespace std::chrono;

const UtcMicros t0{sys_days{year{2026} / 11 / 23} + hours{10}};

Event make(EventKind kind, std::string_view id, std::string_view bid, UtcMicros ts, std::string_view line_item = "") {
    Event e;
    e.kind = kind;
    (void)e.event_id.assign(id);
    (void)e.bid_id.assign(bid);
    (void)e.line_item_id.assign(line_item);
    e.ts = ts;
    return e;
}

Event conversion(std::string_view id, std::string_view bid, UtcMicros ts, std::int64_t value_micros,
                 std::string_view currency = "USD") {
    Event e = make(EventKind::conversion, id, bid, ts);
    e.value = Micros(value_micros);
    (void)e.currency.assign(currency);
    return e;
}

TEST(AttributionJoiner, ClickJoinsToItsImpressionsLineItemInTheClicksHour) {
    AttributionJoiner joiner;
    const JoinResult imp = joiner.on_event(make(EventKind::impression, "i1", "b1", t0 + minutes{50}, "li-a"), t0);
    EXPECT_EQ(imp.status, JoinStatus::anchored);
    EXPECT_EQ(imp.line_item, "li-a");
    const JoinResult click = joiner.on_event(make(EventKind::click, "c1", "b1", t0 + minutes{70}), t0 + hours{1});
    EXPECT_EQ(click.status, JoinStatus::joined);
    EXPECT_EQ(click.line_item, "li-a");
    EXPECT_EQ(click.bucket, t0 + hours{1});
    EXPECT_EQ(joiner.stats("li-a", t0).impressions, 1);
    EXPECT_EQ(joiner.stats("li-a", t0).clicks, 0);
    EXPECT_EQ(joiner.stats("li-a", t0 + hours{1}).clicks, 1);
}

TEST(AttributionJoiner, JoinsByRequestAndImpIdWhenThereIsNoBidId) {
    AttributionJoiner joiner;
    Event imp = make(EventKind::impression, "i1", "", t0, "li-a");
    (void)imp.request_id.assign("r1");
    (void)imp.imp_id.assign("1");
    Event click = make(EventKind::click, "c1", "", t0 + minutes{1});
    (void)click.request_id.assign("r1");
    (void)click.imp_id.assign("1");
    Event other = click;
    (void)other.request_id.assign("r2");
    joiner.on_event(imp, t0);
    EXPECT_EQ(joiner.on_event(click, t0).status, JoinStatus::joined);
    EXPECT_EQ(joiner.on_event(other, t0).status, JoinStatus::orphan);
}

TEST(AttributionJoiner, WinsAddSpendAndConversionsAddValueInTheAccountCurrency) {
    AttributionJoiner joiner;
    Event win = make(EventKind::win, "w1", "b1", t0, "li-a");
    win.price = Micros(1250);
    joiner.on_event(win, t0);
    joiner.on_event(conversion("v1", "b1", t0 + minutes{5}, 19'990'000), t0);
    joiner.on_event(conversion("v2", "b1", t0 + minutes{6}, 5'000'000, "EUR"), t0);
    const HourStats s = joiner.stats("li-a", t0);
    EXPECT_EQ(s.wins, 1);
    EXPECT_EQ(s.spend, Micros(1250));
    EXPECT_EQ(s.conversions, 2);
    EXPECT_EQ(s.conversion_value, Micros(19'990'000));
    EXPECT_EQ(s.foreign_currency_conversions, 1);
}

TEST(AttributionJoiner, OutcomeOutsideTheWindowIsAnOrphan) {
    AttributionJoiner joiner(JoinerSettings{.click_window = hours{1}, .conversion_window = hours{2}});
    joiner.on_event(make(EventKind::impression, "i1", "b1", t0, "li-a"), t0);
    const JoinResult late = joiner.on_event(make(EventKind::click, "c1", "b1", t0 + minutes{61}), t0 + minutes{61});
    EXPECT_EQ(late.status, JoinStatus::orphan);
    EXPECT_EQ(late.orphan_reason, OrphanReason::outside_window);
    EXPECT_EQ(joiner.on_event(conversion("v1", "b1", t0 + minutes{61}, 0), t0).status, JoinStatus::joined);
    EXPECT_EQ(joiner.stats("", t0 + hours{1}).orphan_clicks, 1);
    EXPECT_EQ(joiner.open_orphans(), 1);
}

TEST(AttributionJoiner, ClickBeforeItsImpressionIsAdoptedWhenTheImpressionArrives) {
    AttributionJoiner joiner;
    const JoinResult early = joiner.on_event(make(EventKind::click, "c1", "b1", t0 + minutes{2}), t0);
    EXPECT_EQ(early.status, JoinStatus::orphan);
    EXPECT_EQ(early.orphan_reason, OrphanReason::no_anchor);
    EXPECT_EQ(joiner.stats("", t0).orphan_clicks, 1);
    const JoinResult imp =
        joiner.on_event(make(EventKind::impression, "i1", "b1", t0 + minutes{1}, "li-a"), t0 + seconds{30});
    EXPECT_EQ(imp.orphans_adopted, 1u);
    EXPECT_EQ(joiner.stats("", t0).orphan_clicks, 0);
    EXPECT_EQ(joiner.stats("li-a", t0).clicks, 1);
    EXPECT_EQ(joiner.open_orphans(), 0);
}

TEST(AttributionJoiner, LateEventsLandInTheirOwnHour) {
    AttributionJoiner joiner;
    const UtcMicros yesterday = t0 - hours{20};
    const JoinResult r = joiner.on_event(make(EventKind::impression, "i1", "b1", yesterday, "li-a"), t0);
    EXPECT_EQ(r.bucket, floor<hours>(yesterday));
    EXPECT_EQ(joiner.stats("li-a", yesterday).impressions, 1);
    EXPECT_EQ(joiner.stats("li-a", t0).impressions, 0);
}

TEST(AttributionJoiner, LossesAreCountedAndOldBucketsCanBeDropped) {
    AttributionJoiner joiner;
    EXPECT_EQ(joiner.on_event(make(EventKind::loss, "l1", "b1", t0, "li-a"), t0).status, JoinStatus::counted);
    joiner.on_event(make(EventKind::impression, "i1", "b2", t0 + hours{1}, "li-a"), t0);
    int buckets = 0;
    joiner.for_each_bucket([&](UtcMicros, std::string_view, const HourStats&) { ++buckets; });
    EXPECT_EQ(buckets, 2);
    joiner.drop_buckets_before(t0 + hours{1});
    EXPECT_EQ(joiner.stats("li-a", t0).losses, 0);
    EXPECT_EQ(joiner.stats("li-a", t0 + hours{1}).impressions, 1);
}

}  // namespace
}  // namespace bidline::feeds
