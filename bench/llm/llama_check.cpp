// llama.cpp side of the LLM benchmark (bench/llm/run.sh) through llama.cpp's C API, driven
// exactly like ort_bench.js and ternion_llm_bench.cpp drive theirs: the GGUF written by
// to_gguf.py on the benchmark prompt, prefill (one llama_decode over the prompt, empty cache)
// and N greedy decode steps of one token. Writes what the other two write, so the driver can
// compare the runtimes: the last-position logits of the prefill (raw f32) and, in one JSON
// line, the greedy ids and the per-rep times.
//
//   llama_check MODEL.gguf IDS_FILE N_DECODE THREADS LOGITS_OUT [REPS=0]
//
// The first run (the check) is also the warm-up; REPS timed runs follow, each on a cleared
// cache. The KV cache is f32 (type_k = type_v = F32) like the ONNX graph's; llama-bench, which
// run.sh also runs, only offers f16 and quantized caches. Built by run.sh against the llama.cpp
// build it benchmarks (include/ and libllama.so).
#include "llama.h"

#include <chrono>
#include <cstdio>
#include <string>
#include <cstdlib>
#include <fstream>
#include <vector>

static void quiet(enum ggml_log_level level, const char *text, void *) {
  if (level == GGML_LOG_LEVEL_ERROR)
    fputs(text, stderr);
}

int main(int argc, char **argv) {
  if (argc != 6 && argc != 7) {
    fprintf(stderr, "usage: llama_check MODEL.gguf IDS_FILE N_DECODE THREADS LOGITS_OUT [REPS]\n");
    return 2;
  }
  std::vector<llama_token> prompt;
  {
    std::ifstream in(argv[2]);
    long v;
    while (in >> v)
      prompt.push_back((llama_token)v);
  }
  int nDecode = atoi(argv[3]), threads = atoi(argv[4]), reps = argc > 6 ? atoi(argv[6]) : 0;
  if (prompt.empty()) {
    fprintf(stderr, "llama_check: no ids in %s\n", argv[2]);
    return 1;
  }
  llama_log_set(quiet, nullptr);
  llama_backend_init();
  llama_model_params mp = llama_model_default_params();
  llama_model *model = llama_model_load_from_file(argv[1], mp);
  if (!model) {
    fprintf(stderr, "llama_check: cannot load %s\n", argv[1]);
    return 1;
  }
  llama_context_params cp = llama_context_default_params();
  cp.n_ctx = (uint32_t)(prompt.size() + nDecode + 16);
  cp.n_batch = cp.n_ubatch = (uint32_t)prompt.size();
  cp.n_threads = cp.n_threads_batch = threads;
  cp.type_k = cp.type_v = GGML_TYPE_F32;
  llama_context *ctx = llama_init_from_model(model, cp);
  if (!ctx) {
    fprintf(stderr, "llama_check: cannot create a context\n");
    return 1;
  }
  int nVocab = llama_vocab_n_tokens(llama_model_get_vocab(model));
  auto argmax = [&](const float *l) {
    int best = 0;
    for (int v = 1; v < nVocab; v++)
      if (l[v] > l[best])
        best = v;
    return best;
  };
  using Clock = std::chrono::steady_clock;
  std::vector<llama_token> gen;
  std::vector<float> prefillLogits;
  // One run: prefill + greedy first token, then nDecode steps; returns false on error.
  auto once = [&](double &prefillS, double &decodeS) {
    llama_memory_clear(llama_get_memory(ctx), true);
    gen.clear();
    auto t0 = Clock::now();
    if (llama_decode(ctx, llama_batch_get_one(prompt.data(), (int32_t)prompt.size()))) {
      fprintf(stderr, "llama_check: prefill failed\n");
      return false;
    }
    const float *logits = llama_get_logits_ith(ctx, -1);
    prefillLogits.assign(logits, logits + nVocab);
    gen.push_back(argmax(logits));
    auto t1 = Clock::now();
    for (int s = 0; s < nDecode; s++) {
      llama_token t = gen.back();
      if (llama_decode(ctx, llama_batch_get_one(&t, 1))) {
        fprintf(stderr, "llama_check: decode step %d failed\n", s);
        return false;
      }
      gen.push_back(argmax(llama_get_logits_ith(ctx, -1)));
    }
    auto t2 = Clock::now();
    prefillS = std::chrono::duration<double>(t1 - t0).count();
    decodeS = std::chrono::duration<double>(t2 - t1).count();
    return true;
  };
  double p, d;
  if (!once(p, d))
    return 1;
  {
    FILE *f = fopen(argv[5], "wb");
    if (!f || fwrite(prefillLogits.data(), sizeof(float), nVocab, f) != (size_t)nVocab || fclose(f)) {
      fprintf(stderr, "llama_check: cannot write %s\n", argv[5]);
      return 1;
    }
  }
  std::vector<llama_token> checkIds = gen;
  std::string ps, ds;
  double pf = 0, dc = 0;
  for (int r = 0; r < reps; r++) {
    if (!once(p, d))
      return 1;
    ps += (r ? "," : "") + std::to_string(p);
    ds += (r ? "," : "") + std::to_string(d);
    pf += prompt.size() / p;
    dc += nDecode / d;
  }
  printf("{\"runtime\": \"llama.cpp (C API, f32 KV cache)\", \"threads\": %d, \"prompt_tokens\": %zu, "
         "\"decode_tokens\": %d, \"reps\": %d, \"prefill_s\": [%s], \"decode_s\": [%s], "
         "\"prefill_tok_s\": %.6g, \"decode_tok_s\": %.6g, \"greedy_ids\": [",
         threads, prompt.size(), nDecode, reps, ps.c_str(), ds.c_str(), reps ? pf / reps : 0.0,
         reps ? dc / reps : 0.0);
  for (size_t i = 0; i < checkIds.size(); i++)
    printf("%s%d", i ? "," : "", checkIds[i]);
  printf("]}\n");
  llama_free(ctx);
  llama_model_free(model);
  llama_backend_free();
  return 0;
}
