//===- Generate.cpp - ternion-run's LLM mode ------------------------------===//
//
// Streams the continuation of a prompt, one token at a time, through the
// runtime's generator (which owns the KV cache) and tokenizer. The prompt is
// echoed first, so the output reads as one text; --ids prints only the
// generated ids, for comparisons with references. A prompt given as ids
// (--prompt-ids) needs no tokenizer, so models shipped without one can be
// checked against reference ids too. Statistics go to stderr so that
// stdout stays the generated text.
//
//===----------------------------------------------------------------------===//
#include "Generate.h"

#include <chrono>
#include <cstdio>
#include <string>
#include <sys/resource.h>
#include <vector>

namespace ternion::run {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int fail(const std::string &message) {
  std::fprintf(stderr, "ternion-run: error: %s\n", message.c_str());
  return 1;
}

/// Takes ownership of `status`; returns its message, with a hint for the
/// errors a command-line option can fix.
std::string messageOf(tnx_status_t status) {
  std::string message = tnx_status_message(status);
  if (tnx_status_code(status) == TNX_STATUS_RESOURCE_EXHAUSTED)
    message += " (set --max-context)";
  tnx_status_free(status);
  return message;
}

struct Handles {
  tnx_artifact_t *artifact = nullptr;
  tnx_tokenizer_t *tokenizer = nullptr;
  tnx_generator_t *generator = nullptr;
  tnx_text_stream_t *stream = nullptr;
  ~Handles() {
    tnx_text_stream_release(stream);
    tnx_generator_release(generator);
    tnx_tokenizer_release(tokenizer);
    tnx_artifact_close(artifact);
  }
};

void printText(const char *text, size_t length) {
  std::fwrite(text, 1, length, stdout);
  std::fflush(stdout);
}

struct Timing {
  size_t promptTokens = 0;
  size_t generated = 0;
  double prefill = 0;
  double firstToken = 0;
  /// Time in the steps after the first token, each running one token.
  double decode = 0;
};

void printBench(const Timing &timing, const tnx_generator_t *generator) {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  double decodeSteps = timing.generated > 1 ? timing.generated - 1 : 0;
  std::fprintf(stderr,
               "prefill: %zu tokens in %.3f ms (%.1f tokens/s)\n"
               "decode: %zu tokens in %.3f ms (%.1f tokens/s)\n"
               "time to first token: %.3f ms\n"
               "peak RSS: %.1f MiB\n",
               timing.promptTokens, timing.prefill * 1e3,
               timing.prefill > 0 ? timing.promptTokens / timing.prefill : 0,
               static_cast<size_t>(decodeSteps), timing.decode * 1e3,
               timing.decode > 0 ? decodeSteps / timing.decode : 0,
               timing.firstToken * 1e3, usage.ru_maxrss / 1024.0);
  tnx_speculative_stats_t stats;
  stats.struct_size = sizeof(stats);
  int32_t draftTokens = tnx_generator_draft_tokens(generator);
  if (draftTokens == 0)
    return;
  if (tnx_status_t status = tnx_generator_speculative_stats(generator, &stats)) {
    tnx_status_free(status);
    return;
  }
  double passes = stats.target_passes ? static_cast<double>(stats.target_passes) : 1;
  std::fprintf(stderr,
               "speculative: %d draft tokens per pass; %llu target passes; acceptance %.1f%% "
               "(%llu of %llu drafted); %.2f tokens per target pass; %llu plain steps\n"
               "speculative time: draft %.3f ms (%.3f ms per pass), target %.3f ms (%.3f ms "
               "per pass)\n",
               draftTokens, static_cast<unsigned long long>(stats.target_passes),
               stats.drafted_tokens ? 100.0 * stats.accepted_tokens / stats.drafted_tokens : 0.0,
               static_cast<unsigned long long>(stats.accepted_tokens),
               static_cast<unsigned long long>(stats.drafted_tokens),
               stats.produced_tokens / passes,
               static_cast<unsigned long long>(stats.plain_steps), stats.draft_seconds * 1e3,
               stats.draft_seconds * 1e3 / passes, stats.target_seconds * 1e3,
               stats.target_seconds * 1e3 / passes);
}

tnx_status_t encodeText(const tnx_tokenizer_t *tokenizer,
                        const std::string &text, std::vector<int32_t> &ids) {
  int32_t *encoded = nullptr;
  size_t count = 0;
  if (tnx_status_t status = tnx_tokenizer_encode(
          tokenizer, text.data(), text.size(), -1, &encoded, &count))
    return status;
  ids.assign(encoded, encoded + count);
  tnx_free(encoded);
  return nullptr;
}

tnx_status_t decodeIds(const tnx_tokenizer_t *tokenizer,
                       const std::vector<int32_t> &ids, std::string &text) {
  char *decoded = nullptr;
  size_t length = 0;
  if (tnx_status_t status = tnx_tokenizer_decode(tokenizer, ids.data(),
                                                 ids.size(), &decoded, &length))
    return status;
  text.assign(decoded, length);
  tnx_free(decoded);
  return nullptr;
}

} // namespace

