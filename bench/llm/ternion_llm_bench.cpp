//===- ternion_llm_bench.cpp - Ternion side of the LLM benchmark ----------===//
//
// Drives a language-model artifact through the runtime's generator API
// (ternion/llm.h) exactly like bench/llm/ort_bench.js drives ONNX Runtime:
//   prefill: tnx_generator_prefill over the whole prompt (one model run, past
//            length 0) and the greedy pick of the first token;
//   decode:  N steps, each one model run on the last token (past length =
//            context so far) and its greedy pick.
//
//   ternion-llm-bench MODEL.tnx IDS_FILE [--decode 128] [--reps 3]
//                     [--warmup 1] [--logits-out FILE]
//
// IDS_FILE holds whitespace-separated token ids. Prints one JSON line (per-rep
// times, mean tokens/s, the greedy ids of the last rep, peak RSS); with
// --logits-out, writes the prefill's last-position logits (raw f32) for the
// cross-runtime check in run.sh.
//
//===----------------------------------------------------------------------===//

#include "ternion/llm.h"
#include "ternion/runtime.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <sys/resource.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

bool check(tnx_status_t status, const char *what) {
  if (!status)
    return true;
  fprintf(stderr, "ternion-llm-bench: %s: %s\n", what,
          tnx_status_message(status));
  tnx_status_free(status);
  return false;
}

double seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

struct Run {
  double prefill = 0, decode = 0;
  std::vector<int32_t> generated;
  std::vector<float> prefillLogits;
};

bool once(tnx_generator_t *gen, const std::vector<int32_t> &prompt, int nDecode,
          Run &run) {
  tnx_generator_reset(gen);
  run.generated.clear();
  int32_t token;
  const float *logits;
  size_t count;
  auto t0 = Clock::now();
  if (!check(tnx_generator_prefill(gen, prompt.data(), prompt.size()),
             "prefill") ||
      !check(tnx_generator_logits(gen, &logits, &count), "logits"))
    return false;
  run.prefillLogits.assign(logits, logits + count);
  if (!check(tnx_generator_next(gen, &token), "sample"))
    return false;
  auto t1 = Clock::now();
  run.generated.push_back(token);
  for (int s = 0; s < nDecode; ++s) {
    // logits() runs the model on the token next() appended; next() picks
    // the following one (greedy) and appends it.
    if (!check(tnx_generator_logits(gen, &logits, &count), "decode") ||
        !check(tnx_generator_next(gen, &token), "sample"))
      return false;
    run.generated.push_back(token);
  }
  auto t2 = Clock::now();
  run.prefill = seconds(t0, t1);
  run.decode = seconds(t1, t2);
  return true;
}

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> positional;
  int nDecode = 128, reps = 3, warmup = 1;
  const char *logitsOut = nullptr;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char * {
      if (i + 1 >= argc) {
        fprintf(stderr, "ternion-llm-bench: %s needs a value\n", a.c_str());
        exit(2);
      }
      return argv[++i];
    };
    if (a == "--decode")
      nDecode = atoi(value());
    else if (a == "--reps")
      reps = atoi(value());
    else if (a == "--warmup")
      warmup = atoi(value());
    else if (a == "--logits-out")
      logitsOut = value();
    else if (a.rfind("--", 0) == 0) {
      fprintf(stderr, "ternion-llm-bench: unknown option %s\n", a.c_str());
      return 2;
    } else
      positional.push_back(a);
  }
  if (positional.size() != 2 || reps < 1 || nDecode < 0 || warmup < 0) {
    fprintf(stderr, "usage: ternion-llm-bench MODEL.tnx IDS_FILE [--decode N] "
                    "[--reps R] [--warmup W] [--logits-out FILE]\n");
    return 2;
  }
  std::vector<int32_t> prompt;
  {
    std::ifstream in(positional[1]);
    long v;
    while (in >> v)
      prompt.push_back((int32_t)v);
  }
  if (prompt.empty()) {
    fprintf(stderr, "ternion-llm-bench: no token ids in %s\n",
            positional[1].c_str());
    return 1;
  }

  tnx_artifact_t *artifact;
  tnx_generator_t *gen;
  tnx_generator_options_t options;
  tnx_generator_options_init(&options);
  options.sampler.temperature = 0; // greedy
  options.max_context = (int64_t)prompt.size() + nDecode + 1;
  if (!check(tnx_artifact_open(positional[0].c_str(), nullptr, &artifact),
             "open") ||
      !check(tnx_generator_create(artifact, &options, &gen), "generator"))
    return 1;
  tnx_artifact_close(artifact); // the generator holds it

  Run run;
  for (int w = 0; w < warmup; ++w)
    if (!once(gen, prompt, nDecode, run))
      return 1;
  std::vector<double> prefill, decode;
  for (int r = 0; r < reps; ++r) {
    if (!once(gen, prompt, nDecode, run))
      return 1;
    prefill.push_back(run.prefill);
    decode.push_back(run.decode);
  }
  if (logitsOut) {
    FILE *f = fopen(logitsOut, "wb");
    if (!f ||
        fwrite(run.prefillLogits.data(), sizeof(float),
               run.prefillLogits.size(), f) != run.prefillLogits.size() ||
        fclose(f)) {
      fprintf(stderr, "ternion-llm-bench: cannot write %s\n", logitsOut);
      return 1;
    }
  }
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  double pf = 0, dc = 0;
  for (int r = 0; r < reps; ++r) {
    pf += prompt.size() / prefill[r];
    dc += nDecode / decode[r];
  }
  auto list = [](const std::vector<double> &v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i)
      s += (i ? "," : "") + std::to_string(v[i]);
    return s;
  };
  std::string ids;
  for (size_t i = 0; i < run.generated.size(); ++i)
    ids += (i ? "," : "") + std::to_string(run.generated[i]);
  // The compiled code's parallel loops run on OpenMP's threads.
  const char *ompThreads = std::getenv("OMP_NUM_THREADS");
  int threads = ompThreads ? std::atoi(ompThreads) : 0;
  printf("{\"runtime\": \"ternion\", \"threads\": %d, \"prompt_tokens\": %zu, "
         "\"decode_tokens\": %d, \"reps\": %d, \"warmup\": %d, "
         "\"prefill_s\": [%s], \"decode_s\": [%s], \"prefill_tok_s\": %.6g, "
         "\"decode_tok_s\": %.6g, \"peak_rss_mb\": %.1f, "
         "\"greedy_ids\": [%s]}\n",
         threads, prompt.size(), nDecode, reps, warmup, list(prefill).c_str(),
         list(decode).c_str(), pf / reps, dc / reps, usage.ru_maxrss / 1024.0,
         ids.c_str());
  tnx_generator_release(gen);
  return 0;
}
