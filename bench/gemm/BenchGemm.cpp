//===- BenchGemm.cpp - GEMM/GEMV benchmark driver -------------------------===//
//
// Runs Ternion artifacts of bench/gemm/make_models.py through the C runtime
// and prints, per case, GFLOP/s (and GB/s of weights for GEMV) as ratios of
// the machine's measured FMA peak and read bandwidth (same run), of plain
// C++ triple loops on 1 and 2 threads, and of ONNX Runtime (timings taken
// by ort_bench.js beforehand, read from --ort). See bench/gemm/run.sh.
//
//===----------------------------------------------------------------------===//
#include "Machine.h"
#include "Naive.h"

#include "ternion/runtime.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Case {
  std::string name, model, kind;
  int m = 0, n = 0, k = 0;
  /// Kind "layers" (a model of many linear layers, make_llm_layers.py): the
  /// multiply-adds per row of x over all of them. M x K in, M x N out.
  long macsPerRow = 0;
  bool isLayers() const { return kind == "layers"; }
};

double seconds() {
  using clock = std::chrono::steady_clock;
  return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
}

[[noreturn]] void die(const std::string &message) {
  std::fprintf(stderr, "bench-gemm: %s\n", message.c_str());
  std::exit(1);
}

void check(tnx_status_t status, const char *what) {
  if (!status)
    return;
  std::string message = std::string(what) + ": " + tnx_status_message(status);
  tnx_status_free(status);
  die(message);
}

/// Median of the run times of `fn`, run at least `minRuns` times and for at
/// least `minSeconds` (after one warm-up run).
template <typename Fn> double medianTime(Fn fn, double minSeconds, int minRuns, int maxRuns) {
  fn();
  std::vector<double> times;
  double start = seconds();
  while ((int)times.size() < minRuns ||
         (seconds() - start < minSeconds && (int)times.size() < maxRuns)) {
    double t0 = seconds();
    fn();
    times.push_back(seconds() - t0);
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

std::vector<float> randomVector(size_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1, 1);
  std::vector<float> v(count);
  for (float &x : v)
    x = dist(rng);
  return v;
}

std::vector<float> readFloats(const std::string &path, size_t count) {
  std::ifstream in(path, std::ios::binary);
  std::vector<float> v(count);
  if (!in.read(reinterpret_cast<char *>(v.data()), count * sizeof(float)))
    die("cannot read " + std::to_string(count) + " floats from " + path);
  return v;
}

struct TernionResult {
  double seconds = 0, maxError = 0;
};

TernionResult runTernion(const std::string &dir, const Case &c, double minSeconds,
                         std::vector<float> &output) {
  tnx_artifact_t *artifact = nullptr;
  check(tnx_artifact_open((dir + "/" + c.model + ".tnx").c_str(), nullptr, &artifact),
        "open artifact");
  tnx_session_t *session = nullptr;
  check(tnx_session_create(artifact, nullptr, &session), "create session");
  std::vector<float> x = randomVector(size_t(c.m) * c.k, 1);
  std::vector<float> b;
  std::vector<tnx_tensor_t *> inputs;
  int64_t xShape[] = {c.m, c.k};
  tnx_tensor_t *tensor = nullptr;
  check(tnx_tensor_wrap(TNX_DTYPE_F32, xShape, 2, x.data(), x.size() * 4, &tensor), "wrap x");
  inputs.push_back(tensor);
  if (c.model.rfind("matmul", 0) == 0) {
    b = randomVector(size_t(c.k) * c.n, 2);
    int64_t bShape[] = {c.k, c.n};
    check(tnx_tensor_wrap(TNX_DTYPE_F32, bShape, 2, b.data(), b.size() * 4, &tensor), "wrap b");
    inputs.push_back(tensor);
  }
  for (size_t i = 0; i < inputs.size(); ++i)
    check(tnx_session_bind_input(session, i, inputs[i]), "bind input");
  TernionResult result;
  result.seconds = medianTime([&] { check(tnx_session_run(session), "run"); }, minSeconds, 5, 1000);
  tnx_tensor_t *y = nullptr;
  check(tnx_session_output(session, 0, &y), "output");
  const float *data = static_cast<const float *>(tnx_tensor_data(y));
  output.assign(data, data + size_t(c.m) * c.n);
  // The same product by the naive loops, for the error column (a model of
  // many layers has no such reference: its column shows "-").
  if (c.isLayers()) {
    result.maxError = NAN;
  } else {
    std::vector<float> reference(size_t(c.m) * c.n);
    if (!b.empty()) {
      bench::naiveMatmul(x.data(), b.data(), reference.data(), c.m, c.n, c.k, 2);
    } else {
      std::vector<float> w = readFloats(dir + "/" + c.model + ".wt.bin", size_t(c.n) * c.k);
      bench::naiveLinear(x.data(), w.data(), reference.data(), c.m, c.n, c.k, 2);
    }
    for (size_t i = 0; i < reference.size(); ++i)
      result.maxError = std::max(result.maxError, double(std::fabs(reference[i] - output[i])) /
                                                      (1.0 + std::fabs(reference[i])));
  }
  for (tnx_tensor_t *t : inputs)
    tnx_tensor_release(t);
  tnx_session_release(session);
  tnx_artifact_close(artifact);
  return result;
}

double runNaive(const std::string &dir, const Case &c, int threads) {
  std::vector<float> x = randomVector(size_t(c.m) * c.k, 1), y(size_t(c.m) * c.n);
  std::vector<float> w = randomVector(size_t(c.n) * c.k, 2);
  if (c.model.rfind("matmul", 0) == 0)
    return medianTime([&] { bench::naiveMatmul(x.data(), w.data(), y.data(), c.m, c.n, c.k, threads); },
                      0.3, 1, 5);
  return medianTime([&] { bench::naiveLinear(x.data(), w.data(), y.data(), c.m, c.n, c.k, threads); },
                    0.3, 1, 5);
}

} // namespace

