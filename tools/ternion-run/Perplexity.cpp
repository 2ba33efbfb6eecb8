//===- Perplexity.cpp - ternion-run's perplexity mode ---------------------===//
//
// The perplexity of a text under the model, the number quantization is
// judged by. The text is tokenized whole (no BOS) and cut into windows of
// N tokens; each window runs from an empty cache, in one step, and every
// position predicts the token after it, the last one the first token of the
// next window. So every token but the first is scored exactly once, from
// the up to N tokens before it in its window: with T tokens there are
// floor((T-1)/N) windows and N scores per window. PyTorch's
// cross_entropy(model(x[i:i+N]), x[i+1:i+N+1]) is the same measurement,
// which is how the fixtures' reference perplexities were computed.
//
// Progress (windows done, running perplexity, tokens/s) goes to stderr;
// stdout gets the one result line, in llama-perplexity's form.
//
//===----------------------------------------------------------------------===//
#include "Perplexity.h"
#include "TensorFiles.h"

#include "ternion/llm.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

namespace ternion::run {
namespace {

using Clock = std::chrono::steady_clock;

int fail(const std::string &message) {
  std::fprintf(stderr, "ternion-run: error: %s\n", message.c_str());
  return 1;
}

std::string messageOf(tnx_status_t status) {
  std::string message = tnx_status_message(status);
  tnx_status_free(status);
  return message;
}

struct Handles {
  tnx_artifact_t *artifact = nullptr;
  tnx_tokenizer_t *tokenizer = nullptr;
  tnx_generator_t *generator = nullptr;
  ~Handles() {
    tnx_generator_release(generator);
    tnx_tokenizer_release(tokenizer);
    tnx_artifact_close(artifact);
  }
};

constexpr int64_t DefaultWindow = 512;

} // namespace

int runPerplexityMode(const PerplexityOptions &options) {
  // Texts to score are at most 1 GiB (about 250M tokens).
  std::string text, error;
  if (!readInputFile(options.textFile, uint64_t(1) << 30, text, error))
    return fail(error);

  Handles handles;
  tnx_artifact_options_t artifactOptions;
  tnx_artifact_options_init(&artifactOptions);
  artifactOptions.verify_weights = options.verifyWeights;
  if (tnx_status_t status =
          tnx_artifact_open(options.artifact.c_str(), &artifactOptions, &handles.artifact))
    return fail(messageOf(status));
  if (tnx_status_t status = tnx_artifact_tokenizer(handles.artifact, &handles.tokenizer))
    return fail(options.artifact + ": --perplexity needs the model's tokenizer: " +
                messageOf(status) + " (compile with --tokenizer)");

  int32_t *encoded = nullptr;
  size_t tokenCount = 0;
  if (tnx_status_t status = tnx_tokenizer_encode(handles.tokenizer, text.data(), text.size(),
                                                 /*add_bos=*/0, &encoded, &tokenCount))
    return fail(options.textFile + ": " + messageOf(status));
  std::vector<int32_t> tokens(encoded, encoded + tokenCount);
  tnx_free(encoded);

  tnx_generator_options_t generatorOptions;
  tnx_generator_options_init(&generatorOptions);
  generatorOptions.function = options.function.empty() ? nullptr : options.function.c_str();
  // Scoring runs the target over the text; a draft model would idle.
  generatorOptions.draft_tokens = 0;
  if (tnx_status_t status =
          tnx_generator_create(handles.artifact, &generatorOptions, &handles.generator))
    return fail(options.artifact + ": " + messageOf(status));
  int64_t maxContext = tnx_generator_max_context(handles.generator);
  int64_t window = options.context ? options.context : std::min(maxContext, DefaultWindow);
  if (window > maxContext)
    return fail(options.artifact + ": --context " + std::to_string(window) +
                " exceeds the artifact's max context " + std::to_string(maxContext) +
                " (compile with a larger --max-context)");

  // A window of N tokens scores N: the prediction after its last token is
  // the next window's first.
  size_t windows = tokens.size() > 1 ? (tokens.size() - 1) / window : 0;
  if (options.maxWindows > 0)
    windows = std::min<size_t>(windows, options.maxWindows);
  if (windows == 0)
    return fail(options.textFile + ": " + std::to_string(tokens.size()) +
                " tokens are too few for one window of " + std::to_string(window) +
                " (+1); lower --context");
  std::fprintf(stderr, "perplexity: %zu tokens, %zu windows of %lld\n", tokens.size(), windows,
               static_cast<long long>(window));

  std::vector<double> logProbs(window + 1);
  double sum = 0;
  size_t scored = 0;
  Clock::time_point start = Clock::now();
  for (size_t w = 0; w < windows; ++w) {
    tnx_generator_reset(handles.generator);
    // The window plus the next token: that token is appended to the context
    // only to be scored (the model does not see it as input).
    const int32_t *first = tokens.data() + w * window;
    if (tnx_status_t status =
            tnx_generator_score(handles.generator, first, window, logProbs.data()))
      return fail(options.artifact + ": window " + std::to_string(w) + ": " + messageOf(status));
    const float *last = nullptr;
    size_t vocab = 0;
    if (tnx_status_t status = tnx_generator_logits(handles.generator, &last, &vocab))
      return fail(messageOf(status));
    float largest = last[0];
    for (size_t i = 1; i < vocab; ++i)
      largest = std::max(largest, last[i]);
    double exps = 0;
    for (size_t i = 0; i < vocab; ++i)
      exps += std::exp(static_cast<double>(last[i]) - largest);
    int32_t next = first[window];
    logProbs[window] = static_cast<double>(last[next]) - largest - std::log(exps);
    for (int64_t i = 1; i <= window; ++i)
      sum += logProbs[i];
    scored += window;
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::fprintf(stderr, "[%zu/%zu] perplexity %.4f, %.0f tokens/s\n", w + 1, windows,
                 std::exp(-sum / scored), scored / seconds);
  }
  std::printf("perplexity: %.4f over %zu tokens\n", std::exp(-sum / scored), scored);
  return 0;
}

} // namespace ternion::run
