//===- Generator.cpp - Token-by-token generation with a KV cache ----------===//
//
// The C API of ternion/llm.h over LlmModel steps: the whole prompt in one
// step at prefill, then one token per decode step, all on the target's
// cache set (Generator.h). LlmModel.cpp describes the two forms of KV
// cache.
//
//===----------------------------------------------------------------------===//
#include "llm/Generator.h"
#include "core/Artifact.h"
#include "core/Status.h"
#include "tokenizer/Tokenizer.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <new>
#include <utility>

using namespace ternion::runtime;

namespace {
constexpr int64_t DefaultMaxContext = 2048;
} // namespace

tnx_generator::~tnx_generator() {
  // Cache sets before the models whose layouts they refer to.
  caches.clear();
  models.clear();
  tnx_sampler_release(sampler);
  releaseArtifact(artifact);
}

tnx_status_t ternion::runtime::generatorModel(tnx_generator &gen,
                                              const std::string &function,
                                              LlmModel *&out) {
  auto it = gen.models.find(function);
  if (it == gen.models.end()) {
    const tnx_function *found = nullptr;
    if (tnx_status_t status = tnx_artifact_find_function(gen.artifact, function.c_str(), &found))
      return status;
    std::unique_ptr<LlmModel> model;
    if (tnx_status_t status = LlmModel::create(*gen.artifact, *found, model))
      return status;
    it = gen.models.emplace(function, std::move(model)).first;
  }
  out = it->second.get();
  return nullptr;
}

tnx_status_t ternion::runtime::addCacheSet(tnx_generator &gen,
                                           const std::string &name,
                                           const LlmModel &model,
                                           CacheSet *&out, int64_t capacity) {
  if (gen.caches.count(name))
    return invalidArgument("the generator already has a cache set " +
                           quote(name));
  std::unique_ptr<CacheSet> cache =
      model.newCacheSet(capacity > 0 ? capacity : gen.maxContext);
  out = cache.get();
  gen.caches.emplace(name, std::move(cache));
  return nullptr;
}

