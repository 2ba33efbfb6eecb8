//===- GroupQuantizerTest.cpp - RTN/SINQ numerics not covered by NumPy ----===//
//
// The quantizer's values are checked against a NumPy implementation of the
// paper in test/Passes/quantize; these tests cover the pieces under it: the
// f16 conversions (every half value, and float rounding against the
// compiler's _Float16), the packed code stream, and the edge cases of RTN.
//
//===----------------------------------------------------------------------===//
#include "passes/quantize/GroupQuantizer.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <random>

using namespace ternion::quant;

namespace {

TEST(GroupQuantizerTest, EveryHalfRoundTrips) {
  for (uint32_t h = 0; h < 65536; ++h) {
    float value = halfToFloat(static_cast<uint16_t>(h));
    if (std::isnan(value))
      continue;
    EXPECT_EQ(floatToHalf(value), h) << "half 0x" << std::hex << h;
  }
}

TEST(GroupQuantizerTest, FloatToHalfRoundsAsTheCompiler) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<uint32_t> bits;
  for (int i = 0; i < 200000; ++i) {
    uint32_t word = bits(rng);
    float value;
    std::memcpy(&value, &word, 4);
    if (std::isnan(value))
      continue;
    _Float16 reference = static_cast<_Float16>(value);
    uint16_t expected;
    std::memcpy(&expected, &reference, 2);
    ASSERT_EQ(floatToHalf(value), expected) << value;
  }
  // Ties to even at the edge of the subnormals and of overflow.
  EXPECT_EQ(floatToHalf(65520.0f), 0x7c00);
  EXPECT_EQ(floatToHalf(65504.0f), 0x7bff);
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -25)), 0x0000);
  EXPECT_EQ(floatToHalf(std::ldexp(3.0f, -25)), 0x0002);
}

TEST(GroupQuantizerTest, CodesStraddleBytes) {
  for (int bits : {2, 3, 4, 5, 6, 8}) {
    std::vector<float> w(3 * 40);
    for (size_t i = 0; i < w.size(); ++i)
      w[i] = static_cast<float>((i * 37) % 101) / 101.0f - 0.5f;
    QuantizeOptions options;
    options.method = Method::Rtn;
    options.bits = bits;
    options.group = 16;
    QuantizedWeight q = quantizeWeight(w.data(), 3, 40, options);
    EXPECT_EQ(q.groups, 3);
    EXPECT_EQ(q.rowBytes, 3 * 16 * bits / 8);
    // Every code is in range and the padding past K (40 of 48) is zero.
    for (int64_t r = 0; r < 3; ++r)
      for (int64_t k = 0; k < 48; ++k) {
        unsigned code = readCode(q.codes.data() + r * q.rowBytes, k, bits);
        EXPECT_LT(code, 1u << bits);
        if (k >= 40)
          EXPECT_EQ(code, 0u);
      }
    // The error of RTN is at most half a step (plus f16 rounding of s, z).
    std::vector<float> back = dequantizeWeight(q, bits, 16);
    for (int64_t r = 0; r < 3; ++r)
      for (int64_t k = 0; k < 40; ++k) {
        float step = halfToFloat(q.scales[r * q.groups + k / 16]);
        EXPECT_LE(std::fabs(back[r * 40 + k] - w[r * 40 + k]), 0.5f * step * 1.01f + 1e-6f)
            << "bits " << bits << " row " << r << " k " << k;
      }
  }
}

TEST(GroupQuantizerTest, ConstantGroupsAndSinqColumnScales) {
  // Row 0 constant, row 1 alternating with one outlier column.
  std::vector<float> w(2 * 64, 0.25f);
  for (int k = 0; k < 64; ++k)
    w[64 + k] = (k % 2 ? 1.0f : -1.0f) * (k == 5 ? 8.0f : 0.1f);
  QuantizeOptions options;
  options.bits = 4;
  options.group = 64;
  // RTN: the constant row's range clamps to 1e-4, and the value comes back
  // to within the f16 rounding of its zero point (-37500 is stored as
  // -37504: f16 keeps 11 significant bits).
  options.method = Method::Rtn;
  QuantizedWeight rtn = quantizeWeight(w.data(), 2, 64, options);
  EXPECT_TRUE(rtn.columnScales.empty());
  std::vector<float> back = dequantizeWeight(rtn, 4, 64);
  for (int k = 0; k < 64; ++k)
    EXPECT_NEAR(back[k], 0.25f, 5e-4f);
  // SINQ: finite positive column scales, and every weight within half a
  // step of its row and column scales.
  options.method = Method::Sinq;
  QuantizedWeight sinq = quantizeWeight(w.data(), 2, 64, options);
  ASSERT_EQ(sinq.columnScales.size(), 64u);
  for (float t : sinq.columnScales) {
    EXPECT_TRUE(std::isfinite(t));
    EXPECT_GT(t, 0.0f);
  }
  back = dequantizeWeight(sinq, 4, 64);
  for (int r = 0; r < 2; ++r)
    for (int k = 0; k < 64; ++k) {
      float step = halfToFloat(sinq.scales[r]) * sinq.columnScales[k];
      EXPECT_LE(std::fabs(back[r * 64 + k] - w[r * 64 + k]), 0.5f * step * 1.01f + 1e-6f)
          << "row " << r << " k " << k;
    }
}

} // namespace
