//===- LlmModel.h - Steps of a language-model function ----------*- C++ -*-===//
//
// One language-model function of an artifact, run step by step: a step
// takes N >= 1 new tokens after those a CacheSet holds, runs the function
// once over them (positions and attention mask extended to match) and
// returns the logits of the last ones it is asked for. A prompt is one step
// of many tokens; ordinary decoding, steps of one; a speculative target
// verifies a draft's tokens in one step and reads the logits of each.
//
// The model is stateless between steps: everything a sequence remembers is
// in its CacheSet, so one model can serve several sets.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_RUNTIME_LIB_LLM_LLMMODEL_H
#define TERNION_RUNTIME_LIB_LLM_LLMMODEL_H

#include "core/Session.h"
#include "llm/CacheSet.h"
#include "llm/LlmLayout.h"
#include "llm/Logits.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace ternion::runtime {

class LlmModel {
public:
  /// Finds `function`'s layout (INVALID_ARGUMENT, naming what is missing,
  /// if it does not follow the convention of ternion/llm.h) and opens a
  /// session on it.
  static tnx_status_t create(tnx_artifact &artifact, const tnx_function &function,
                             std::unique_ptr<LlmModel> &out);
  ~LlmModel();
  LlmModel(const LlmModel &) = delete;
  LlmModel &operator=(const LlmModel &) = delete;

  const tnx_function &function() const { return *session->function; }
  const LlmLayout &layout() const { return llmLayout; }
  Device &device() const { return *session->artifact->device; }
  /// The width of the logits: the manifest's, or learnt from the first
  /// step; -1 before that.
  int64_t vocab() const { return vocabSize; }

  /// A new, empty cache set for this model, holding up to `capacity`
  /// tokens.
  std::unique_ptr<CacheSet> newCacheSet(int64_t capacity) const;

  /// Runs the model over `count` >= 1 `tokens` following `cache`'s and
  /// appends them to it. `logits` receives the rows of the last
  /// `logitRows` (1 to count) tokens: row i follows token
  /// count - logitRows + i. A function without a KV cache reruns every
  /// token the set holds. Checks the outputs before changing anything, so
  /// a failed step leaves `cache` as it was. Tokens are not range-checked
  /// here (the caller knows the vocabulary it accepts).
  tnx_status_t step(CacheSet &cache, const int32_t *tokens, size_t count, size_t logitRows,
                    StepLogits &logits);

private:
  LlmModel() = default;

  /// Binds a new [1, indices.size()] tensor of `indices` to index input
  /// `input` (i64 or i32, as the function declares it).
  tnx_status_t bindIndices(size_t input);

  tnx_session *session = nullptr;
  LlmLayout llmLayout;
  int64_t vocabSize = -1;
  /// Host scratch of a step, kept so that decoding allocates no host
  /// memory per token: index values, their i32 form, present.N outputs.
  std::vector<int64_t> indices;
  std::vector<int32_t> narrowIndices;
  std::vector<tnx_tensor *> present;
};

} // namespace ternion::runtime

#endif // TERNION_RUNTIME_LIB_LLM_LLMMODEL_H
