// UTC → local offsets read from the system's TZif files: DST switches in
// New York to the second, a half-hour zone, UTC, and the calendar helpers
// the control loop uses for day rolls and dayparting.
#include <gtest/gtest.h>

#include <stdexcept>

#include "bidline/pacing/zone_offsets.h"

namespace bidline {
namespace {

constexpr std::int64_t kDstStart2026 = 1772953200;  // 2026-03-08T07:00:00Z = 02:00 EST
constexpr std::int64_t kDstEnd2026 = 1793512800;    // 2026-11-01T06:00:00Z = 02:00 EDT

TEST(ZoneOffsets, NewYorkSwitchesToDaylightTimeAtTwoInTheMorningLocal) {
    const ZoneOffsets ny = ZoneOffsets::load("America/New_York");
    EXPECT_EQ(ny.offset_at(kDstStart2026 - 1), -5 * 3600);
    EXPECT_EQ(ny.offset_at(kDstStart2026), -4 * 3600);
    EXPECT_EQ(ny.offset_at(kDstEnd2026 - 1), -4 * 3600);
    EXPECT_EQ(ny.offset_at(kDstEnd2026), -5 * 3600);
}

TEST(ZoneOffsets, KolkataIsFiveAndAHalfHoursAheadAllYear) {
    const ZoneOffsets k = ZoneOffsets::load("Asia/Kolkata");
    EXPECT_EQ(k.offset_at(kDstStart2026), 19800);
    EXPECT_EQ(k.offset_at(kDstEnd2026), 19800);
}

TEST(ZoneOffsets, UtcHasNoOffsetWithOrWithoutTheFile) {
    EXPECT_EQ(ZoneOffsets::load("UTC").offset_at(kDstStart2026), 0);
    EXPECT_EQ(ZoneOffsets::load("Etc/UTC").offset_at(kDstStart2026), 0);
    EXPECT_EQ(ZoneOffsets::utc().offset_at(0), 0);
}

TEST(ZoneOffsets, RefusesUnknownZonesAndFilesThatAreNotTzif) {
    EXPECT_THROW(ZoneOffsets::load("Mars/Olympus_Mons"), std::runtime_error);
    EXPECT_THROW(ZoneOffsets::load("../etc/passwd"), std::runtime_error);
    EXPECT_THROW(ZoneOffsets::parse("not a zone file at all, not even close to 44 bytes"), std::runtime_error);
    EXPECT_THROW(ZoneOffsets::parse(std::string("TZif2") + std::string(50, '\0')), std::runtime_error);
}

TEST(LocalCalendar, WeekdaysAndHoursOfTheWeekStartOnMonday) {
    constexpr std::int64_t kMonday2026_06_01 = 1780272000;
    EXPECT_EQ(local_weekday(kMonday2026_06_01), 0);
    EXPECT_EQ(hour_of_week(kMonday2026_06_01), 0);
    EXPECT_EQ(hour_of_week(kMonday2026_06_01 + 6 * 86400 + 23 * 3600 + 3599), 167);
    EXPECT_EQ(local_weekday(0), 3);  // 1970-01-01 was a Thursday
    EXPECT_EQ(local_day_number(-1), -1);
    // 2026-06-01 00:30 in Kolkata is still Sunday 31 May in UTC.
    const ZoneOffsets k = ZoneOffsets::load("Asia/Kolkata");
    EXPECT_EQ(local_weekday(k.local_seconds(kMonday2026_06_01 - 5 * 3600)), 0);
    EXPECT_EQ(local_weekday(kMonday2026_06_01 - 5 * 3600), 6);
}

}  // namespace
}  // namespace bidline
