//===- HalfFloatTest.cpp - f32 to f16 / bf16 rounding ---------------------===//
//
// ternion-compile --weights-dtype rounds a billion weights with bit
// arithmetic (HalfFloat.h); here it must agree with independent
// roundings to nearest even (the compiler's _Float16 conversion, and bf16
// computed by definition) on a sweep of the f32 bit patterns: zeros,
// subnormals, ties, overflow, infinities and NaNs.
//
//===----------------------------------------------------------------------===//
#include "dialects/tern/HalfFloat.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace ternion::tern;

namespace {

float fromBits(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

template <typename T> uint16_t bitsOf(T value) {
  uint16_t bits;
  std::memcpy(&bits, &value, 2);
  return bits;
}

/// bf16 by definition, in double arithmetic (libgcc has no f32 -> bf16
/// conversion): round to 8 significant bits, nearest even, where the quantum
/// is 2^-133 below f32's smallest normal; overflow is infinity.
uint16_t referenceBFloat(float f) {
  double d = f;
  int exponent = 0;
  std::frexp(d, &exponent); // d = m * 2^exponent, m in [0.5, 1)
  double quantum =
      std::fabs(d) < std::ldexp(1.0, -126) ? std::ldexp(1.0, -133) : std::ldexp(1.0, exponent - 8);
  double rounded = std::nearbyint(d / quantum) * quantum;
  float result = std::fabs(rounded) >= std::ldexp(1.0, 128) ? std::copysign(INFINITY, float(d))
                                                            : float(rounded);
  uint32_t bits;
  std::memcpy(&bits, &result, 4);
  return uint16_t(bits >> 16);
}

bool isHalfNaN(uint16_t h) { return (h & 0x7c00) == 0x7c00 && (h & 0x3ff); }
bool isBFloatNaN(uint16_t h) { return (h & 0x7f80) == 0x7f80 && (h & 0x7f); }

// Every 251st bit pattern (17 million), plus the edges below.
constexpr uint64_t kStride = 251;

/// `convert` against `reference` on the strided sweep and `edges`; NaNs
/// need only stay NaNs (`isNaN`), their payloads may differ.
template <typename Convert, typename Reference, typename IsNaN>
void checkRounding(Convert convert, Reference reference, IsNaN isNaN,
                   std::initializer_list<uint32_t> edges) {
  auto check = [&](uint32_t bits) {
    float f = fromBits(bits);
    uint16_t got = convert(f);
    if (std::isnan(f))
      ASSERT_TRUE(isNaN(got)) << std::hex << bits;
    else
      ASSERT_EQ(got, reference(f)) << std::hex << "f32 bits 0x" << bits << " (" << f << ")";
  };
  for (uint64_t bits = 0; bits <= 0xffffffffull; bits += kStride)
    check(uint32_t(bits));
  for (uint32_t edge : edges)
    check(edge);
}

TEST(HalfFloatTest, HalfRoundingMatchesTheCompiler) {
  checkRounding(floatToHalf, [](float f) { return bitsOf(static_cast<_Float16>(f)); }, isHalfNaN,
                {0x00000000u, 0x80000000u, 0x33000000u, 0x33000001u, 0x387fffffu, 0x38800000u,
                 0x477fefffu, 0x477ff000u, 0x7f800000u, 0xff800000u, 0x3f800000u, 0x3f801000u,
                 0x3f803000u, 0x7fc00000u});
}

TEST(HalfFloatTest, BFloatRoundingMatchesTheCompiler) {
  checkRounding(floatToBFloat, referenceBFloat, isBFloatNaN,
                {0x00000000u, 0x80000000u, 0x3f808000u, 0x3f818000u, 0x7f7fffffu, 0x7f800000u,
                 0x7fc00000u, 0x00000001u});
}

} // namespace