int runGenerateMode(const GenerateOptions &options) {
  Handles handles;
  tnx_artifact_options_t artifactOptions;
  tnx_artifact_options_init(&artifactOptions);
  artifactOptions.verify_weights = options.verifyWeights;
  if (tnx_status_t status = tnx_artifact_open(
          options.artifact.c_str(), &artifactOptions, &handles.artifact))
    return fail(messageOf(status));

  const std::string notLlm =
      options.artifact + ": not a language-model artifact: ";
  if (tnx_status_t status =
          tnx_artifact_tokenizer(handles.artifact, &handles.tokenizer)) {
    bool missing = tnx_status_code(status) == TNX_STATUS_NOT_FOUND;
    std::string message = messageOf(status);
    if (!missing)
      return fail(message);
    // Ids in, ids out: nothing to tokenize (and no EOS to stop at).
    bool llm = std::string(tnx_artifact_model_kind(handles.artifact)) == TNX_MODEL_KIND_LLM;
    if (!options.promptIds && llm)
      return fail(message + ": give the prompt as token ids (--prompt-ids "
                            "with --ids)");
    if (!options.promptIds)
      return fail(notLlm + message +
                  " (run tensor-mode artifacts with --input)");
    if (!options.printIds)
      return fail(message + ": without a tokenizer --prompt-ids can only "
                            "print token ids (add --ids)");
  }
  tnx_generator_options_t generatorOptions;
  tnx_generator_options_init(&generatorOptions);
  generatorOptions.function =
      options.function.empty() ? nullptr : options.function.c_str();
  generatorOptions.max_context = options.maxContext;
  generatorOptions.sampler = options.sampler;
  generatorOptions.draft_tokens = options.draftTokens;
  if (tnx_status_t status = tnx_generator_create(
          handles.artifact, &generatorOptions, &handles.generator)) {
    // A function that breaks the convention; not a bad option on a
    // language model.
    bool convention = tnx_status_code(status) == TNX_STATUS_INVALID_ARGUMENT &&
                      std::string(tnx_artifact_model_kind(handles.artifact)) != TNX_MODEL_KIND_LLM;
    std::string message = messageOf(status);
    return fail(convention ? notLlm + message : message);
  }

  // The prompt as ids and as the text echoed before the continuation.
  std::vector<int32_t> prompt;
  std::string promptText = options.prompt;
  if (options.promptIds) {
    prompt = *options.promptIds;
    if (!options.printIds)
      if (tnx_status_t status =
              decodeIds(handles.tokenizer, prompt, promptText))
        return fail(messageOf(status));
  } else if (tnx_status_t status =
                 encodeText(handles.tokenizer, options.prompt, prompt)) {
    return fail(messageOf(status));
  }
  if (prompt.empty())
    return fail("the prompt is empty (and the tokenizer adds no BOS): "
                "nothing to continue");
  if (!options.printIds) {
    if (tnx_status_t status = tnx_text_stream_create(
            handles.tokenizer, /*at_start=*/promptText.empty(),
            &handles.stream))
      return fail(messageOf(status));
    printText(promptText.data(), promptText.size());
  }
  Timing timing;
  timing.promptTokens = prompt.size();
  Clock::time_point start = Clock::now();
  if (tnx_status_t status = tnx_generator_prefill(handles.generator,
                                                  prompt.data(), prompt.size()))
    return fail(messageOf(status));
  timing.prefill = secondsSince(start);

  // -1 without a tokenizer: generate all -n tokens.
  int32_t eos = tnx_tokenizer_eos_id(handles.tokenizer);
  std::string error;
  for (int64_t i = 0; i < options.maxNewTokens; ++i) {
    Clock::time_point stepStart = Clock::now();
    int32_t token = -1;
    tnx_status_t status = tnx_generator_next(handles.generator, &token);
    double step = secondsSince(stepStart);
    if (status) {
      error = messageOf(status);
      break;
    }
    ++timing.generated;
    if (i == 0)
      timing.firstToken = timing.prefill + step;
    else
      timing.decode += step;
    if (token == eos)
      break;
    if (options.printIds) {
      std::printf("%s%d", i ? " " : "", token);
      std::fflush(stdout);
      continue;
    }
    const char *text = nullptr;
    size_t length = 0;
    if ((status = tnx_text_stream_put(handles.stream, token, &text, &length))) {
      error = messageOf(status);
      break;
    }
    printText(text, length);
  }
  if (!options.printIds) {
    const char *text = nullptr;
    size_t length = 0;
    if (tnx_status_t status =
            tnx_text_stream_flush(handles.stream, &text, &length))
      tnx_status_free(status);
    else
      printText(text, length);
  }
  printText("\n", 1);
  if (!error.empty())
    return fail(error);
  if (options.bench)
    printBench(timing, handles.generator);
  return 0;
}

} // namespace ternion::run
