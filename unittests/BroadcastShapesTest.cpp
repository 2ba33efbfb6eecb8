//===- BroadcastShapesTest.cpp - ONNX broadcasting rules ------------------===//
#include "dialects/tern/BroadcastShapes.h"

#include <gtest/gtest.h>

using namespace ternion::tern;
using mlir::ShapedType;

namespace {
constexpr int64_t kDyn = ShapedType::kDynamic;

TEST(BroadcastShapes, StaticNumpyRules) {
  auto r = broadcastShapes({2, 1, 4}, {3, 1});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, (llvm::SmallVector<int64_t>{2, 3, 4}));
  EXPECT_FALSE(broadcastShapes({2, 3}, {4, 3}).has_value());
}

TEST(BroadcastShapes, DynamicDims) {
  // ? against 1 stays ?, ? against N > 1 is N.
  auto r = broadcastShapes({kDyn, 1, kDyn}, {1, 5, 7});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, (llvm::SmallVector<int64_t>{kDyn, 5, 7}));
}

TEST(BroadcastShapes, NormalizeAxis) {
  EXPECT_EQ(normalizeAxis(-1, 4), 3);
  EXPECT_EQ(normalizeAxis(0, 4), 0);
  EXPECT_FALSE(normalizeAxis(4, 4).has_value());
  EXPECT_FALSE(normalizeAxis(-5, 4).has_value());
}
} // namespace
