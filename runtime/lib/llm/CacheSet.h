//===- CacheSet.h - The KV cache of one sequence ----------------*- C++ -*-===//
//
// A CacheSet is what a language-model function remembers of one sequence:
// the tokens it has run over and, for a function with past_key_values
// inputs, one buffer per input (LlmLayout::cache) holding their keys and
// values. A generator holds one per model it drives (the target, and a
// draft model's next to it for speculative decoding), and a step
// (LlmModel::step) extends one by the tokens it runs.
//
// Speculative decoding runs tokens the target then rejects, so a set can be
// truncated back to a shorter accepted length.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_RUNTIME_LIB_LLM_CACHESET_H
#define TERNION_RUNTIME_LIB_LLM_CACHESET_H

#include "core/Tensor.h"
#include "llm/LlmLayout.h"

#include <cstdint>
#include <vector>

namespace ternion::runtime {

class CacheSet {
public:
  /// An empty cache for `function` (described by `layout`, which must
  /// outlive the set) on `device`, for up to `capacity` tokens: the size
  /// of an in-place cache's buffers.
  CacheSet(Device &device, const LlmLayout &layout, const tnx_function &function, int64_t capacity);
  ~CacheSet();
  CacheSet(const CacheSet &) = delete;
  CacheSet &operator=(const CacheSet &) = delete;

  /// The tokens the cache holds keys and values for, in order.
  const std::vector<int32_t> &tokens() const { return heldTokens; }
  size_t length() const { return heldTokens.size(); }
  int64_t capacity() const { return maxTokens; }

  /// Keeps the first `length` tokens and forgets the rest. An in-place
  /// cache only moves its length back (the rows after it are never read,
  /// and the next step overwrites them); an Optimum cache copies the rows
  /// it keeps into shorter buffers, since the compiled code takes the past
  /// length from their shape. On failure the set is unchanged.
  tnx_status_t truncate(size_t length);
  /// Forgets every token. In-place buffers are kept for the next sequence.
  void clear();

  /// The buffer bound as past_key_values input `layout.cache[i].past`,
  /// created on first use: [1, heads, 0, head_dim] for an empty Optimum
  /// cache, the zero-filled [1, heads, capacity, head_dim] buffer of an
  /// in-place one.
  tnx_status_t pastBuffer(size_t i, tnx_tensor *&out);

  /// Records a step over `tokens`: each Optimum buffer becomes `present[i]`
  /// (retained; null entries, for in-place caches, keep theirs).
  void extend(const int32_t *tokens, size_t count, const std::vector<tnx_tensor *> &present);

private:
  Device &device;
  const LlmLayout &layout;
  const tnx_function &function;
  int64_t maxTokens;
  std::vector<int32_t> heldTokens;
  /// One per layout.cache entry; null until first used, and while an
  /// Optimum cache is empty.
  std::vector<tnx_tensor *> buffers;
};

} // namespace ternion::runtime

#endif // TERNION_RUNTIME_LIB_LLM_CACHESET_H
