//===- Generator.cpp - Token-by-token generation with a KV cache ----------===//
//
// One model call per step over the tokens the model has not seen yet: the
// whole prompt at prefill (past length 0), then one token per decode step.
//
// The KV cache has two forms. Artifacts compiled with the default
// --kv-cache=in-place (tern-kv-cache-in-place) take each
// past_key_values.N as a [1, heads, max_context, head_dim] buffer that the
// generator allocates once and the compiled code appends the step's rows
// to: nothing is copied between steps. In the plain Optimum form the model
// concatenates past and new keys/values into fresh present.N buffers, and
// the generator keeps those outputs (one reference each) and binds them as
// the next step's past_key_values.N. The past inputs are unbound right
// after each run so the previous cache is freed as soon as the new one
// replaces it.
//
//===----------------------------------------------------------------------===//
#include "Artifact.h"
#include "LlmLayout.h"
#include "Sampler.h"
#include "Session.h"
#include "Status.h"
#include "Tensor.h"
#include "Tokenizer.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <new>

using namespace ternion::runtime;

namespace {
constexpr int64_t DefaultMaxContext = 2048;
} // namespace

struct tnx_generator {
  tnx_session *session = nullptr;
  tnx_sampler *sampler = nullptr;
  LlmLayout layout;
  int64_t maxContext = DefaultMaxContext;
  /// The context: every token prefilled or sampled.
  std::vector<int32_t> tokens;
  /// How many of `tokens` the model has seen (the KV cache length).
  size_t seen = 0;
  /// One tensor per layout.cache entry; null while the cache is empty.
  std::vector<tnx_tensor *> cache;
  /// Logits after tokens[seen - 1], as f32.
  std::vector<float> logits;
  /// Width of the logits: the manifest's, or learnt from the first run.
  int64_t vocab = -1;

  ~tnx_generator() {
    for (tnx_tensor *tensor : cache)
      tnx_tensor_release(tensor);
    tnx_sampler_release(sampler);
    tnx_session_release(session);
  }
};

