// CliArgs: how the subcommands read their flags. A typo or a missing value
// must stop the command with a message naming the flag, never be ignored.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "bidline/engine/cli_args.h"

namespace bidline {
namespace {

const std::set<std::string> kValued{"config", "shards", "rate", "tag"};
const std::set<std::string> kBare{"verbose", "dry-run"};

CliArgs parse(const std::vector<std::string>& argv) { return CliArgs(argv, kValued, kBare); }

// The message of the CliError that parsing `argv` throws ("" if none).
std::string parse_error(const std::vector<std::string>& argv) {
    try {
        parse(argv);
    } catch (const CliError& e) {
        return e.what();
    }
    return "";
}

TEST(CliArgs, ValueAsTheNextArgument) {
    const CliArgs a = parse({"--config", "bidline.toml", "--shards", "4"});
    EXPECT_EQ(a.get("config"), "bidline.toml");
    EXPECT_EQ(a.integer("shards", 1, 0, 256), 4);
    EXPECT_TRUE(a.positional().empty());
}

TEST(CliArgs, ValueAfterAnEqualsSign) {
    const CliArgs a = parse({"--config=a=b.toml", "--tag="});
    EXPECT_EQ(a.get("config"), "a=b.toml") << "only the first '=' separates name and value";
    EXPECT_EQ(a.get("tag"), "");
    EXPECT_TRUE(a.has("tag"));
}

TEST(CliArgs, BareFlagsAndPositionals) {
    const CliArgs a = parse({"serve", "--verbose", "extra", "--config", "x.toml"});
    EXPECT_TRUE(a.has("verbose"));
    EXPECT_FALSE(a.has("dry-run"));
    EXPECT_EQ(a.positional(), (std::vector<std::string>{"serve", "extra"}));
    EXPECT_EQ(a.get("config"), "x.toml");
}

TEST(CliArgs, AbsentFlagsFallBack) {
    const CliArgs a = parse({});
    EXPECT_FALSE(a.has("config"));
    EXPECT_EQ(a.get("config"), std::nullopt);
    EXPECT_EQ(a.integer("shards", 7, 0, 256), 7);
    EXPECT_DOUBLE_EQ(a.number("rate", 0.5), 0.5);
}

TEST(CliArgs, RepeatedFlagsAreAllKept) {
    const CliArgs a = parse({"--tag", "a", "--tag=b", "--tag", "c"});
    EXPECT_EQ(a.all("tag"), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(a.get("tag"), "a");
}

TEST(CliArgs, UnknownFlagIsAnErrorNamingIt) {
    EXPECT_EQ(parse_error({"--confg", "x.toml"}), "unknown option --confg (see --help)");
    EXPECT_EQ(parse_error({"--confg=x.toml"}), "unknown option --confg (see --help)");
    EXPECT_NE(parse_error({"--"}), "");
}

TEST(CliArgs, MissingValueIsAnError) {
    EXPECT_EQ(parse_error({"--config"}), "--config needs a value");
    EXPECT_EQ(parse_error({"--verbose", "--shards"}), "--shards needs a value");
}

TEST(CliArgs, BareFlagWithAValueIsAnError) { EXPECT_EQ(parse_error({"--verbose=yes"}), "--verbose takes no value"); }

TEST(CliArgs, RequiredFlag) {
    EXPECT_EQ(parse({"--config", "x"}).required("config"), "x");
    try {
        (void)parse({}).required("config");
        FAIL() << "no error for a missing required flag";
    } catch (const CliError& e) {
        EXPECT_STREQ(e.what(), "--config is required (see --help)");
    }
}

TEST(CliArgs, IntegerOutsideItsRangeIsAnErrorGivingTheRange) {
    EXPECT_EQ(parse({"--shards", "0"}).integer("shards", 1, 0, 256), 0);
    EXPECT_EQ(parse({"--shards", "256"}).integer("shards", 1, 0, 256), 256);
    try {
        (void)parse({"--shards", "257"}).integer("shards", 1, 0, 256);
        FAIL() << "257 accepted";
    } catch (const CliError& e) {
        EXPECT_STREQ(e.what(), "--shards: 257 is out of range [0, 256]");
    }
    EXPECT_THROW((void)parse({"--shards", "-1"}).integer("shards", 1, 0, 256), CliError);
    EXPECT_THROW((void)parse({"--shards", "99999999999999999999999"}).integer("shards", 1, 0, 256), CliError);
}

TEST(CliArgs, NonIntegerIsAnError) {
    for (const char* bad : {"four", "4x", "4.0", "", " 4", "0x10"}) {
        SCOPED_TRACE(bad);
        try {
            (void)parse({"--shards", bad}).integer("shards", 1, 0, 256);
            FAIL() << "accepted";
        } catch (const CliError& e) {
            EXPECT_EQ(std::string(e.what()), "--shards: expected an integer, got '" + std::string(bad) + "'");
        }
    }
}

TEST(CliArgs, Numbers) {
    EXPECT_DOUBLE_EQ(parse({"--rate", "2.5"}).number("rate", 0), 2.5);
    EXPECT_DOUBLE_EQ(parse({"--rate=1e3"}).number("rate", 0), 1000.0);
    EXPECT_THROW((void)parse({"--rate", "fast"}).number("rate", 0), CliError);
    EXPECT_THROW((void)parse({"--rate", "2.5%"}).number("rate", 0), CliError);
}

}  // namespace
}  // namespace bidline
