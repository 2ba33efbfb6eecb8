//===- GroupQuantizer.h - RTN and SINQ weight quantization ------*- C++ -*-===//
//
// The numerics of tern-quantize, free of MLIR so that they can be tested
// and timed on their own: a [N, K] f32 weight becomes b-bit codes with an
// f16 scale and zero point per row and group of K, and with SINQ one f32
// scale per column, such that
//
//   W[n, k] ~ s[n, g] * (Q[n, k] - z[n, g]) * t[k],   g = k / group.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_PASSES_QUANTIZE_GROUPQUANTIZER_H
#define TERNION_PASSES_QUANTIZE_GROUPQUANTIZER_H

#include "dialects/tern/HalfFloat.h"

#include <cstdint>
#include <vector>

namespace ternion::quant {

enum class Method {
  /// Asymmetric round-to-nearest per group: the baseline.
  Rtn,
  /// SINQ: each tile of `group` columns (all rows) is first balanced by
  /// Sinkhorn-like steps on its row and column standard deviations into a
  /// row scale (folded into s) and a column scale t; then RTN.
  Sinq,
};

struct QuantizeOptions {
  Method method = Method::Sinq;
  int bits = 4;
  int group = 64;
  /// Sinkhorn steps per tile (the paper's 16).
  int sinkhornSteps = 16;
};

struct QuantizedWeight {
  int64_t rows = 0, columns = 0, groups = 0, rowBytes = 0;
  /// [rows, rowBytes]: per row a little-endian bit stream, code k at bits
  /// [k * bits, (k + 1) * bits).
  std::vector<uint8_t> codes;
  /// [rows, groups] IEEE half bit patterns.
  std::vector<uint16_t> scales, zeros;
  /// [columns]; empty for RTN.
  std::vector<float> columnScales;
};

/// Quantizes the row-major [rows, columns] weight `w`.
QuantizedWeight quantizeWeight(const float *w, int64_t rows, int64_t columns,
                               const QuantizeOptions &options);

/// Code `k` of a row of packed codes.
unsigned readCode(const uint8_t *row, int64_t k, int bits);

/// The weight the codes stand for, [rows, columns] f32 (for tests and error
/// reports).
std::vector<float> dequantizeWeight(const QuantizedWeight &q, int bits, int group);

/// IEEE half <-> float (dialects/tern/HalfFloat.h), round to nearest even.
using tern::floatToHalf;
using tern::halfToFloat;

} // namespace ternion::quant

#endif // TERNION_PASSES_QUANTIZE_GROUPQUANTIZER_H
