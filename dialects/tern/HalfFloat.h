//===- HalfFloat.h - f32 <-> f16 / bf16 bits --------------------*- C++ -*-===//
//
// The one home of Ternion's 16-bit float conversions, by bit arithmetic (a
// billion weights go through them): quantization scales, 16-bit weight
// panels, widened 16-bit models. Round to nearest even; overflow is
// infinity; a NaN stays a NaN.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_DIALECTS_TERN_HALFFLOAT_H
#define TERNION_DIALECTS_TERN_HALFFLOAT_H

#include <cmath>
#include <cstdint>
#include <cstring>

namespace ternion::tern {

inline uint32_t bitsOfFloat(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  return bits;
}

inline float floatOfBits(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, 4);
  return value;
}

inline uint16_t floatToHalf(float value) {
  uint32_t bits = bitsOfFloat(value);
  uint16_t sign = uint16_t((bits >> 16) & 0x8000);
  uint32_t magnitude = bits & 0x7fffffff;
  if (magnitude > 0x7f800000) // NaN: keep it quiet and a NaN
    return sign | 0x7e00 | uint16_t((magnitude >> 13) & 0x1ff);
  if (magnitude >= 0x477ff000) // 65520 and up (and infinity) round to infinity
    return sign | 0x7c00;
  if (magnitude < 0x38800000) // below 2^-14: x * 2^24 is exact; 1024 encodes 2^-14
    return sign | uint16_t(std::nearbyint(floatOfBits(magnitude) * 16777216.0f));
  uint32_t rounded = magnitude + 0xfff + ((magnitude >> 13) & 1);
  return sign | uint16_t((rounded - 0x38000000) >> 13);
}

/// Exact: every f16 is an f32.
inline float halfToFloat(uint16_t half) {
  uint32_t sign = uint32_t(half & 0x8000) << 16;
  uint32_t exponent = (half >> 10) & 0x1f, mantissa = half & 0x3ff;
  if (exponent == 0x1f) // infinity, NaN (payload kept)
    return floatOfBits(sign | 0x7f800000 | (mantissa << 13));
  if (exponent != 0)
    return floatOfBits(sign | ((exponent + 112) << 23) | (mantissa << 13));
  if (mantissa == 0)
    return floatOfBits(sign);
  int shift = 0; // subnormal: normalize
  while (!(mantissa & 0x400)) {
    mantissa <<= 1;
    ++shift;
  }
  return floatOfBits(sign | uint32_t(113 - shift) << 23 | ((mantissa & 0x3ff) << 13));
}

inline uint16_t floatToBFloat(float value) {
  uint32_t bits = bitsOfFloat(value);
  if ((bits & 0x7fffffff) > 0x7f800000)
    return uint16_t((bits >> 16) | 0x40);
  return uint16_t((bits + 0x7fff + ((bits >> 16) & 1)) >> 16);
}

/// Exact: a bf16 is the top half of an f32.
inline float bfloatToFloat(uint16_t bfloat) { return floatOfBits(uint32_t(bfloat) << 16); }

} // namespace ternion::tern

#endif // TERNION_DIALECTS_TERN_HALFFLOAT_H
