//===- Sampler.cpp - Choosing the next token ------------------------------===//
//
// Greedy, or temperature + top-k + top-p in that order (as llama.cpp and
// Hugging Face apply them). Candidates are ordered by logit and then by
// token id, so ties break the same way everywhere and top-k keeps the lower
// ids.
//
//===----------------------------------------------------------------------===//
#include "llm/Sampler.h"
#include "core/Status.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <new>
#include <numeric>

using namespace ternion::runtime;

namespace {

bool before(const std::pair<float, int32_t> &a,
            const std::pair<float, int32_t> &b) {
  return a.first > b.first || (a.first == b.first && a.second < b.second);
}

tnx_status_t checkOptions(const tnx_sampler_options_t &options) {
  if (options.top_k < 0)
    return invalidArgument("sampler: top_k is " +
                           std::to_string(options.top_k) +
                           "; it must be >= 0 (0 keeps every token)");
  if (!(options.top_p > 0 && options.top_p <= 1))
    return invalidArgument("sampler: top_p is " +
                           std::to_string(options.top_p) +
                           "; it must be in (0, 1]");
  if (std::isnan(options.temperature))
    return invalidArgument("sampler: temperature is NaN");
  return nullptr;
}

/// The first index of the largest logit (logits are NaN-free).
int32_t argmax(const float *logits, size_t count) {
  size_t best = 0;
  for (size_t i = 1; i < count; ++i)
    if (logits[i] > logits[best])
      best = i;
  return static_cast<int32_t>(best);
}

/// Checks the logits and sets `best` to the argmax. `oneHot` is set when
/// sampling reduces to it: greedy options, or an +inf logit (which softmax
/// would turn into NaN).
tnx_status_t prepare(const tnx_sampler &sampler, const float *logits, size_t count, int32_t &best,
                     bool &oneHot) {
  if (count == 0)
    return invalidArgument("sampler: no logits");
  if (count > static_cast<size_t>(INT32_MAX))
    return invalidArgument("sampler: more logits than int32 token ids");
  bool finite = false;
  for (size_t i = 0; i < count; ++i) {
    if (std::isnan(logits[i]))
      return invalidArgument("sampler: logit " + std::to_string(i) + " is NaN");
    finite = finite || logits[i] != -INFINITY;
  }
  if (!finite)
    return invalidArgument("sampler: every logit is -inf");
  best = argmax(logits, count);
  oneHot = isGreedy(sampler) || logits[best] == INFINITY;
  return nullptr;
}

/// Fills sampler.candidates and sampler.weights with the candidates that
/// survive top-k and top-p, in order, and their unnormalized softmax
/// weights at the temperature; returns how many and their `total`.
size_t keepCandidates(tnx_sampler &sampler, const float *logits, size_t count, int32_t best,
                      double &total) {
  const tnx_sampler_options_t &options = sampler.options;
  auto &candidates = sampler.candidates;
  candidates.clear();
  for (size_t i = 0; i < count; ++i)
    candidates.emplace_back(logits[i], static_cast<int32_t>(i));
  size_t kept = count;
  if (options.top_k > 0 && static_cast<size_t>(options.top_k) < count) {
    kept = static_cast<size_t>(options.top_k);
    std::partial_sort(candidates.begin(), candidates.begin() + kept,
                      candidates.end(), before);
    candidates.resize(kept);
  } else if (options.top_p < 1) {
    std::sort(candidates.begin(), candidates.end(), before);
  }

  // Softmax in double, relative to the largest logit.
  double maximum = logits[best];
  double inverseTemperature = 1.0 / options.temperature;
  auto &weights = sampler.weights;
  weights.resize(kept);
  total = 0;
  for (size_t i = 0; i < kept; ++i) {
    weights[i] = std::exp((candidates[i].first - maximum) * inverseTemperature);
    total += weights[i];
  }
  if (options.top_p < 1) {
    // Candidates are sorted here: keep the shortest prefix reaching top_p.
    double threshold = options.top_p * total, sum = 0;
    size_t prefix = 0;
    while (prefix < kept) {
      sum += weights[prefix++];
      if (sum >= threshold)
        break;
    }
    kept = prefix;
    total = sum;
  }
  return kept;
}

tnx_status_t sample(tnx_sampler &sampler, const float *logits, size_t count,
                    int32_t &token) {
  int32_t best = 0;
  bool oneHot = false;
  if (tnx_status_t status = prepare(sampler, logits, count, best, oneHot))
    return status;
  if (oneHot) {
    token = best;
    return nullptr;
  }
  double total = 0;
  size_t kept = keepCandidates(sampler, logits, count, best, total);
  int32_t index = drawIndex(sampler.random, sampler.weights.data(), kept, total);
  token = index >= 0 ? sampler.candidates[index].second : best;
  return nullptr;
}

} // namespace

