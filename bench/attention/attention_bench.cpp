//===- attention_bench.cpp - sparse against dense attention prefill -------===//
//
// Writes the benchmark's attention functions as tern IR (--emit-mlir: one
// function per pattern at budgets for --context tokens), then runs the
// compiled artifact on one random prompt of --context tokens and prints,
// per pattern, the prefill time of
// the attention, its speedup over the dense flash-attention kernel run in
// the same process, the share of causal keys the pattern's kernel computes
// (its density) and the target of 0.7 / density. The estimate's
// time is the difference of two probes that compute the same blocks, one
// with an estimate and one without. See bench/attention/run.sh.
//
//===----------------------------------------------------------------------===//
#include "../common/cpu_model.h"
#include "ternion/runtime.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace {

[[noreturn]] void die(const std::string &message) {
  std::fprintf(stderr, "ternion-attention-bench: %s\n", message.c_str());
  std::exit(1);
}

void check(tnx_status_t status, const char *what) {
  if (!status)
    return;
  std::string message = std::string(what) + ": " + tnx_status_message(status);
  tnx_status_free(status);
  die(message);
}

double seconds() {
  using clock = std::chrono::steady_clock;
  return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
}

/// The budgets of each pattern at `context` tokens, sized to about an
/// eighth of the causal keys: the IR the bench writes (--emit-mlir) and the
/// densities it states both come from here.
struct Budgets {
  long context;
  long aSink = 128, aLocal, vertical, slash, blocks;
  explicit Budgets(long context)
      : context(context), aLocal(context / 16), vertical(context / 64), slash(100 + context / 1024),
        blocks(std::max(2L, context / 1024)) {}

  /// (function, pattern attribute) of every function the bench runs, in
  /// order; dense has no pattern.
  std::vector<std::pair<std::string, std::string>> functions() const {
    auto n = [](long v) { return std::to_string(v); };
    return {
        {"dense", ""},
        {"a_shape", "#tern.a_shape<sink = " + n(aSink) + ", local = " + n(aLocal) + ">"},
        {"vertical_slash",
         "#tern.vertical_slash<vertical = " + n(vertical) + ", slash = " + n(slash) + ">"},
        {"block_sparse", "#tern.block_sparse<blocks = " + n(blocks) + ">"},
        // Every causal key through the sparse kernel: its speed per key.
        {"full", "#tern.a_shape<sink = 0, local = " + n(context) + ">"},
        // The same blocks computed with and without an estimate: the
        // difference is the estimate's time.
        {"probe_diagonal", "#tern.a_shape<sink = 0, local = 1>"},
        {"probe_vertical_slash", "#tern.vertical_slash<vertical = 0, slash = 1>"},
        {"probe_sink_diagonal", "#tern.a_shape<sink = 64, local = 1>"},
        {"probe_block_sparse", "#tern.block_sparse<blocks = 2>"},
    };
  }
};

/// The benchmark's functions as tern IR, every head with the function's
/// pattern (bench/attention/run.sh compiles it).
void emitMlir(const Budgets &budgets, long heads, long kvHeads, long dim) {
  std::string q = "tensor<1x" + std::to_string(heads) + "x?x" + std::to_string(dim) + "xf32>";
  std::string kv = "tensor<1x" + std::to_string(kvHeads) + "x?x" + std::to_string(dim) + "xf32>";
  char scale[32];
  std::snprintf(scale, sizeof scale, "%.8e", 1.0 / std::sqrt(double(dim)));
  std::printf("// ternion-attention-bench --emit-mlir --context %ld --heads %ld --kv-heads %ld "
              "--head-dim %ld\n",
              budgets.context, heads, kvHeads, dim);
  for (const auto &[name, pattern] : budgets.functions()) {
    std::string attrs = std::string("scale = ") + scale + " : f32, causal = true";
    if (!pattern.empty()) {
      attrs += ", sparsity = #tern.sparse_attention<min_tokens = 1024, heads = [";
      for (long h = 0; h < heads; ++h)
        attrs += (h ? ", " : "") + pattern;
      attrs += "]>";
    }
    std::printf("func.func @%s(%%q: %s, %%k: %s, %%v: %s) -> %s {\n", name.c_str(), q.c_str(),
                kv.c_str(), kv.c_str(), q.c_str());
    std::printf("  %%y = tern.attention %%q, %%k, %%v {%s} : (%s, %s, %s) -> %s\n", attrs.c_str(),
                q.c_str(), kv.c_str(), kv.c_str(), q.c_str());
    std::printf("  return %%y : %s\n}\n", q.c_str());
  }
}

