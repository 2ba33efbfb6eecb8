//===- JsonTest.cpp - The manifest's JSON reader --------------------------===//
#include "core/Json.h"

#include <gtest/gtest.h>

using ternion::runtime::json::parse;
using ternion::runtime::json::ParseLimits;
using ternion::runtime::json::Value;

namespace {

std::string errorOf(const std::string &text, ParseLimits limits = {}) {
  Value value;
  std::string error;
  EXPECT_FALSE(parse(text, value, error, limits)) << text;
  return error;
}

TEST(JsonTest, ParsesAllKinds) {
  Value value;
  std::string error;
  ASSERT_TRUE(parse(R"( {"a": [1, -2.5e1, true, false, null],
      "s": "q\"\\\/\b\f\n\r\t\u0041\u00e9\ud83d\ude00", "big": 123456789012,
      "a": "dup"} )",
                    value, error))
      << error;
  ASSERT_TRUE(value.isObject());
  EXPECT_EQ(value.get("a")->getString(), "dup"); // The last duplicate wins.
  EXPECT_EQ(value.get("big")->getInteger(), 123456789012);
  EXPECT_EQ(value.get("s")->getString(),
            "q\"\\/\b\f\n\r\tA\xc3\xa9\xf0\x9f\x98\x80");
  const Value &array = value.getObject()[0].second;
  ASSERT_EQ(array.getArray().size(), 5u);
  EXPECT_TRUE(array.getArray()[0].isInteger());
  EXPECT_FALSE(array.getArray()[1].isInteger());
  EXPECT_EQ(array.getArray()[1].getNumber(), -25.0);
  EXPECT_TRUE(array.getArray()[2].getBool());
  EXPECT_TRUE(array.getArray()[4].isNull());
  EXPECT_EQ(value.get("missing"), nullptr);
}

TEST(JsonTest, ReportsPositions) {
  EXPECT_EQ(errorOf("{\n  \"a\": 1,\n  \"b\" 2}"),
            "line 3, column 7: expected ':' after an object key");
  EXPECT_EQ(errorOf("[1, 2"), "line 1, column 6: unexpected end of input "
                              "in an array");
  EXPECT_EQ(errorOf(""), "line 1, column 1: unexpected end of input");
  EXPECT_EQ(errorOf("{} x"),
            "line 1, column 4: unexpected text after the JSON value");
}

TEST(JsonTest, RejectsMalformedValues) {
  EXPECT_NE(errorOf("\"abc"), "");
  EXPECT_NE(errorOf("\"a\x01\""), "");
  EXPECT_NE(errorOf("\"\\x\""), "");
  EXPECT_NE(errorOf("\"\\u12\""), "");
  EXPECT_NE(errorOf("\"\\ud800\""), "");
  EXPECT_NE(errorOf("\"\\udc00\""), "");
  EXPECT_NE(errorOf("01"), "");
  EXPECT_NE(errorOf("-"), "");
  EXPECT_NE(errorOf("1."), "");
  EXPECT_NE(errorOf("1e"), "");
  EXPECT_NE(errorOf("tru"), "");
  EXPECT_NE(errorOf("{\"a\":1,}"), "");
  EXPECT_NE(errorOf("[1,]"), "");
  EXPECT_NE(errorOf("{1: 2}"), "");
}

TEST(JsonTest, EnforcesLimits) {
  ParseLimits limits;
  limits.maxDepth = 4;
  EXPECT_EQ(errorOf("[[[[1]]]]", limits),
            "line 1, column 5: nesting deeper than 4 levels");
  Value value;
  std::string error;
  EXPECT_TRUE(parse("[[[1]]]", value, error, limits)) << error;
  limits.maxSize = 3;
  EXPECT_EQ(errorOf("[1, 2]", limits),
            "line 1, column 1: document is larger than 3 bytes");
}

TEST(JsonTest, HugeIntegersStayNumbers) {
  Value value;
  std::string error;
  ASSERT_TRUE(parse("99999999999999999999999", value, error));
  EXPECT_TRUE(value.isNumber());
  EXPECT_FALSE(value.isInteger());
}

} // namespace
