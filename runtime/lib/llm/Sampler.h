//===- Sampler.h - Choosing the next token ----------------------*- C++ -*-===//
#ifndef TERNION_RUNTIME_LIB_LLM_SAMPLER_H
#define TERNION_RUNTIME_LIB_LLM_SAMPLER_H

#include "llm/Random.h"

#include "ternion/llm.h"

#include <cstdint>
#include <utility>
#include <vector>

struct tnx_sampler {
  tnx_sampler_options_t options;
  ternion::runtime::Pcg32 random;
  /// Scratch reused across calls: (logit, token) candidates, weights.
  std::vector<std::pair<float, int32_t>> candidates;
  std::vector<double> weights;
};

#endif // TERNION_RUNTIME_LIB_LLM_SAMPLER_H
