//===- speculative_bench.cpp - Speculative decoding against the target ----===//
//
// Runs one artifact compiled with a draft model (ternion-compile --draft)
// through the runtime's generator, in one process: the target alone
// (draft_tokens = 0) as the baseline, then with the draft proposing K
// tokens per target pass for each K asked for; greedy and sampling. For
// every prompt it prefills, then times the generation of N tokens (the
// prefill is not counted: it is the same with and without the draft).
// Prints a markdown table of decode tokens/s, the ratio to the baseline,
// the acceptance and the time split per target pass (the draft, SLEM's
// re-encoding included; the target's pass; the rest: acceptance, sampling,
// the ordinary step after each prefill, the generator's bookkeeping), and
// whether greedy output equals the target's (it must).
//
//   ternion-speculative-bench PAIR.tnx [--tokens 128] [--reps 2]
//        [--k 1,2,3,4,6,8] [--modes greedy,sample] [--prompts FILE]
//
// FILE holds one prompt per line (default: five verses' openings).
//
//===----------------------------------------------------------------------===//
#include "../common/cpu_model.h"
#include "ternion/llm.h"
#include "ternion/runtime.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void die(const std::string &message) {
  std::fprintf(stderr, "ternion-speculative-bench: %s\n", message.c_str());
  std::exit(1);
}

void check(tnx_status_t status, const char *what) {
  if (!status)
    return;
  std::string message = tnx_status_message(status);
  tnx_status_free(status);
  die(std::string(what) + ": " + message);
}

std::string cpuName() {
  char model[256];
  bench_cpu_model(model, sizeof model);
  return model;
}
struct Result {
  double seconds = 0;
  size_t tokens = 0;
  tnx_speculative_stats_t stats = {};
  std::vector<std::vector<int32_t>> outputs;
};

Result run(tnx_artifact_t *artifact, const std::vector<std::vector<int32_t>> &prompts,
           int32_t draftTokens, bool sample, size_t tokens, int reps) {
  tnx_generator_options_t options;
  tnx_generator_options_init(&options);
  options.draft_tokens = draftTokens;
  if (!sample)
    options.sampler.temperature = 0;
  options.sampler.seed = 1234;
  tnx_generator_t *generator = nullptr;
  check(tnx_generator_create(artifact, &options, &generator), "tnx_generator_create");
  Result result;
  for (int rep = 0; rep < reps; ++rep)
    for (const std::vector<int32_t> &prompt : prompts) {
      tnx_generator_reset(generator);
      check(tnx_generator_prefill(generator, prompt.data(), prompt.size()), "prefill");
      std::vector<int32_t> out;
      Clock::time_point start = Clock::now();
      for (size_t i = 0; i < tokens; ++i) {
        int32_t token = 0;
        check(tnx_generator_next(generator, &token), "next");
        out.push_back(token);
      }
      result.seconds += std::chrono::duration<double>(Clock::now() - start).count();
      result.tokens += tokens;
      if (rep == 0)
        result.outputs.push_back(out);
    }
  result.stats.struct_size = sizeof(result.stats);
  check(tnx_generator_speculative_stats(generator, &result.stats), "stats");
  tnx_generator_release(generator);
  return result;
}

std::vector<std::string> split(const std::string &text, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, separator))
    if (!part.empty())
      parts.push_back(part);
  return parts;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2)
    die("usage: ternion-speculative-bench PAIR.tnx [--tokens N] [--reps R] [--k 1,2,4] "
        "[--modes greedy,sample] [--prompts FILE]");
  std::string path = argv[1];
  size_t tokens = 128;
  int reps = 2;
  std::vector<int> ks = {1, 2, 3, 4, 6, 8};
  std::vector<std::string> modes = {"greedy", "sample"};
  std::vector<std::string> promptTexts = {
      "In the beginning God created", "And the LORD spake unto Moses, saying,",
      "Blessed are the", "Jesus answered and said unto them,", "And it came to pass, when"};
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--tokens")
      tokens = std::strtoul(value.c_str(), nullptr, 10);
    else if (flag == "--reps")
      reps = std::atoi(value.c_str());
    else if (flag == "--k") {
      ks.clear();
      for (const std::string &k : split(value, ','))
        ks.push_back(std::atoi(k.c_str()));
    } else if (flag == "--modes")
      modes = split(value, ',');
    else if (flag == "--prompts") {
      std::ifstream in(value);
      if (!in)
        die("cannot read " + value);
      promptTexts.clear();
      std::string line;
      while (std::getline(in, line))
        if (!line.empty())
          promptTexts.push_back(line);
    } else
      die("unknown option " + flag);
  }

  tnx_artifact_t *artifact = nullptr;
  check(tnx_artifact_open(path.c_str(), nullptr, &artifact), path.c_str());
  tnx_tokenizer_t *tokenizer = nullptr;
  check(tnx_artifact_tokenizer(artifact, &tokenizer), "tokenizer");
  std::vector<std::vector<int32_t>> prompts;
  for (const std::string &text : promptTexts) {
    int32_t *ids = nullptr;
    size_t count = 0;
    check(tnx_tokenizer_encode(tokenizer, text.data(), text.size(), -1, &ids, &count), "encode");
    prompts.emplace_back(ids, ids + count);
    tnx_free(ids);
  }
  tnx_tokenizer_release(tokenizer);

  const char *threads = std::getenv("OMP_NUM_THREADS");
  std::printf("artifact: %s\nCPU: %s; OMP_NUM_THREADS=%s; %zu prompts x %zu tokens x %d reps\n\n",
              path.c_str(), cpuName().c_str(), threads ? threads : "(unset)", prompts.size(),
              tokens, reps);
  std::printf("| mode | K | tokens/s | vs target alone | acceptance | tokens per target pass | "
              "draft ms/pass | target ms/pass | rest ms/pass | same tokens as target |\n"
              "|---|---|---|---|---|---|---|---|---|---|\n");
  for (const std::string &mode : modes) {
    bool sample = mode == "sample";
    // Warm the caches and pages once.
    run(artifact, {prompts.front()}, 0, sample, 8, 1);
    Result alone = run(artifact, prompts, 0, sample, tokens, reps);
    double baseline = alone.tokens / alone.seconds;
    std::printf("| %s | target alone | %.1f | 1.00x | | 1.00 | | %.3f | | |\n", mode.c_str(),
                baseline, 1e3 * alone.seconds / alone.tokens);
    for (int k : ks) {
      Result paired = run(artifact, prompts, k, sample, tokens, reps);
      const tnx_speculative_stats_t &s = paired.stats;
      double passes = s.target_passes ? double(s.target_passes) : 1;
      double rate = paired.tokens / paired.seconds;
      std::printf("| %s | %d | %.1f | %.2fx | %.1f%% | %.2f | %.3f | %.3f | %.3f | %s |\n",
                  mode.c_str(), k,
                  rate, rate / baseline,
                  s.drafted_tokens ? 100.0 * s.accepted_tokens / s.drafted_tokens : 0.0,
                  s.produced_tokens / passes, 1e3 * s.draft_seconds / passes,
                  1e3 * s.target_seconds / passes,
                  1e3 * (paired.seconds - s.draft_seconds - s.target_seconds) / passes,
                  sample ? "(sampled)" : paired.outputs == alone.outputs ? "yes" : "NO");
      std::fflush(stdout);
    }
  }
  tnx_artifact_close(artifact);
  return 0;
}