/// The share of dense attention's work the pattern's kernel does: key
/// chunks of 64 computed per block of 64 queries (ranges are walked 64 keys
/// at a time from their start, gathered columns 64 at a time), against the
/// dense kernel's causal blocks, as ternion-search-attention prices
/// patterns. Vertical-slash assumes every non-local diagonal is its own
/// range and every column is listed: an upper bound (the estimate's
/// diagonals and columns can overlap and merge).
double density(const std::string &pattern, const Budgets &b, long n) {
  const long block = 64;
  auto chunks = [&](long keys) { return (keys + block - 1) / block; };
  double sparse = 0, dense = 0;
  for (long p0 = 0; p0 < n; p0 += block) {
    long p1 = std::min(p0 + block, n) - 1, keyEnd = p1 + 1;
    long denseChunks = chunks(keyEnd);
    dense += denseChunks;
    long cost = denseChunks;
    if (pattern == "a_shape") {
      long window = std::max(0L, p0 + 1 - b.aLocal), sink = std::min(b.aSink, keyEnd);
      cost = sink >= window ? chunks(keyEnd) : chunks(sink) + chunks(keyEnd - window);
    } else if (pattern == "block_sparse") {
      cost = std::min(b.blocks, p1 / block + 1);
    } else if (pattern == "vertical_slash") {
      long local = std::min(100L, keyEnd) + block - 1; // the forced diagonals, merged
      cost = chunks(std::min(local, keyEnd)) + (b.slash - 100) + chunks(b.vertical);
    }
    sparse += std::min(cost, denseChunks);
  }
  return sparse / dense;
}

} // namespace

