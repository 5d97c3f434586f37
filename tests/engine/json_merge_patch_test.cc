// PATCH in the admin API: RFC 7386 merge patch, checked against the RFC's
// own examples (appendix A) that matter for entity bodies.
#include "bidline/engine/json_merge_patch.h"

#include <gtest/gtest.h>

namespace bidline {
namespace {

std::string merged(const std::string& target, const std::string& patch) {
    simdjson::dom::parser t, p;
    return merge_patch(t.parse(target).value(), p.parse(patch).value());
}

TEST(JsonMergePatch, KeysReplaceObjectsMergeAndNullRemoves) {
    EXPECT_EQ(merged(R"({"a":"b"})", R"({"a":"c"})"), R"({"a":"c"})");
    EXPECT_EQ(merged(R"({"a":"b"})", R"({"b":"c"})"), R"({"a":"b","b":"c"})");
    EXPECT_EQ(merged(R"({"a":"b","b":"c"})", R"({"a":null})"), R"({"b":"c"})");
    EXPECT_EQ(merged(R"({"a":{"b":"c","d":1}})", R"({"a":{"b":"x","d":null}})"), R"({"a":{"b":"x"}})");
    EXPECT_EQ(merged(R"({"a":["b"]})", R"({"a":["c","d"]})"), R"({"a":["c","d"]})");
    EXPECT_EQ(merged(R"({"a":"b"})", R"(["c"])"), R"(["c"])");
    EXPECT_EQ(merged(R"({"e":null})", R"({"a":1})"), R"({"e":null,"a":1})");
}

}  // namespace
}  // namespace bidline
