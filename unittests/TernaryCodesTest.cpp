//===- TernaryCodesTest.cpp - the #tern.ternary layouts -------------------===//
//
// Packing then unpacking gives the weights back for every packing, lane
// width and K (tails in every block), padding is the zero weight, and the
// positions follow the layout TernAttributes.td documents.
//
//===----------------------------------------------------------------------===//
#include "dialects/tern/TernDialect.h"
#include "dialects/tern/TernaryCodes.h"

#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>
#include <random>

using namespace ternion::tern;

namespace {

class TernaryCodesTest : public ::testing::Test {
protected:
  TernaryCodesTest() { ctx.loadDialect<TernDialect>(); }
  TernaryAttr format(TernaryPacking packing, int64_t lanes) {
    return TernaryAttr::get(&ctx, packing, lanes);
  }
  mlir::MLIRContext ctx;
};

TEST_F(TernaryCodesTest, RoundTripsEveryPackingLaneWidthAndK) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> trit(-1, 1);
  for (TernaryPacking packing : {TernaryPacking::I2, TernaryPacking::Base3})
    for (int64_t lanes : {1, 16, 32, 64})
      for (int64_t k : {1, 3, 4, 5, 19, 255, 256, 257, 320, 333, 2048}) {
        TernaryAttr f = format(packing, lanes);
        int64_t rows = 3;
        llvm::SmallVector<int8_t> weights(rows * k);
        for (int8_t &w : weights)
          w = static_cast<int8_t>(trit(rng));
        llvm::SmallVector<uint8_t> codes = packTernary(f, weights, rows, k);
        ASSERT_EQ(int64_t(codes.size()), rows * f.getRowBytes(k));
        EXPECT_EQ(unpackTernary(f, codes, rows, k), weights)
            << "packing " << int(packing) << " lanes " << lanes << " K " << k;
        // Every weight past K (to the whole block) is 0: digit 1.
        for (int64_t r = 0; r < rows; ++r)
          for (int64_t c = k; c < f.getPaddedInputFeatures(k); ++c) {
            TernaryPosition at = locateTernary(f, c);
            EXPECT_EQ(readTernaryDigit(f, codes[r * f.getRowBytes(k) + at.byte], at.digit), 1);
          }
      }
}

TEST_F(TernaryCodesTest, PositionsFollowTheLayout) {
  // Plain order: four (five) consecutive weights a byte.
  EXPECT_EQ(locateTernary(format(TernaryPacking::I2, 1), 9).byte, 2);
  EXPECT_EQ(locateTernary(format(TernaryPacking::I2, 1), 9).digit, 1);
  EXPECT_EQ(locateTernary(format(TernaryPacking::Base3, 1), 9).byte, 1);
  EXPECT_EQ(locateTernary(format(TernaryPacking::Base3, 1), 9).digit, 4);
  // 64 lanes: a block of 256 (i2) weights in 64 bytes; byte j holds
  // weights j, j + 64, j + 128 and j + 192.
  TernaryAttr wide = format(TernaryPacking::I2, 64);
  EXPECT_EQ(locateTernary(wide, 65).byte, 1);
  EXPECT_EQ(locateTernary(wide, 65).digit, 1);
  EXPECT_EQ(locateTernary(wide, 256 + 200).byte, 64 + 8);
  EXPECT_EQ(locateTernary(wide, 256 + 200).digit, 3);
  // base3, 16 lanes: blocks of 80 weights in 16 bytes.
  TernaryAttr base3 = format(TernaryPacking::Base3, 16);
  EXPECT_EQ(locateTernary(base3, 79).byte, 15);
  EXPECT_EQ(locateTernary(base3, 79).digit, 4);
  EXPECT_EQ(base3.getRowBytes(2048), 416);
  EXPECT_EQ(format(TernaryPacking::Base3, 64).getRowBytes(2048), 448);
  EXPECT_EQ(wide.getRowBytes(300), 128);
}