int main(int argc, char **argv) {
  std::string dir, ortPath, only;
  double minSeconds = 1.0;
  long bandwidthMiB = 1024;
  int threads = 2;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc)
        die(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--models")
      dir = next();
    else if (arg == "--ort")
      ortPath = next();
    else if (arg == "--threads")
      threads = std::stoi(next());
    else if (arg == "--min-time")
      minSeconds = std::stod(next());
    else if (arg == "--bandwidth-mib")
      bandwidthMiB = std::stol(next());
    else if (arg == "--only")
      only = next();
    else
      die("usage: bench-gemm --models DIR [--ort FILE] [--threads N] [--min-time S] "
          "[--bandwidth-mib MIB] [--only CASE]");
  }
  if (dir.empty())
    die("--models DIR is required (see bench/gemm/run.sh)");
  // The kernels' parallel loops are OpenMP: libomp reads this on first use.
  setenv("OMP_NUM_THREADS", std::to_string(threads).c_str(), 1);

  std::vector<Case> cases;
  std::ifstream list(dir + "/cases.tsv");
  for (std::string line; std::getline(list, line);) {
    std::istringstream fields(line);
    Case c;
    fields >> c.name >> c.model >> c.kind >> c.m >> c.n >> c.k;
    if (c.isLayers() && !(fields >> c.macsPerRow))
      die("case " + c.name + " of kind layers needs a 7th field, the multiply-adds per row");
    if (!c.name.empty() && (only.empty() || c.name == only))
      cases.push_back(c);
  }
  if (cases.empty())
    die("no cases in " + dir + "/cases.tsv");
  std::map<std::string, double> ort;
  if (!ortPath.empty()) {
    std::ifstream in(ortPath);
    std::string name;
    double s;
    while (in >> name >> s)
      ort[name] = s;
  }

  double peak = bench::measureFmaPeak(threads), peak1 = bench::measureFmaPeak(1);
  size_t bwBytes = size_t(bandwidthMiB) << 20;
  double bandwidth = bench::measureReadBandwidth(threads, bwBytes);
  double bandwidth1 = bench::measureReadBandwidth(1, bwBytes);
  std::printf("cpu: %s; probes' vector ISA: %s (chosen at run time; TERNION_BENCH_ISA overrides)\n",
              bench::cpuModel().c_str(), bench::vectorIsa());
  if (std::isnan(peak))
    std::printf("machine: no FMA peak (no AVX2+FMA or AVX-512: %%peak shows \"-\"); ");
  else
    std::printf("machine: FMA peak %.1f GFLOP/s (%d threads), %.1f (1 thread); ", peak, threads,
                peak1);
  std::printf("read bandwidth %.1f GB/s (%d threads), %.1f (1 thread) over %ld MiB, best of 1, 2, "
              "4 and 8 read streams per thread\n",
              bandwidth, threads, bandwidth1, bandwidthMiB);
  std::printf("%%bw: weight bytes per second / read bandwidth from memory (%ld MiB buffer); "
              "%%bwWS: / read bandwidth over a buffer of the weights' size, read again and "
              "again like the weights of a repeated GEMV (cache-resident when it fits)\n",
              bandwidthMiB);
  std::printf("%-22s %5s %5s %5s | %8s %8s %6s %7s %6s %6s %8s | %7s %7s %6s | %7s %6s\n",
              "case", "M", "N", "K", "ms", "GFLOP/s", "%peak", "GB/s", "%bw", "%bwWS", "maxerr",
              "naive1", "naive2", "x2", "ORT", "xORT");
  for (const Case &c : cases) {
    std::vector<float> out;
    TernionResult t = runTernion(dir, c, minSeconds, out);
    double macs = c.isLayers() ? double(c.macsPerRow) : double(c.n) * c.k;
    double flops = 2.0 * c.m * macs;
    double weightBytes = 4.0 * macs;
    double gflops = flops / t.seconds / 1e9, gbs = weightBytes / t.seconds / 1e9;
    // Not applicable (NaN, printed "-"): the naive loops know one matrix.
    double naive1 = c.isLayers() ? NAN : flops / runNaive(dir, c, 1) / 1e9;
    double naive2 = c.isLayers() ? NAN : flops / runNaive(dir, c, threads) / 1e9;
    std::string wsColumn = "-";
    if (c.kind == "gemv") {
      double hot = bench::measureReadBandwidth(threads, size_t(weightBytes));
      wsColumn = std::to_string(int(std::lround(100 * gbs / hot))) + "%";
    }
    auto cell = [](double v, const char *format) {
      char text[32] = "-";
      if (!std::isnan(v))
        std::snprintf(text, sizeof(text), format, v);
      return std::string(text);
    };
    std::printf("%-22s %5d %5d %5d | %8.3f %8.1f %6s %7.1f %5.1f%% %6s %8s | %7s %7s "
                "%6s |",
                c.name.c_str(), c.m, c.n, c.k, t.seconds * 1e3, gflops,
                (cell(100 * gflops / peak, "%.1f") + (std::isnan(peak) ? "" : "%")).c_str(), gbs,
                100 * gbs / bandwidth, wsColumn.c_str(), cell(t.maxError, "%.1e").c_str(),
                cell(naive1, "%.2f").c_str(), cell(naive2, "%.2f").c_str(),
                cell(gflops / naive2, "%.1f").c_str());
    if (auto it = ort.find(c.name); it != ort.end()) {
      double ortGflops = flops / it->second / 1e9;
      std::printf(" %7.1f %6.2f\n", ortGflops, gflops / ortGflops);
    } else {
      std::printf(" %7s %6s\n", "-", "-");
    }
    std::fflush(stdout);
  }
  return 0;
}