namespace {

tnx_status_t contextFull(size_t needed, int64_t maxContext) {
  return makeStatus(TNX_STATUS_RESOURCE_EXHAUSTED,
                    "context of " + std::to_string(needed) +
                        " tokens exceeds max_context " +
                        std::to_string(maxContext));
}

/// Runs the target over the pending tokens and keeps the logits after the
/// last one.
tnx_status_t runPending(tnx_generator &gen) {
  if (tnx_status_t status = gen.target->step(*gen.targetCache, gen.pending.data(),
                                             gen.pending.size(), /*logitRows=*/1, gen.scratch))
    return status;
  gen.pending.clear();
  std::swap(gen.logits, gen.scratch.values);
  return nullptr;
}

/// Takes back the tokens a speculative round produced that were not
/// returned yet, before anything else changes the context: the target's
/// cache keeps the returned ones but the last, which becomes pending again.
tnx_status_t settle(tnx_generator &gen) {
  if (gen.ready.empty())
    return nullptr;
  // pending holds the last produced token, the others are the cache's last.
  size_t keep = gen.targetCache->length() - (gen.ready.size() - 1);
  int32_t last = gen.targetCache->tokens()[keep - 1];
  if (tnx_status_t status = gen.targetCache->truncate(keep - 1))
    return status;
  gen.pending.assign(1, last);
  gen.ready.clear();
  return nullptr;
}

tnx_status_t checkTokens(const tnx_generator &gen, const int32_t *ids,
                         size_t count) {
  // An id past the embedding table would make the compiled Gather read out
  // of bounds, so refuse it here.
  for (size_t i = 0; i < count; ++i)
    if (ids[i] < 0 ||
        (gen.target->vocab() >= 0 && ids[i] >= gen.target->vocab()))
      return invalidArgument("token " + std::to_string(ids[i]) + " (at " +
                             std::to_string(i) +
                             ") is out of range for a vocabulary of " +
                             std::to_string(gen.target->vocab()));
  return nullptr;
}

tnx_status_t ensureLogits(tnx_generator &gen) {
  if (gen.contextLength() == 0)
    return makeStatus(TNX_STATUS_FAILED_PRECONDITION,
                      "the context is empty: call tnx_generator_prefill first");
  if (gen.pending.empty())
    return nullptr;
  return runPending(gen);
}

/// Whether `count` tokens `ids` may be appended to the context: some, each
/// in the vocabulary, and room for them.
tnx_status_t checkAppend(const tnx_generator &gen, const char *caller, const int32_t *ids,
                         size_t count) {
  if (count == 0)
    return invalidArgument(std::string(caller) + ": no tokens");
  if (tnx_status_t status = checkTokens(gen, ids, count))
    return status;
  size_t length = gen.contextLength();
  if (length + count > static_cast<size_t>(gen.maxContext))
    return contextFull(length + count, gen.maxContext);
  return nullptr;
}

tnx_status_t prefill(tnx_generator &gen, const int32_t *ids, size_t count) {
  if (tnx_status_t status = settle(gen))
    return status;
  if (tnx_status_t status = checkAppend(gen, "tnx_generator_prefill", ids, count))
    return status;
  size_t before = gen.pending.size();
  gen.pending.insert(gen.pending.end(), ids, ids + count);
  if (tnx_status_t status = runPending(gen)) {
    gen.pending.resize(before);
    return status;
  }
  return nullptr;
}

/// log softmax(row)[token], in double so that a vocabulary of 100k f32
/// logits loses nothing in the sum.
double logProbability(const float *row, size_t vocab, int32_t token) {
  float largest = row[0];
  for (size_t i = 1; i < vocab; ++i)
    largest = std::max(largest, row[i]);
  double sum = 0;
  for (size_t i = 0; i < vocab; ++i)
    sum += std::exp(static_cast<double>(row[i]) - largest);
  return static_cast<double>(row[token]) - largest - std::log(sum);
}

tnx_status_t score(tnx_generator &gen, const int32_t *ids, size_t count, double *logProbs) {
  if (tnx_status_t status = settle(gen))
    return status;
  if (tnx_status_t status = checkAppend(gen, "tnx_generator_score", ids, count))
    return status;
  // The first token's prediction comes from the context before it.
  if (gen.contextLength() > 0) {
    if (tnx_status_t status = ensureLogits(gen))
      return status;
    logProbs[0] = logProbability(gen.logits.data(), gen.logits.size(), ids[0]);
  } else {
    logProbs[0] = std::nan("");
  }
  if (tnx_status_t status =
          gen.target->step(*gen.targetCache, ids, count, /*logitRows=*/count, gen.scratch))
    return status;
  const StepLogits &rows = gen.scratch;
  for (size_t i = 0; i + 1 < count; ++i)
    logProbs[i + 1] = logProbability(rows.row(i), rows.vocab, ids[i + 1]);
  // The last row is the logits after the context, as a prefill leaves them.
  gen.logits.assign(rows.row(count - 1), rows.row(count - 1) + rows.vocab);
  return nullptr;
}

tnx_status_t next(tnx_generator &gen, int32_t &token) {
  if (gen.ready.empty() && gen.speculation && gen.pending.size() == 1)
    if (tnx_status_t status = speculate(gen))
      return status;
  if (!gen.ready.empty()) {
    token = gen.ready.front();
    gen.ready.pop_front();
    return nullptr;
  }
  if (gen.speculation)
    ++gen.speculation->stats.plain_steps;
  if (tnx_status_t status = ensureLogits(gen))
    return status;
  if (gen.contextLength() + 1 > static_cast<size_t>(gen.maxContext))
    return contextFull(gen.contextLength() + 1, gen.maxContext);
  int32_t chosen = 0;
  if (tnx_status_t status = tnx_sampler_sample(gen.sampler, gen.logits.data(),
                                               gen.logits.size(), &chosen)) {
    std::string message = tnx_status_message(status);
    tnx_status_free(status);
    return makeStatus(TNX_STATUS_INTERNAL,
                      "the model's logits cannot be sampled: " + message);
  }
  gen.pending.push_back(chosen);
  token = chosen;
  return nullptr;
}

const tnx_function *selectFunction(const tnx_artifact &artifact,
                                   const char *name, std::string &error) {
  if (name) {
    for (const tnx_function &function : artifact.functions)
      if (function.name == name)
        return &function;
    error = "the artifact has no function " + quote(name);
    return nullptr;
  }
  for (const tnx_function &function : artifact.functions)
    if (function.name == "main")
      return &function;
  return &artifact.functions.front();
}

struct GenerateCall {
  tnx_generate_callback_t callback;
  void *userData;
};

tnx_status_t generate(tnx_generator &gen, tnx_tokenizer *tokenizer,
                      const char *prompt, size_t maxNewTokens,
                      GenerateCall call, size_t &generated) {
  bool atStart = gen.contextLength() == 0 && prompt[0] == '\0';
  int32_t *ids = nullptr;
  size_t count = 0;
  if (tnx_status_t status = tnx_tokenizer_encode(
          tokenizer, prompt, std::strlen(prompt), -1, &ids, &count))
    return status;
  std::vector<int32_t> promptIds(ids, ids + count);
  tnx_free(ids);
  if (promptIds.empty() && gen.contextLength() == 0)
    return invalidArgument("the prompt is empty and the context too (and the "
                           "tokenizer adds no BOS): nothing to continue");
  if (!promptIds.empty())
    if (tnx_status_t status = prefill(gen, promptIds.data(), promptIds.size()))
      return status;
  tnx_text_stream *stream = nullptr;
  if (tnx_status_t status = tnx_text_stream_create(tokenizer, atStart, &stream))
    return status;
  tnx_status_t result = nullptr;
  bool stopped = false;
  while (generated < maxNewTokens && !stopped) {
    int32_t token = 0;
    if ((result = next(gen, token)))
      break;
    ++generated;
    if (token == tokenizer->eosId) {
      call.callback(call.userData, token, "", 0);
      break;
    }
    const char *text = nullptr;
    size_t length = 0;
    if ((result = tnx_text_stream_put(stream, token, &text, &length)))
      break;
    stopped = call.callback(call.userData, token, text, length) != 0;
  }
  const char *text = nullptr;
  size_t length = 0;
  tnx_status_t flushed = tnx_text_stream_flush(stream, &text, &length);
  if (!flushed && length && !result)
    call.callback(call.userData, -1, text, length);
  tnx_status_free(flushed);
  tnx_text_stream_release(stream);
  return result;
}

} // namespace