namespace {

float halfToFloat(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16, exponent = (h >> 10) & 0x1f,
           mantissa = h & 0x3ffu, bits;
  if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa == 0) {
    bits = sign;
  } else {
    // Subnormal: normalize.
    exponent = 113;
    while (!(mantissa & 0x400u)) {
      mantissa <<= 1;
      --exponent;
    }
    bits = sign | (exponent << 23) | ((mantissa & 0x3ffu) << 13);
  }
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

float bf16ToFloat(uint16_t h) {
  uint32_t bits = static_cast<uint32_t>(h) << 16;
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

/// Copies row `row` of a [1, rows, width] logits tensor into `out` as f32.
void copyLogitsRow(const tnx_tensor &tensor, size_t row, size_t width,
                   std::vector<float> &out) {
  out.resize(width);
  size_t first = row * width;
  if (tensor.dtype == TNX_DTYPE_F32) {
    std::memcpy(out.data(), static_cast<const float *>(tensor.data) + first,
                width * sizeof(float));
    return;
  }
  const auto *halves = static_cast<const uint16_t *>(tensor.data) + first;
  for (size_t i = 0; i < width; ++i)
    out[i] = tensor.dtype == TNX_DTYPE_F16 ? halfToFloat(halves[i])
                                           : bf16ToFloat(halves[i]);
}

/// A new [1, count] tensor of dtype i64 or i32 holding first, first+step...
/// (step 0: all equal to `first`), or the given values.
tnx_status_t makeIndexTensor(tnx_dtype_t dtype, const int32_t *values,
                             int64_t first, int64_t step, size_t count,
                             tnx_tensor **out) {
  int64_t shape[2] = {1, static_cast<int64_t>(count)};
  tnx_tensor *tensor = nullptr;
  if (tnx_status_t status = tnx_tensor_create(dtype, shape, 2, &tensor))
    return status;
  for (size_t i = 0; i < count; ++i) {
    int64_t value = values ? values[i] : first + step * static_cast<int64_t>(i);
    if (dtype == TNX_DTYPE_I64)
      static_cast<int64_t *>(tensor->data)[i] = value;
    else
      static_cast<int32_t *>(tensor->data)[i] = static_cast<int32_t>(value);
  }
  *out = tensor;
  return nullptr;
}

tnx_status_t contextFull(size_t needed, int64_t maxContext) {
  return makeStatus(TNX_STATUS_RESOURCE_EXHAUSTED,
                    "context of " + std::to_string(needed) +
                        " tokens exceeds max_context " +
                        std::to_string(maxContext));
}

/// Binds a fresh tensor to input `index` and drops the caller's reference.
tnx_status_t bindNew(tnx_session *session, size_t index, tnx_tensor *tensor) {
  tnx_status_t status = tnx_session_bind_input(session, index, tensor);
  tnx_tensor_release(tensor);
  return status;
}

tnx_status_t badOutput(const std::string &name, const std::string &what) {
  return makeStatus(TNX_STATUS_INTERNAL, "output " + quote(name) + " " + what);
}

std::string shapeText(const tnx_tensor &tensor) {
  std::string text = "[";
  for (size_t i = 0; i < tensor.shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(tensor.shape[i]);
  return text + "]";
}

/// Runs the model over tokens[seen..) (over all tokens for a function
/// without a cache) and takes its logits and present.N outputs.
tnx_status_t runUnseen(tnx_generator &gen) {
  const LlmLayout &layout = gen.layout;
  const tnx_function &function = *gen.session->function;
  bool cached = !layout.cache.empty();
  size_t past = cached ? gen.seen : 0;
  size_t total = gen.tokens.size();
  size_t count = total - past;
  tnx_session *session = gen.session;

  tnx_tensor *tensor = nullptr;
  if (tnx_status_t status =
          makeIndexTensor(function.inputs[layout.inputIds].spec.dtype,
                          gen.tokens.data() + past, 0, 0, count, &tensor))
    return status;
  if (tnx_status_t status = bindNew(session, layout.inputIds, tensor))
    return status;
  if (layout.attentionMask != LlmLayout::None) {
    if (tnx_status_t status =
            makeIndexTensor(function.inputs[layout.attentionMask].spec.dtype,
                            nullptr, 1, 0, total, &tensor))
      return status;
    if (tnx_status_t status = bindNew(session, layout.attentionMask, tensor))
      return status;
  }
  if (layout.positionIds != LlmLayout::None) {
    if (tnx_status_t status = makeIndexTensor(
            function.inputs[layout.positionIds].spec.dtype, nullptr,
            static_cast<int64_t>(past), 1, count, &tensor))
      return status;
    if (tnx_status_t status = bindNew(session, layout.positionIds, tensor))
      return status;
  }
  for (size_t i = 0; i < layout.cache.size(); ++i) {
    const LlmLayout::CacheEntry &entry = layout.cache[i];
    tnx_tensor *pastTensor = gen.cache[i];
    if (!pastTensor) {
      // The empty cache of the prefill: [1, heads, 0, head_dim], or the
      // buffer an in-place cache keeps for the whole context.
      int64_t shape[4] = {1, entry.heads, entry.inPlace() ? gen.maxContext : 0,
                          entry.headDim};
      if (tnx_status_t status = tnx_tensor_create(
              function.inputs[entry.past].spec.dtype, shape, 4, &gen.cache[i]))
        return status;
      pastTensor = gen.cache[i];
    }
    if (tnx_status_t status =
            tnx_session_bind_input(session, entry.past, pastTensor))
      return status;
  }

  tnx_status_t ran = tnx_session_run(session);
  for (const LlmLayout::CacheEntry &entry : layout.cache)
    tnx_status_free(tnx_session_bind_input(session, entry.past, nullptr));
  if (ran)
    return ran;

  // Check everything before changing any state, so a failed step leaves
  // the generator as it was.
  tnx_tensor *logits = session->outputs[layout.logits];
  const std::string &logitsName = function.outputs[layout.logits].spec.name;
  if (logits->shape.size() != 3 || logits->shape[0] != 1 ||
      logits->shape[1] != static_cast<int64_t>(count) ||
      logits->shape[2] <= 0 ||
      (gen.vocab >= 0 && logits->shape[2] != gen.vocab))
    return badOutput(
        logitsName, "has shape " + shapeText(*logits) + "; expected [1, " +
                        std::to_string(count) + ", " +
                        (gen.vocab >= 0 ? std::to_string(gen.vocab) : "vocab") +
                        "]");
  for (const LlmLayout::CacheEntry &entry : layout.cache) {
    if (entry.inPlace())
      continue;
    const tnx_tensor *present = session->outputs[entry.present];
    const std::vector<int64_t> expected = {
        1, entry.heads, static_cast<int64_t>(total), entry.headDim};
    if (present->shape != expected)
      return badOutput(function.outputs[entry.present].spec.name,
                       "has shape " + shapeText(*present) + "; expected [1, " +
                           std::to_string(entry.heads) + ", " +
                           std::to_string(total) + ", " +
                           std::to_string(entry.headDim) + "]");
  }
  gen.vocab = logits->shape[2];
  copyLogitsRow(*logits, count - 1, static_cast<size_t>(gen.vocab), gen.logits);
  for (size_t i = 0; i < layout.cache.size(); ++i) {
    if (layout.cache[i].inPlace())
      continue;
    tnx_tensor *present = session->outputs[layout.cache[i].present];
    tnx_tensor_retain(present);
    tnx_tensor_release(gen.cache[i]);
    gen.cache[i] = present;
  }
  gen.seen = total;
  return nullptr;
}

tnx_status_t checkTokens(const tnx_generator &gen, const int32_t *ids,
                         size_t count) {
  // An id past the embedding table would make the compiled Gather read out
  // of bounds, so refuse it here.
  for (size_t i = 0; i < count; ++i)
    if (ids[i] < 0 || (gen.vocab >= 0 && ids[i] >= gen.vocab))
      return invalidArgument(
          "token " + std::to_string(ids[i]) + " (at " + std::to_string(i) +
          ") is out of range for a vocabulary of " + std::to_string(gen.vocab));
  return nullptr;
}

tnx_status_t ensureLogits(tnx_generator &gen) {
  if (gen.tokens.empty())
    return makeStatus(TNX_STATUS_FAILED_PRECONDITION,
                      "the context is empty: call tnx_generator_prefill first");
  if (gen.seen == gen.tokens.size())
    return nullptr;
  return runUnseen(gen);
}

tnx_status_t prefill(tnx_generator &gen, const int32_t *ids, size_t count) {
  if (count == 0)
    return invalidArgument("tnx_generator_prefill: no tokens");
  if (tnx_status_t status = checkTokens(gen, ids, count))
    return status;
  size_t before = gen.tokens.size();
  if (before + count > static_cast<size_t>(gen.maxContext))
    return contextFull(before + count, gen.maxContext);
  gen.tokens.insert(gen.tokens.end(), ids, ids + count);
  if (tnx_status_t status = runUnseen(gen)) {
    gen.tokens.resize(before);
    return status;
  }
  return nullptr;
}

tnx_status_t next(tnx_generator &gen, int32_t &token) {
  if (tnx_status_t status = ensureLogits(gen))
    return status;
  if (gen.tokens.size() + 1 > static_cast<size_t>(gen.maxContext))
    return contextFull(gen.tokens.size() + 1, gen.maxContext);
  int32_t chosen = 0;
  if (tnx_status_t status = tnx_sampler_sample(gen.sampler, gen.logits.data(),
                                               gen.logits.size(), &chosen)) {
    std::string message = tnx_status_message(status);
    tnx_status_free(status);
    return makeStatus(TNX_STATUS_INTERNAL,
                      "the model's logits cannot be sampled: " + message);
  }
  gen.tokens.push_back(chosen);
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
  bool atStart = gen.tokens.empty() && prompt[0] == '\0';
  int32_t *ids = nullptr;
  size_t count = 0;
  if (tnx_status_t status = tnx_tokenizer_encode(
          tokenizer, prompt, std::strlen(prompt), -1, &ids, &count))
    return status;
  std::vector<int32_t> promptIds(ids, ids + count);
  tnx_free(ids);
  if (promptIds.empty() && gen.tokens.empty())
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
  std::string error;
  const tnx_function *function =
      selectFunction(*artifact, chosen.function, error);
  if (!function)
    return makeStatus(TNX_STATUS_NOT_FOUND, error);
  LlmLayout layout;
  error = findLlmLayout(*function, layout);
  if (!error.empty())
    return invalidArgument(error + "; a language model needs inputs "
                                   "input_ids [, attention_mask, position_ids, "
                                   "past_key_values.N.key|value] and outputs "
                                   "logits [, present.N.key|value]");

  auto *gen = new (std::nothrow) tnx_generator;
  if (!gen)
    return makeStatus(TNX_STATUS_OUT_OF_MEMORY, "out of memory");
  gen->layout = std::move(layout);
  gen->vocab = gen->layout.vocab;
  gen->cache.assign(gen->layout.cache.size(), nullptr);
  int64_t fromManifest = artifact->manifest.generation.maxContext;
  gen->maxContext = chosen.max_context > 0 ? chosen.max_context
                    : fromManifest > 0     ? fromManifest
                                           : DefaultMaxContext;
  tnx_status_t status = tnx_sampler_create(&chosen.sampler, &gen->sampler);
  if (!status)
    status =
        tnx_session_create(artifact, function->name.c_str(), &gen->session);
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

tnx_status_t tnx_generator_next(tnx_generator_t *generator, int32_t *token) {
  if (!generator || !token)
    return invalidArgument("tnx_generator_next: NULL argument");
  try {
    return next(*generator, *token);
  } catch (const std::bad_alloc &) {
    return makeStatus(TNX_STATUS_OUT_OF_MEMORY, "out of memory");
  }
}

tnx_status_t tnx_generator_logits(tnx_generator_t *generator,
                                  const float **logits, size_t *count) {
  if (!generator || !logits || !count)
    return invalidArgument("tnx_generator_logits: NULL argument");
  try {
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
  // In-place caches keep their buffers: rows past the context are never
  // read, and the next prefill overwrites them.
  for (size_t i = 0; i < generator->cache.size(); ++i) {
    if (generator->layout.cache[i].inPlace())
      continue;
    tnx_tensor_release(generator->cache[i]);
    generator->cache[i] = nullptr;
  }
  generator->tokens.clear();
  generator->seen = 0;
  generator->logits.clear();
}

size_t tnx_generator_context_length(const tnx_generator_t *generator) {
  return generator ? generator->tokens.size() : 0;
}

int64_t tnx_generator_max_context(const tnx_generator_t *generator) {
  return generator ? generator->maxContext : 0;
}

size_t tnx_generator_vocab_size(const tnx_generator_t *generator) {
  return generator && generator->vocab > 0
             ? static_cast<size_t>(generator->vocab)
             : 0;
}

size_t tnx_generator_cache_tensor_count(const tnx_generator_t *generator) {
  return generator ? generator->layout.cache.size() : 0;
}

const tnx_function_t *tnx_generator_function(const tnx_generator_t *g) {
  return g ? g->session->function : nullptr;
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
  }
  if (generated)
    *generated = count;
  return status;
}

} // extern "C"
