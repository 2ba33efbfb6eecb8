//===- Machine.cpp - FMA peak and read bandwidth microbenchmarks ----------===//
//
// Built with no ISA flags (CMakeLists.txt): each probe has one function per
// vector ISA, compiled for it with __attribute__((target(...))), and
// vectorIsa() picks the one to call at run time with __builtin_cpu_supports,
// so the driver runs on any x86-64 and uses AVX-512 only where the CPU has it.
// The AVX-512 FMA loop keeps 16 independent accumulators, the AVX2 one 12
// (16 ymm registers, two hold the operands): both more than FMA latency x FMA
// ports (4-5 x 2), so they measure throughput, not latency.
//
//===----------------------------------------------------------------------===//
#include "Machine.h"

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>
#include <vector>

namespace bench {
namespace {

enum class Isa { Avx512, Avx2, Sse2 };

Isa chosenIsa() {
  static const Isa isa = [] {
    __builtin_cpu_init();
    bool has512 = __builtin_cpu_supports("avx512f");
    bool has2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    const char *force = std::getenv("TERNION_BENCH_ISA");
    if (!force || !*force)
      return has512 ? Isa::Avx512 : has2 ? Isa::Avx2 : Isa::Sse2;
    if (!std::strcmp(force, "avx512") && has512)
      return Isa::Avx512;
    if (!std::strcmp(force, "avx2") && has2)
      return Isa::Avx2;
    if (!std::strcmp(force, "sse2"))
      return Isa::Sse2;
    std::fprintf(stderr,
                 "bench-gemm: TERNION_BENCH_ISA=%s is not one of avx512, avx2, sse2 that this "
                 "CPU has\n",
                 force);
    std::exit(2);
  }();
  return isa;
}

double seconds() {
  using clock = std::chrono::steady_clock;
  return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
}

constexpr int kFmaAccs512 = 16, kFmaAccs256 = 12;

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

// The read kernels: sum S ranges of `len` floats, `stride` floats apart from
// p, L cache lines of each range in turn (S * L >= 4 lines an iteration),
// into 8 accumulators, `passes` times. VBYTES-byte vectors (GCC/Clang vector
// extension) local to a function compiled for the ISA, so no vector crosses a
// call.
constexpr size_t kLineFloats = 16;              // a 64-byte cache line
constexpr size_t kSkewFloats = 2 * kLineFloats; // range s starts s * 128 bytes late
constexpr size_t kBlockFloats = 8 * 4 * kLineFloats;

#define BENCH_READ_KERNEL(NAME, TARGET, VBYTES)                                                    \
  template <int S, int L>                                                                          \
  TARGET float NAME(const float *p, size_t len, size_t stride, size_t passes) {                    \
    typedef float Vec __attribute__((vector_size(VBYTES)));                                        \
    constexpr int perIter = L * 64 / (VBYTES);                                                     \
    Vec acc[8] = {};                                                                               \
    for (size_t pass = 0; pass < passes; ++pass) {                                                 \
      for (size_t i = 0; i < len; i += L * kLineFloats) {                                          \
        _Pragma("GCC unroll 8") for (int s = 0; s < S; ++s) {                                      \
          const Vec *v = reinterpret_cast<const Vec *>(p + s * stride + i);                        \
          _Pragma("GCC unroll 16") for (int j = 0; j < perIter; ++j) {                             \
            acc[(s * perIter + j) % 8] += v[j];                                                    \
          }                                                                                        \
        }                                                                                          \
      }                                                                                            \
      __asm__ volatile("" ::: "memory");                                                           \
    }                                                                                              \
    for (int k = 1; k < 8; ++k)                                                                    \
      acc[0] += acc[k];                                                                            \
    float total = 0;                                                                               \
    for (int k = 0; k < (VBYTES) / 4; ++k)                                                         \
      total += acc[0][k];                                                                          \
    return total;                                                                                  \
  }

BENCH_READ_KERNEL(read512, __attribute__((target("avx512f"))), 64)
BENCH_READ_KERNEL(read256, __attribute__((target("avx2"))), 32)
BENCH_READ_KERNEL(read128, , 16) // SSE2: the x86-64 baseline

using ReadFn = float (*)(const float *, size_t, size_t, size_t);
constexpr int kStreams[] = {1, 2, 4, 8};
constexpr int kLines[] = {4, 2, 1, 1}; // cache lines of each stream per iteration

ReadFn readKernel(int index) {
  static const ReadFn table[3][4] = {{read512<1, 4>, read512<2, 2>, read512<4, 1>, read512<8, 1>},
                                     {read256<1, 4>, read256<2, 2>, read256<4, 1>, read256<8, 1>},
                                     {read128<1, 4>, read128<2, 2>, read128<4, 1>, read128<8, 1>}};
  return table[static_cast<int>(chosenIsa())][index];
}

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
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    size_t colon = line.find(':');
    if (line.rfind("model name", 0) == 0 && colon != std::string::npos) {
      size_t begin = line.find_first_not_of(" \t", colon + 1);
      return begin == std::string::npos ? "unknown" : line.substr(begin);
    }
  }
  return "unknown";
}

const char *vectorIsa() {
  switch (chosenIsa()) {
  case Isa::Avx512:
    return "avx512";
  case Isa::Avx2:
    return "avx2";
  case Isa::Sse2:
    return "sse2";
  }
  return "sse2";
}

double measureFmaPeak(int threads) {
  Isa isa = chosenIsa();
  if (isa == Isa::Sse2)
    return NAN;
  const long iterations = 50'000'000;
  double flopsPerIteration = isa == Isa::Avx512 ? kFmaAccs512 * 16 * 2 : kFmaAccs256 * 8 * 2;
  volatile float sink = 0;
  double best = 1e30;
  for (int rep = 0; rep < 3; ++rep)
    best = std::min(best, onThreads(threads, [&](int) {
                      sink = sink +
                             (isa == Isa::Avx512 ? fmaLoop512(iterations) : fmaLoop256(iterations));
                    }));
  return threads * static_cast<double>(iterations) * flopsPerIteration / best / 1e9;
}

double measureReadBandwidth(int threads, size_t bytes) {
  size_t floats =
      std::max(2 * kBlockFloats, bytes / sizeof(float) / threads / kBlockFloats * kBlockFloats);
  std::vector<float *> parts(threads);
  onThreads(threads, [&](int t) {
    parts[t] = static_cast<float *>(std::aligned_alloc(64, floats * sizeof(float)));
    for (size_t i = 0; i < floats; ++i)
      parts[t][i] = static_cast<float>(i & 7);
  });
  // Small buffers are read many times per thread launch, so the launch
  // does not count.
  size_t passes = std::max<size_t>(1, (size_t(256) << 20) / bytes);
  volatile float sink = 0;
  double best = 0;
  // The stream counts alternate within each rep, so drifting load on the
  // machine hits them alike.
  for (int rep = 0; rep < 5; ++rep) {
    for (int k = 0; k < 4; ++k) {
      size_t step = kLines[k] * kLineFloats, streams = kStreams[k];
      size_t len = (floats - (streams - 1) * kSkewFloats) / streams / step * step;
      ReadFn read = readKernel(k);
      double time = onThreads(
          threads, [&](int t) { sink = sink + read(parts[t], len, len + kSkewFloats, passes); });
      best = std::max(best, double(len) * streams * threads * sizeof(float) * passes / time / 1e9);
    }
  }
  for (float *p : parts)
    std::free(p);
  return best;
}

} // namespace bench
