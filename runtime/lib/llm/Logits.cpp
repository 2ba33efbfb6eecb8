//===- Logits.cpp - Logits of a step as f32 -------------------------------===//
//
// The logits live on the model's device; the rows the sampler needs are
// brought to the host with one copy and widened there.
//
//===----------------------------------------------------------------------===//
#include "llm/Logits.h"

#include <cstdint>
#include <cstring>

namespace ternion::runtime {
namespace {

float halfToFloat(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ffu, bits;
  if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa == 0) {
    bits = sign;
  } else {
    // Subnormal: normalize.
    exponent = 113;
    while (!(mantissa & 0x400u)) {
      mantissa <<= 1;
      --exponent;
    }
    bits = sign | (exponent << 23) | ((mantissa & 0x3ffu) << 13);
  }
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

float bf16ToFloat(uint16_t h) {
  uint32_t bits = static_cast<uint32_t>(h) << 16;
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

} // namespace

tnx_status_t readLogitsRows(const tnx_tensor &logits, size_t firstRow, size_t rows, size_t width,
                            StepLogits &out) {
  size_t count = rows * width;
  out.rows = rows;
  out.vocab = width;
  out.values.resize(count);
  size_t elementSize = tnx_dtype_size(logits.dtype);
  const char *source = static_cast<const char *>(logits.data) + firstRow * width * elementSize;
  if (logits.dtype == TNX_DTYPE_F32)
    return logits.device->copyToHost(out.values.data(), source, count * sizeof(float));
  std::vector<uint16_t> &halves = out.staging;
  halves.resize(count);
  if (tnx_status_t status =
          logits.device->copyToHost(halves.data(), source, count * sizeof(uint16_t)))
    return status;
  for (size_t i = 0; i < count; ++i)
    out.values[i] = logits.dtype == TNX_DTYPE_F16 ? halfToFloat(halves[i]) : bf16ToFloat(halves[i]);
  return nullptr;
}

} // namespace ternion::runtime