int main(int argc, char **argv) {
  const char *usage = "usage: ternion-attention-bench --emit-mlir --context N [--heads H "
                      "--kv-heads G --head-dim D] > attention.mlir\n"
                      "       ternion-attention-bench ATTENTION.tnx --context N [--runs R]";
  std::string artifactPath;
  long context = 0, heads = 4, kvHeads = 2, dim = 64;
  int runs = 1;
  bool emit = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    bool value = i + 1 < argc;
    if (arg == "--context" && value)
      context = std::atol(argv[++i]);
    else if (arg == "--runs" && value)
      runs = std::atoi(argv[++i]);
    else if (arg == "--heads" && value)
      heads = std::atol(argv[++i]);
    else if (arg == "--kv-heads" && value)
      kvHeads = std::atol(argv[++i]);
    else if (arg == "--head-dim" && value)
      dim = std::atol(argv[++i]);
    else if (arg == "--emit-mlir")
      emit = true;
    else if (artifactPath.empty() && arg[0] != '-')
      artifactPath = arg;
    else
      die(usage);
  }
  if (context < 1024 || runs < 1 || heads < 1 || kvHeads < 1 || heads % kvHeads || dim < 1 ||
      emit == !artifactPath.empty())
    die(usage);
  Budgets budgets(context);
  if (emit) {
    emitMlir(budgets, heads, kvHeads, dim);
    return 0;
  }

  tnx_artifact_t *artifact = nullptr;
  check(tnx_artifact_open(artifactPath.c_str(), nullptr, &artifact), "opening the artifact");
  const tnx_function_t *first = nullptr;
  check(tnx_artifact_function(artifact, 0, &first), "reading the functions");
  const tnx_value_info_t *qInfo = nullptr, *kInfo = nullptr;
  check(tnx_function_input(first, 0, &qInfo), "query");
  check(tnx_function_input(first, 1, &kInfo), "key");
  const int64_t *qDims = tnx_value_info_dims(qInfo), *kDims = tnx_value_info_dims(kInfo);
  heads = qDims[1], kvHeads = kDims[1], dim = qDims[3];

  std::mt19937 rng(1);
  std::normal_distribution<float> normal;
  auto randomTensor = [&](long h) {
    int64_t shape[4] = {1, h, context, dim};
    tnx_tensor_t *t = nullptr;
    check(tnx_tensor_create(TNX_DTYPE_F32, shape, 4, &t), "allocating inputs");
    float *data = static_cast<float *>(tnx_tensor_data(t));
    for (size_t i = 0, e = tnx_tensor_element_count(t); i < e; ++i)
      data[i] = normal(rng);
    return t;
  };
  tnx_tensor_t *inputs[3] = {randomTensor(heads), randomTensor(kvHeads), randomTensor(kvHeads)};

  const char *threads = std::getenv("OMP_NUM_THREADS");
  std::printf("attention prefill, %ld tokens, %ld heads (%ld kv), head dim %ld, f32\n", context,
              heads, kvHeads, dim);
  char cpu[256];
  bench_cpu_model(cpu, sizeof cpu);
  std::printf("cpu: %s, %s threads; median of %d run(s)\n", cpu, threads ? threads : "all", runs);

  std::map<std::string, double> times;
  auto time = [&](const std::string &name) {
    tnx_session_t *session = nullptr;
    check(tnx_session_create(artifact, name.c_str(), &session), name.c_str());
    for (size_t i = 0; i < 3; ++i)
      check(tnx_session_bind_input(session, i, inputs[i]), "binding inputs");
    std::vector<double> samples;
    for (int r = 0; r < runs; ++r) {
      double t0 = seconds();
      check(tnx_session_run(session), name.c_str());
      samples.push_back(seconds() - t0);
    }
    tnx_session_release(session);
    std::sort(samples.begin(), samples.end());
    return times[name] = samples[samples.size() / 2];
  };

  double dense = time("dense");
  std::printf("\n%-16s %10s %9s %9s %12s  %s\n", "pattern", "time (s)", "speedup", "density",
              "target", "budgets");
  std::printf("%-16s %10.3f %9s %9s %12s\n", "dense", dense, "1.00x", "1.000", "");
  struct Row {
    const char *name;
    std::string budgets;
  } rows[] = {
      {"a_shape",
       "sink " + std::to_string(budgets.aSink) + ", local " + std::to_string(budgets.aLocal)},
      {"vertical_slash", std::to_string(budgets.vertical) + " columns, " +
                             std::to_string(budgets.slash) + " diagonals (density: at most)"},
      {"block_sparse", std::to_string(budgets.blocks) + " blocks of 64"},
  };
  for (const Row &row : rows) {
    double t = time(row.name);
    double d = density(row.name, budgets, context);
    double target = 0.7 / d;
    std::printf("%-16s %10.3f %8.2fx %9.3f %11.2fx  %s%s\n", row.name, t, dense / t, d, target,
                row.budgets.c_str(), dense / t >= target ? "" : "  [below target]");
  }
  double full = time("full");
  std::printf("%-16s %10.3f %8.2fx %9.3f %12s  %s\n", "full", full, dense / full, 1.0, "",
              "every causal key through the sparse kernel");
  double diagonal = time("probe_diagonal"), verticalSlash = time("probe_vertical_slash");
  double sinkDiagonal = time("probe_sink_diagonal"), blockSparse = time("probe_block_sparse");
  std::printf("\nestimate (probe with it - probe without, same blocks computed):\n");
  std::printf("  vertical_slash %.3f s (%.1f%% of its sparse prefill)\n", verticalSlash - diagonal,
              100 * (verticalSlash - diagonal) / times["vertical_slash"]);
  std::printf("  block_sparse   %.3f s (%.1f%% of its sparse prefill)\n",
              blockSparse - sinkDiagonal,
              100 * (blockSparse - sinkDiagonal) / times["block_sparse"]);
  for (tnx_tensor_t *t : inputs)
    tnx_tensor_release(t);
  tnx_artifact_close(artifact);
  return 0;
}
