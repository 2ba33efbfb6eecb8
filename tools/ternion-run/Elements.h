//===- Elements.h - Reading single tensor elements --------------*- C++ -*-===//
#ifndef TERNION_TOOLS_TERNION_RUN_ELEMENTS_H
#define TERNION_TOOLS_TERNION_RUN_ELEMENTS_H

#include "ternion/runtime.h"

#include <cmath>
#include <cstdint>
#include <cstring>

namespace ternion::run {

inline float halfToFloat(uint16_t bits) {
  uint32_t sign = (bits >> 15) & 1, exponent = (bits >> 10) & 0x1F,
           mantissa = bits & 0x3FF;
  float magnitude;
  if (exponent == 0)
    magnitude = std::ldexp(static_cast<float>(mantissa), -24);
  else if (exponent == 31)
    magnitude = mantissa ? NAN : INFINITY;
  else
    magnitude = std::ldexp(static_cast<float>(mantissa | 0x400),
                           static_cast<int>(exponent) - 25);
  return sign ? -magnitude : magnitude;
}

inline float bf16ToFloat(uint16_t bits) {
  uint32_t wide = static_cast<uint32_t>(bits) << 16;
  float value;
  std::memcpy(&value, &wide, sizeof(value));
  return value;
}

inline bool isFloatDType(tnx_dtype_t dtype) {
  return dtype == TNX_DTYPE_F32 || dtype == TNX_DTYPE_F64 ||
         dtype == TNX_DTYPE_F16 || dtype == TNX_DTYPE_BF16;
}

/// Element `index` of a dense buffer of `dtype`, widened to double.
inline double elementAsDouble(tnx_dtype_t dtype, const void *data,
                              size_t index) {
  const char *at =
      static_cast<const char *>(data) + index * tnx_dtype_size(dtype);
  auto load = [at](auto value) {
    std::memcpy(&value, at, sizeof(value));
    return value;
  };
  switch (dtype) {
  case TNX_DTYPE_F32:
    return load(float());
  case TNX_DTYPE_F64:
    return load(double());
  case TNX_DTYPE_F16:
    return halfToFloat(load(uint16_t()));
  case TNX_DTYPE_BF16:
    return bf16ToFloat(load(uint16_t()));
  case TNX_DTYPE_I8:
    return load(int8_t());
  case TNX_DTYPE_I16:
    return load(int16_t());
  case TNX_DTYPE_I32:
    return load(int32_t());
  case TNX_DTYPE_I64:
    return static_cast<double>(load(int64_t()));
  case TNX_DTYPE_U8:
  case TNX_DTYPE_BOOL:
    return load(uint8_t());
  case TNX_DTYPE_U16:
    return load(uint16_t());
  case TNX_DTYPE_U32:
    return load(uint32_t());
  case TNX_DTYPE_U64:
    return static_cast<double>(load(uint64_t()));
  case TNX_DTYPE_INVALID:
    break;
  }
  return 0;
}

} // namespace ternion::run

#endif // TERNION_TOOLS_TERNION_RUN_ELEMENTS_H
