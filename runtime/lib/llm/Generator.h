//===- Generator.h - Text generation over language-model steps --*- C++ -*-===//
//
// tnx_generator (ternion/llm.h) drives models (LlmModel, one per function)
// over named cache sets (CacheSet). The C API uses one of each, the
// "target": prefill is one step over the prompt, each decoded token one
// step of one token. Speculative decoding adds a draft model with its own
// cache set next to the target's, verifies the draft's tokens in one
// target step and truncates both sets to the accepted length
// (Speculative.h).
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_RUNTIME_LIB_LLM_GENERATOR_H
#define TERNION_RUNTIME_LIB_LLM_GENERATOR_H

#include "llm/CacheSet.h"
#include "llm/LlmModel.h"
#include "llm/Sampler.h"
#include "llm/Speculative.h"

#include "ternion/llm.h"

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

struct tnx_generator {
  tnx_artifact *artifact = nullptr;
  tnx_sampler *sampler = nullptr;
  int64_t maxContext = 0;
  /// The models it drives, by function name.
  std::map<std::string, std::unique_ptr<ternion::runtime::LlmModel>> models;
  /// Cache sets by name, each filled by one of `models`.
  std::map<std::string, std::unique_ptr<ternion::runtime::CacheSet>> caches;
  /// The model and cache set of the C API.
  ternion::runtime::LlmModel *target = nullptr;
  ternion::runtime::CacheSet *targetCache = nullptr;
  /// The end of the context the target's cache does not hold yet: the
  /// token next sampled, until the step that reads it. The context is the
  /// cache's tokens followed by these.
  std::vector<int32_t> pending;
  /// Logits after the last token of the target's cache, as f32.
  std::vector<float> logits;
  /// Where a step writes its logits, swapped with `logits` when it
  /// succeeds: both keep their capacity from step to step.
  ternion::runtime::StepLogits scratch;

  /// With a draft model (Speculative.h): its model and cache set; null
  /// when the generator runs the target alone.
  std::unique_ptr<ternion::runtime::Speculation> speculation;
  /// Tokens a speculative round produced that tnx_generator_next has not
  /// returned yet: the last of the target's cache tokens and `pending`.
  /// They are not part of the context until returned.
  std::deque<int32_t> ready;

  /// Tokens prefilled or returned so far.
  size_t contextLength() const {
    return targetCache->length() + pending.size() - ready.size();
  }

  ~tnx_generator();
};

namespace ternion::runtime {

/// The name of the C API's cache set.
inline constexpr const char TargetCacheName[] = "target";

/// The model of `function` (NOT_FOUND without it, INVALID_ARGUMENT if it
/// breaks the convention), opened on first use.
tnx_status_t generatorModel(tnx_generator &generator, const std::string &function, LlmModel *&out);

/// A new empty cache set called `name` for `model`, with room for
/// `capacity` tokens (0: the generator's max_context). INVALID_ARGUMENT if
/// the name is taken.
tnx_status_t addCacheSet(tnx_generator &generator, const std::string &name, const LlmModel &model,
                         CacheSet *&out, int64_t capacity = 0);

} // namespace ternion::runtime

#endif // TERNION_RUNTIME_LIB_LLM_GENERATOR_H
