// Problems with the file as a whole: TOML syntax and the top-level shape.
// They surface as ConfigError like every other problem.
#include <gtest/gtest.h>

#include "config_test_files.h"

namespace bidline {
namespace {

using config_test::load_error;

TEST(TomlErrors, SyntaxErrorNamesTheLine) {
    const ConfigError e = load_error("[engine]\nshards = 2\nlisten = \n");
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.field(), "syntax");
    EXPECT_EQ(e.reason(), "missing value after key-value separator '=' (expected value, but got nothing)");
}

TEST(TomlErrors, DuplicateKeyIsASyntaxError) {
    const ConfigError e = load_error("[engine]\nshards = 2\nshards = 3\n");
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.field(), "syntax");
    EXPECT_EQ(e.reason(), "value (\"shards\") already exists. (value defined twice)");
}

// Found by tests/fuzz/config_fuzz: toml11 read past its buffer on a byte
// that is not UTF-8 inside a literal string.
TEST(TomlErrors, InvalidUtf8IsASyntaxErrorNotACrash) {
    for (const char* text : {"'\xff'", "[engine]\nlisten = 'x\x80'\n", "# \xc0\xaf\n", "a = \"\xed\xa0\x80\"\n"}) {
        const ConfigError e = load_error(text);
        EXPECT_EQ(e.field(), "syntax") << text;
        EXPECT_EQ(e.reason(), "invalid UTF-8 (TOML files are UTF-8)") << text;
    }
    EXPECT_EQ(load_error("[engine]\nlisten = 'x\x80'\n").line(), 2);
}

TEST(TomlErrors, Utf8TextIsAccepted) {
    EXPECT_NO_THROW((void)load_config_text("# caf\xc3\xa9 \xf0\x9f\x98\x80\n", "utf8.toml"));
}

TEST(TomlErrors, UnknownTopLevelSection) {
    const ConfigError e = load_error("[engine]\nshards = 1\n\n[[campaigns]]\nid = \"c\"\n");
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.field(), "campaigns");
    EXPECT_EQ(e.reason(), "unknown key (did you mean \"campaign\"?)");
}

TEST(TomlErrors, SectionsThatRepeatMustBeArraysOfTables) {
    const ConfigError e = load_error("[advertiser]\nid = \"a\"\n");
    EXPECT_EQ(e.line(), 1);
    EXPECT_EQ(e.field(), "advertiser");
    EXPECT_EQ(e.reason(), "expected an array of tables ([[advertiser]]), got a table");
}

TEST(TomlErrors, TextSourceNameIsUsedAsTheFile) {
    try {
        load_config_text("[engine]\nshards = 1000\n", "<admin-api>");
        FAIL() << "expected a ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.file(), "<admin-api>");
        EXPECT_STREQ(e.what(), "<admin-api>:2: engine.shards: must be between 0 and 256, got 1000");
    }
}

}  // namespace
}  // namespace bidline
