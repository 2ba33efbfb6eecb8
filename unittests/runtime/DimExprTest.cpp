//===- DimExprTest.cpp - dim_param expressions ----------------------------===//
#include "core/DimExpr.h"

#include <gtest/gtest.h>

using namespace ternion::runtime;

namespace {

TEST(DimExprTest, ParsesSumsAndDifferences) {
  DimExpr expr;
  ASSERT_TRUE(parseDimExpr("past_sequence+sequence", expr));
  ASSERT_EQ(expr.terms.size(), 2u);
  EXPECT_EQ(expr.terms[0].name, "past_sequence");
  EXPECT_EQ(expr.terms[1].sign, 1);
  EXPECT_EQ(expr.constant, 0);

  ASSERT_TRUE(parseDimExpr("a - b + 3 - 1", expr));
  ASSERT_EQ(expr.terms.size(), 2u);
  EXPECT_EQ(expr.terms[1].sign, -1);
  EXPECT_EQ(expr.constant, 2);

  int64_t value = 0;
  ASSERT_TRUE(evaluateDimExpr(expr, {{"a", 10}, {"b", 4}}, value));
  EXPECT_EQ(value, 8);
  EXPECT_FALSE(evaluateDimExpr(expr, {{"a", 10}}, value));
}

TEST(DimExprTest, PlainNamesAndOtherFormsAreNotExpressions) {
  DimExpr expr;
  for (const char *text :
       {"batch", "sequence_length", "", "2*a", "a+", "+a", "a++b", "floor(a)",
        "a / 2", "99999999999999999999+a", "unk__0"})
    EXPECT_FALSE(parseDimExpr(text, expr)) << text;
}

} // namespace
