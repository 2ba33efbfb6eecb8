//===- LlmLayout.h - The I/O convention of language models ------*- C++ -*-===//
//
// Finds the inputs and outputs of a function that follows the Hugging Face
// Optimum / ONNX Runtime GenAI convention (see ternion/llm.h), so that the
// generator binds them by role instead of by position.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_RUNTIME_LIB_LLM_LLMLAYOUT_H
#define TERNION_RUNTIME_LIB_LLM_LLMLAYOUT_H

#include "core/Artifact.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ternion::runtime {

struct LlmLayout {
  static constexpr size_t None = static_cast<size_t>(-1);

  /// Input indices; None where the function has no such input.
  size_t inputIds = None;
  size_t attentionMask = None;
  size_t positionIds = None;
  /// Output index of the logits.
  size_t logits = None;

  /// One past_key_values.N.key|value input and its present.N.key|value
  /// output, [batch, heads, sequence, head_dim]. With an in-place cache
  /// (the input is a "kv_cache", tern-kv-cache-in-place) there is no output:
  /// the input is a [batch, heads, capacity, head_dim] buffer the compiled
  /// code appends to.
  struct CacheEntry {
    size_t past;
    size_t present; // None for an in-place cache
    int64_t heads;
    int64_t headDim;
    bool inPlace() const { return present == None; }
  };
  std::vector<CacheEntry> cache;

  /// The static width of the logits; -1 if the manifest leaves it dynamic.
  int64_t vocab = -1;
};

/// Fills `layout` from `function`'s signature. Returns "" or what keeps the
/// function from being driven as a language model.
std::string findLlmLayout(const tnx_function &function, LlmLayout &layout);

} // namespace ternion::runtime

#endif // TERNION_RUNTIME_LIB_LLM_LLMLAYOUT_H