TEST_F(TernaryCodesTest, DigitsReadBack) {
  // i2: digits from the low bits; base3: a base-3 number, digit 0 lowest.
  TernaryAttr i2 = format(TernaryPacking::I2, 1), base3 = format(TernaryPacking::Base3, 1);
  uint8_t byte = 0b10'01'00'10;
  EXPECT_EQ(readTernaryDigit(i2, byte, 0), 2);
  EXPECT_EQ(readTernaryDigit(i2, byte, 1), 0);
  EXPECT_EQ(readTernaryDigit(i2, byte, 2), 1);
  EXPECT_EQ(readTernaryDigit(i2, byte, 3), 2);
  uint8_t number = 2 + 1 * 3 + 0 * 9 + 2 * 27 + 1 * 81; // digits 2, 1, 0, 2, 1
  EXPECT_EQ(readTernaryDigit(base3, number, 0), 2);
  EXPECT_EQ(readTernaryDigit(base3, number, 1), 1);
  EXPECT_EQ(readTernaryDigit(base3, number, 2), 0);
  EXPECT_EQ(readTernaryDigit(base3, number, 3), 2);
  EXPECT_EQ(readTernaryDigit(base3, number, 4), 1);
}

TEST_F(TernaryCodesTest, PairsRoundTripAndInterleaveRows) {
  // The lookup-table layout: N a multiple of the tile, K with a partial
  // pair and a partial byte; padding is index 4 (digits 1, 1).
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> trit(-1, 1);
  for (int64_t lanes : {1, 16, 64})
    for (int64_t k : {1, 2, 3, 5, 19, 256, 2050}) {
      TernaryAttr f = format(TernaryPacking::Pairs, lanes);
      int64_t rows = 2 * lanes, rowBytes = f.getRowBytes(k);
      ASSERT_EQ(rowBytes, (k + 3) / 4);
      llvm::SmallVector<int8_t> weights(rows * k);
      for (int8_t &w : weights)
        w = static_cast<int8_t>(trit(rng));
      llvm::SmallVector<uint8_t> codes = packTernary(f, weights, rows, k);
      ASSERT_EQ(int64_t(codes.size()), rows * rowBytes);
      EXPECT_EQ(unpackTernary(f, codes, rows, k), weights) << "lanes " << lanes << " K " << k;
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = k; c < f.getPaddedInputFeatures(k); ++c) {
          TernaryPosition at = locateTernary(f, c);
          uint8_t byte = codes[getTernaryByteOffset(f, rowBytes, r, at.byte)];
          EXPECT_EQ(readTernaryDigit(f, byte, at.digit), 1);
        }
    }
  // Byte j of row r sits at [r / lanes, j, r % lanes].
  TernaryAttr pairs = format(TernaryPacking::Pairs, 16);
  EXPECT_EQ(getTernaryByteOffset(pairs, 5, 17, 3), (1 * 5 + 3) * 16 + 1);
  EXPECT_EQ(locateTernary(pairs, 9).byte, 2);
  EXPECT_EQ(locateTernary(pairs, 9).digit, 1);
  // Weights (1, 0, -1, 0): digits (2, 1, 0, 1), pair indices 7 and 1.
  llvm::SmallVector<int8_t> one(16 * 4, 0);
  for (int64_t r = 0; r < 16; ++r)
    one[r * 4] = 1, one[r * 4 + 2] = -1;
  EXPECT_EQ(packTernary(pairs, one, 16, 4).front(), 0x17);
  // A pair index reads back as its two digits.
  EXPECT_EQ(readTernaryDigit(pairs, 0x17, 0), 2);
  EXPECT_EQ(readTernaryDigit(pairs, 0x17, 1), 1);
  EXPECT_EQ(readTernaryDigit(pairs, 0x17, 2), 0);
  EXPECT_EQ(readTernaryDigit(pairs, 0x17, 3), 1);
}

} // namespace
