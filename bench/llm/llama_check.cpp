// Correctness check for the llama.cpp side of the LLM benchmark (bench/llm/run.sh): runs the
// GGUF written by to_gguf.py on the benchmark prompt with llama.cpp's C API, greedy, and writes
// what ort_bench.js and ternion_llm_bench write, so the driver can compare the three runtimes:
// the last-position logits of the prefill (raw f32) and the greedy ids (one JSON line).
//
//   llama_check MODEL.gguf IDS_FILE N_DECODE THREADS LOGITS_OUT
//
// Built by run.sh against the llama.cpp build it benchmarks (include/ and libllama.so).
// The KV cache is f32 (type_k = type_v = F32) like the ONNX graph's.
#include "llama.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <vector>

static void quiet(enum ggml_log_level level, const char *text, void *) {
  if (level == GGML_LOG_LEVEL_ERROR)
    fputs(text, stderr);
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: llama_check MODEL.gguf IDS_FILE N_DECODE THREADS LOGITS_OUT\n");
    return 2;
  }
  std::vector<llama_token> prompt;
  {
    std::ifstream in(argv[2]);
    long v;
    while (in >> v)
      prompt.push_back((llama_token)v);
  }
  int nDecode = atoi(argv[3]), threads = atoi(argv[4]);
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
  if (llama_decode(ctx, llama_batch_get_one(prompt.data(), (int32_t)prompt.size()))) {
    fprintf(stderr, "llama_check: prefill failed\n");
    return 1;
  }
  const float *logits = llama_get_logits_ith(ctx, -1);
  {
    FILE *f = fopen(argv[5], "wb");
    if (!f || fwrite(logits, sizeof(float), nVocab, f) != (size_t)nVocab || fclose(f)) {
      fprintf(stderr, "llama_check: cannot write %s\n", argv[5]);
      return 1;
    }
  }
  std::vector<llama_token> gen{argmax(logits)};
  for (int s = 0; s < nDecode; s++) {
    llama_token t = gen.back();
    if (llama_decode(ctx, llama_batch_get_one(&t, 1))) {
      fprintf(stderr, "llama_check: decode step %d failed\n", s);
      return 1;
    }
    gen.push_back(argmax(llama_get_logits_ith(ctx, -1)));
  }
  printf("{\"runtime\": \"llama.cpp\", \"greedy_ids\": [");
  for (size_t i = 0; i < gen.size(); i++)
    printf("%s%d", i ? "," : "", gen[i]);
  printf("]}\n");
  llama_free(ctx);
  llama_model_free(model);
  llama_backend_free();
  return 0;
}