extern "C" {

void tnx_generator_options_init(tnx_generator_options_t *options) {
  if (!options)
    return;
  *options = tnx_generator_options_t();
  options->struct_size = sizeof(*options);
  options->function = nullptr;
  options->max_context = 0;
  tnx_sampler_options_init(&options->sampler);
  options->draft_tokens = -1;
}

tnx_status_t tnx_generator_create(tnx_artifact_t *artifact,
                                  const tnx_generator_options_t *options,
                                  tnx_generator_t **out) {
  if (!artifact || !out)
    return invalidArgument("tnx_generator_create: NULL argument");
  tnx_generator_options_t chosen;
  tnx_generator_options_init(&chosen);
  if (options) {
    // Callers compiled against fewer fields get defaults for the rest.
    if (options->struct_size <
        offsetof(tnx_generator_options_t, sampler) + sizeof(options->sampler))
      return invalidArgument("tnx_generator_create: options.struct_size is " +
                             std::to_string(options->struct_size) +
                             "; call tnx_generator_options_init first");
    std::memcpy(&chosen, options,
                std::min(options->struct_size, sizeof(chosen)));
    chosen.struct_size = sizeof(chosen);
  }
  if (chosen.max_context < 0)
    return invalidArgument("tnx_generator_create: max_context is negative");
  const SpeculativeSpec &speculative = artifact->manifest.speculative;
  if (chosen.draft_tokens < -1 || chosen.draft_tokens > TNX_MAX_DRAFT_TOKENS)
    return invalidArgument("tnx_generator_create: draft_tokens is " +
                           std::to_string(chosen.draft_tokens) +
                           "; it must be -1 (the artifact's), 0 (no draft) or 1.." +
                           std::to_string(TNX_MAX_DRAFT_TOKENS));
  if (chosen.draft_tokens > 0 && !speculative.present)
    return invalidArgument("tnx_generator_create: draft_tokens is " +
                           std::to_string(chosen.draft_tokens) + " but " + artifact->path +
                           " has no draft model (compile it with ternion-compile --draft)");
  std::string error;
  const tnx_function *function =
      selectFunction(*artifact, chosen.function, error);
  if (!function)
    return makeStatus(TNX_STATUS_NOT_FOUND, error);

  auto *gen = new (std::nothrow) tnx_generator;
  if (!gen)
    return makeStatus(TNX_STATUS_OUT_OF_MEMORY, "out of memory");
  retainArtifact(artifact);
  gen->artifact = artifact;
  int64_t fromManifest = artifact->manifest.generation.maxContext;
  gen->maxContext = chosen.max_context > 0 ? chosen.max_context
                    : fromManifest > 0     ? fromManifest
                                           : DefaultMaxContext;
  tnx_status_t status = nullptr;
  try {
    status = generatorModel(*gen, function->name, gen->target);
    if (!status)
      status =
          addCacheSet(*gen, TargetCacheName, *gen->target, gen->targetCache);
    // The draft speculates for its target only: by default another function
    // of the artifact runs alone, and asking for a draft there is an error.
    bool isTarget = speculative.present && function->name == speculative.target;
    int32_t draftTokens = chosen.draft_tokens >= 0 ? chosen.draft_tokens
                          : isTarget ? static_cast<int32_t>(speculative.draftTokens)
                                     : 0;
    if (!status && draftTokens > 0) {
      if (!isTarget)
        status = invalidArgument("tnx_generator_create: the draft model of " + artifact->path +
                                 " speculates for '" + speculative.target + "', not '" +
                                 function->name + "'");
      else
        status = startSpeculation(*gen, draftTokens);
    }
  } catch (const std::bad_alloc &) {
    status = makeStatus(TNX_STATUS_OUT_OF_MEMORY, "out of memory");
  }
  if (!status)
    status = tnx_sampler_create(&chosen.sampler, &gen->sampler);
  if (status) {
    delete gen;
    return status;
  }
  *out = gen;
  return nullptr;
}

void tnx_generator_release(tnx_generator_t *generator) { delete generator; }

tnx_status_t tnx_generator_prefill(tnx_generator_t *generator,
                                   const int32_t *ids, size_t count) {
  if (!generator || (!ids && count))
    return invalidArgument("tnx_generator_prefill: NULL argument");
  try {
    return prefill(*generator, ids, count);
  } catch (const std::bad_alloc &) {
    return makeStatus(TNX_STATUS_OUT_OF_MEMORY, "out of memory");
  }
}

tnx_status_t tnx_generator_score(tnx_generator_t *generator, const int32_t *ids, size_t count,
                                 double *log_probs) {
  if (!generator || (!ids && count) || (!log_probs && count))
    return invalidArgument("tnx_generator_score: NULL argument");
  try {
    return score(*generator, ids, count, log_probs);
  } catch (const std::bad_alloc &) {
    return makeStatus(TNX_STATUS_OUT_OF_MEMORY, "out of memory");
  }
}

tnx_status_t tnx_generator_next(tnx_generator_t *generator, int32_t *token) {
  if (!generator || !token)
    return invalidArgument("tnx_generator_next: NULL argument");
  try {
    return next(*generator, *token);
  } catch (const std::bad_alloc &) {
    return makeStatus(TNX_STATUS_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception &error) {
    // A tokenizer's (a speculative round re-encodes text).
    return makeStatus(TNX_STATUS_INTERNAL, std::string("tnx_generator_next: ") + error.what());
  }
}

tnx_status_t tnx_generator_logits(tnx_generator_t *generator,
                                  const float **logits, size_t *count) {
  if (!generator || !logits || !count)
    return invalidArgument("tnx_generator_logits: NULL argument");
  try {
    if (tnx_status_t status = settle(*generator))
      return status;
    if (tnx_status_t status = ensureLogits(*generator))
      return status;
  } catch (const std::bad_alloc &) {
    return makeStatus(TNX_STATUS_OUT_OF_MEMORY, "out of memory");
  }
  *logits = generator->logits.data();
  *count = generator->logits.size();
  return nullptr;
}

void tnx_generator_reset(tnx_generator_t *generator) {
  if (!generator)
    return;
  // Every cache set starts over (a draft's too). In-place caches keep their
  // buffers: rows past the context are never read, and the next prefill
  // overwrites them.
  for (auto &[name, cache] : generator->caches)
    cache->clear();
  generator->pending.clear();
  generator->ready.clear();
  generator->logits.clear();
}

size_t tnx_generator_context_length(const tnx_generator_t *generator) {
  return generator ? generator->contextLength() : 0;
}

int64_t tnx_generator_max_context(const tnx_generator_t *generator) {
  return generator ? generator->maxContext : 0;
}

size_t tnx_generator_vocab_size(const tnx_generator_t *generator) {
  return generator && generator->target->vocab() > 0
             ? static_cast<size_t>(generator->target->vocab())
             : 0;
}

size_t tnx_generator_cache_tensor_count(const tnx_generator_t *generator) {
  return generator ? generator->target->layout().cache.size() : 0;
}

const tnx_function_t *tnx_generator_function(const tnx_generator_t *g) {
  return g ? &g->target->function() : nullptr;
}

int32_t tnx_generator_draft_tokens(const tnx_generator_t *g) {
  return g && g->speculation ? g->speculation->draftTokens : 0;
}

tnx_status_t tnx_generator_speculative_stats(const tnx_generator_t *g,
                                             tnx_speculative_stats_t *stats) {
  if (!g || !stats)
    return invalidArgument("tnx_generator_speculative_stats: NULL argument");
  if (stats->struct_size < sizeof(size_t))
    return invalidArgument("tnx_generator_speculative_stats: set stats->struct_size");
  tnx_speculative_stats_t values = {};
  if (g->speculation)
    values = g->speculation->stats;
  values.struct_size = stats->struct_size;
  std::memcpy(stats, &values, std::min(stats->struct_size, sizeof(values)));
  return nullptr;
}

tnx_status_t tnx_generator_generate(tnx_generator_t *generator,
                                    tnx_tokenizer_t *tokenizer,
                                    const char *prompt, size_t max_new_tokens,
                                    tnx_generate_callback_t callback,
                                    void *user_data, size_t *generated) {
  if (!generator || !tokenizer || !prompt || !callback)
    return invalidArgument("tnx_generator_generate: NULL argument");
  size_t count = 0;
  tnx_status_t status = nullptr;
  try {
    status = generate(*generator, tokenizer, prompt, max_new_tokens,
                      GenerateCall{callback, user_data}, count);
  } catch (const std::bad_alloc &) {
    status = makeStatus(TNX_STATUS_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception &error) {
    status = makeStatus(TNX_STATUS_INTERNAL,
                        std::string("tnx_generator_generate: ") + error.what());
  }
  if (generated)
    *generated = count;
  return status;
}

} // extern "C"
