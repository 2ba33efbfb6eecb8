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

namespace ternion::runtime {

/// Whether `sampler` always picks the argmax (temperature <= 0 or top_k 1).
bool isGreedy(const tnx_sampler &sampler);

/// The distribution tnx_sampler_sample draws from for `logits`, as a
/// probability per id (0 for the ids top-k and top-p drop; one-hot at the
/// argmax when greedy). Speculative decoding's rejection sampling compares
/// the draft's and the target's, so both must be exactly what the sampler
/// does. Same errors as tnx_sampler_sample.
tnx_status_t samplingDistribution(tnx_sampler &sampler, const float *logits, size_t count,
                                  std::vector<double> &probabilities);

/// Index i with probability weights[i] / total (`total` their sum, > 0),
/// from one uniform draw; -1 when every weight is 0.
int32_t drawIndex(Pcg32 &random, const double *weights, size_t count, double total);
/// The same over all of `weights`, whose sum it takes.
int32_t drawIndex(Pcg32 &random, const std::vector<double> &weights);

} // namespace ternion::runtime

#endif // TERNION_RUNTIME_LIB_LLM_SAMPLER_H
