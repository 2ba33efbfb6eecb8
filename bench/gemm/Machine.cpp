//===- Machine.cpp - FMA peak and read bandwidth microbenchmarks ----------===//
//
// Built with no ISA flags (CMakeLists.txt): the read probe is
// bench/llm/bandwidth.c's (bench/common/read_kernels.h, which also picks the
// ISA at run time), and the FMA loops are compiled per ISA with
// __attribute__((target(...))), so the driver runs on any x86-64 and uses
// AVX-512 only where the CPU has it.
// The AVX-512 FMA loop keeps 16 independent accumulators, the AVX2 one 12
// (16 ymm registers, two hold the operands): both more than FMA latency x FMA
// ports (4-5 x 2), so they measure throughput, not latency.
//
//===----------------------------------------------------------------------===//
#include "Machine.h"

#include "../common/read_kernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define BENCH_X86 1
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace bench {
namespace {

/// The read kernels and the ISA's name, picked once (TERNION_BENCH_ISA forces one).
struct Probes {
  const kernel_fn *readKernels = nullptr;
  const char *isa = nullptr;
};

const Probes &probes() {
  static const Probes chosen = [] {
    Probes p;
    p.isa = bench_pick_isa("bench-gemm", &p.readKernels);
    return p;
  }();
  return chosen;
}

double seconds() {
  using clock = std::chrono::steady_clock;
  return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
}

constexpr int kFmaAccs512 = 16, kFmaAccs256 = 12;

#ifdef BENCH_X86

__attribute__((target("avx512f"))) float fmaLoop512(long iterations) {
  __m512 acc[kFmaAccs512];
  for (int i = 0; i < kFmaAccs512; ++i)
    acc[i] = _mm512_set1_ps(static_cast<float>(i) * 1e-3f);
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  for (long it = 0; it < iterations; ++it) {
    for (int i = 0; i < kFmaAccs512; ++i)
      acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    // Keeps the compiler from collapsing iterations.
    __asm__ volatile(""
                     : "+v"(acc[0]), "+v"(acc[1]), "+v"(acc[2]), "+v"(acc[3]), "+v"(acc[4]),
                       "+v"(acc[5]), "+v"(acc[6]), "+v"(acc[7]));
  }
  __m512 sum = acc[0];
  for (int i = 1; i < kFmaAccs512; ++i)
    sum = _mm512_add_ps(sum, acc[i]);
  // Not _mm512_reduce_add_ps: GCC 12 warns in it (-Wuninitialized, a false one).
  float lanes[16];
  _mm512_storeu_ps(lanes, sum);
  float total = 0;
  for (float x : lanes)
    total += x;
  return total;
}

__attribute__((target("avx2,fma"))) float fmaLoop256(long iterations) {
  __m256 acc[kFmaAccs256];
  for (int i = 0; i < kFmaAccs256; ++i)
    acc[i] = _mm256_set1_ps(static_cast<float>(i) * 1e-3f);
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  for (long it = 0; it < iterations; ++it) {
    for (int i = 0; i < kFmaAccs256; ++i)
      acc[i] = _mm256_fmadd_ps(acc[i], a, b);
    __asm__ volatile(""
                     : "+x"(acc[0]), "+x"(acc[1]), "+x"(acc[2]), "+x"(acc[3]), "+x"(acc[4]),
                       "+x"(acc[5]), "+x"(acc[6]), "+x"(acc[7]));
  }
  __m256 sum = acc[0];
  for (int i = 1; i < kFmaAccs256; ++i)
    sum = _mm256_add_ps(sum, acc[i]);
  float lanes[8];
  _mm256_storeu_ps(lanes, sum);
  float total = 0;
  for (float x : lanes)
    total += x;
  return total;
}

#endif // BENCH_X86

template <typename Fn> double onThreads(int threads, Fn fn) {
  std::vector<std::thread> workers;
  double start = seconds();
  for (int t = 0; t < threads; ++t)
    workers.emplace_back(fn, t);
  for (std::thread &w : workers)
    w.join();
  return seconds() - start;
}

} // namespace

std::string cpuModel() {
  char model[256];
  bench_cpu_model(model, sizeof model);
  return model;
}

const char *vectorIsa() { return probes().isa; }

double measureFmaPeak(int threads) {
#ifdef BENCH_X86
  bool avx512 = !std::strcmp(vectorIsa(), "avx512");
  // The AVX2 loop needs FMA as well (every AVX2 CPU has it so far).
  if (!avx512 && (std::strcmp(vectorIsa(), "avx2") || !__builtin_cpu_supports("fma")))
    return NAN;
  const long iterations = 50'000'000;
  double flopsPerIteration = avx512 ? kFmaAccs512 * 16 * 2 : kFmaAccs256 * 8 * 2;
  volatile float sink = 0;
  double best = 1e30;
  for (int rep = 0; rep < 3; ++rep)
    best = std::min(best, onThreads(threads, [&](int) {
                      sink = sink + (avx512 ? fmaLoop512(iterations) : fmaLoop256(iterations));
                    }));
  return threads * static_cast<double>(iterations) * flopsPerIteration / best / 1e9;
#else
  (void)threads;
  return NAN;
#endif
}

double measureReadBandwidth(int threads, size_t bytes) {
  size_t per = std::max<size_t>(2 * BLOCK_WORDS,
                                bytes / sizeof(uint64_t) / threads / BLOCK_WORDS * BLOCK_WORDS);
  std::vector<uint64_t *> parts(threads);
  onThreads(threads, [&](int t) {
    parts[t] = static_cast<uint64_t *>(std::aligned_alloc(64, per * sizeof(uint64_t)));
    for (size_t i = 0; i < per; ++i)
      parts[t][i] = i * 0x9e3779b97f4a7c15ull;
  });
  // Small buffers are read many times per thread launch, so the launch
  // does not count.
  size_t passes = std::max<size_t>(1, (size_t(256) << 20) / bytes);
  const kernel_fn *read = probes().readKernels;
  volatile uint64_t sink = 0;
  double best = 0;
  // The stream counts alternate within each rep, so drifting load on the
  // machine hits them alike.
  for (int rep = 0; rep < 5; ++rep) {
    for (int k = 0; k < NSTREAM_KINDS; ++k) {
      size_t len = bench_stream_len(per, k), streams = stream_counts[k];
      double time = onThreads(threads, [&](int t) {
        uint64_t total = 0;
        for (size_t pass = 0; pass < passes; ++pass)
          total += read[k](parts[t], len, len + SKEW_WORDS);
        sink = sink + total;
      });
      best = std::max(best,
                      double(len) * streams * threads * sizeof(uint64_t) * passes / time / 1e9);
    }
  }
  for (uint64_t *p : parts)
    std::free(p);
  return best;
}

} // namespace bench