bool ternion::runtime::isGreedy(const tnx_sampler &sampler) {
  return sampler.options.temperature <= 0 || sampler.options.top_k == 1;
}

int32_t ternion::runtime::drawIndex(Pcg32 &random, const double *weights, size_t count,
                                    double total) {
  double target = random.uniform() * total, sum = 0;
  for (size_t i = 0; i < count; ++i) {
    sum += weights[i];
    if (target < sum)
      return static_cast<int32_t>(i);
  }
  // Rounding left target at the very top: take the last with weight.
  for (size_t i = count; i-- > 0;)
    if (weights[i] > 0)
      return static_cast<int32_t>(i);
  return -1;
}

int32_t ternion::runtime::drawIndex(Pcg32 &random, const std::vector<double> &weights) {
  return drawIndex(random, weights.data(), weights.size(),
                   std::accumulate(weights.begin(), weights.end(), 0.0));
}

tnx_status_t ternion::runtime::samplingDistribution(tnx_sampler &sampler, const float *logits,
                                                    size_t count,
                                                    std::vector<double> &probabilities) {
  int32_t best = 0;
  bool oneHot = false;
  if (tnx_status_t status = prepare(sampler, logits, count, best, oneHot))
    return status;
  probabilities.assign(count, 0.0);
  if (oneHot) {
    probabilities[best] = 1;
    return nullptr;
  }
  double total = 0;
  size_t kept = keepCandidates(sampler, logits, count, best, total);
  for (size_t i = 0; i < kept; ++i)
    probabilities[sampler.candidates[i].second] = sampler.weights[i] / total;
  return nullptr;
}

extern "C" {

void tnx_sampler_options_init(tnx_sampler_options_t *options) {
  if (!options)
    return;
  *options = tnx_sampler_options_t();
  options->struct_size = sizeof(tnx_sampler_options_t);
  options->temperature = 0.8f;
  options->top_k = 40;
  options->top_p = 0.95f;
  options->seed = 0;
}

tnx_status_t tnx_sampler_create(const tnx_sampler_options_t *options,
                                tnx_sampler_t **out) {
  if (!out)
    return invalidArgument("tnx_sampler_create: out is NULL");
  tnx_sampler_options_t chosen;
  tnx_sampler_options_init(&chosen);
  if (options) {
    // Callers compiled against fewer fields get defaults for the rest.
    if (options->struct_size <
        offsetof(tnx_sampler_options_t, seed) + sizeof(options->seed))
      return invalidArgument("tnx_sampler_create: options.struct_size is " +
                             std::to_string(options->struct_size) +
                             "; call tnx_sampler_options_init first");
    std::memcpy(&chosen, options,
                std::min(options->struct_size, sizeof(chosen)));
    chosen.struct_size = sizeof(chosen);
  }
  if (tnx_status_t status = checkOptions(chosen))
    return status;
  auto *sampler = new (std::nothrow) tnx_sampler;
  if (!sampler)
    return makeStatus(TNX_STATUS_OUT_OF_MEMORY, "out of memory");
  sampler->options = chosen;
  sampler->random.reseed(chosen.seed);
  *out = sampler;
  return nullptr;
}

void tnx_sampler_release(tnx_sampler_t *sampler) { delete sampler; }

void tnx_sampler_reseed(tnx_sampler_t *sampler, uint64_t seed) {
  if (sampler)
    sampler->random.reseed(seed);
}

tnx_status_t tnx_sampler_sample(tnx_sampler_t *sampler, const float *logits,
                                size_t count, int32_t *token) {
  if (!sampler || (!logits && count) || !token)
    return invalidArgument("tnx_sampler_sample: NULL argument");
  try {
    return sample(*sampler, logits, count, *token);
  } catch (const std::bad_alloc &) {
    return makeStatus(TNX_STATUS_OUT_OF_MEMORY, "out of memory");
  }
}

} // extern "C"
