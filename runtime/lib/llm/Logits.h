//===- Logits.h - Logits of a step as f32 -----------------------*- C++ -*-===//
#ifndef TERNION_RUNTIME_LIB_LLM_LOGITS_H
#define TERNION_RUNTIME_LIB_LLM_LOGITS_H

#include "core/Tensor.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ternion::runtime {

/// The logits of some tokens of a step, one row of `vocab` f32 per token.
struct StepLogits {
  size_t rows = 0;
  size_t vocab = 0;
  std::vector<float> values;
  /// f16/bf16 logits as read from the device, before conversion; kept so
  /// that a step allocates nothing once the first has sized it.
  std::vector<uint16_t> staging;

  const float *row(size_t i) const { return values.data() + i * vocab; }
};

/// Reads rows [firstRow, firstRow + rows) of a [1, tokens, width] logits
/// tensor (f32, f16 or bf16, on its device) into `out` as f32.
tnx_status_t readLogitsRows(const tnx_tensor &logits, size_t firstRow, size_t rows, size_t width,
                            StepLogits &out);

} // namespace ternion::runtime

#endif // TERNION_RUNTIME_LIB_LLM_LOGITS_H
