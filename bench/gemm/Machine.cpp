//===- Machine.cpp - FMA peak and read bandwidth microbenchmarks ----------===//
//
// Compiled on its own with -mavx512f (CMakeLists.txt), so these loops are
// AVX-512 whatever the rest of the driver is built for. The FMA loop keeps
// 16 independent accumulators: more than FMA latency x FMA ports (4 x 2),
// so it measures throughput, not latency.
//
//===----------------------------------------------------------------------===//
#include "Machine.h"

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace bench {
namespace {

double seconds() {
  using clock = std::chrono::steady_clock;
  return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
}

float fmaLoop(long iterations) {
  __m512 acc[16];
  for (int i = 0; i < 16; ++i)
    acc[i] = _mm512_set1_ps(static_cast<float>(i) * 1e-3f);
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  for (long it = 0; it < iterations; ++it) {
    for (int i = 0; i < 16; ++i)
      acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    // Keeps the compiler from collapsing iterations.
    __asm__ volatile("" : "+v"(acc[0]), "+v"(acc[1]), "+v"(acc[2]), "+v"(acc[3]), "+v"(acc[4]),
                     "+v"(acc[5]), "+v"(acc[6]), "+v"(acc[7]));
  }
  __m512 sum = acc[0];
  for (int i = 1; i < 16; ++i)
    sum = _mm512_add_ps(sum, acc[i]);
  return _mm512_reduce_add_ps(sum);
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

double measureFmaPeak(int threads) {
  const long iterations = 50'000'000;
  volatile float sink = 0;
  double best = 1e30;
  for (int rep = 0; rep < 3; ++rep)
    best = std::min(best, onThreads(threads, [&](int) { sink = sink + fmaLoop(iterations); }));
  return threads * static_cast<double>(iterations) * 16 * 16 * 2 / best / 1e9;
}

double measureReadBandwidth(int threads, size_t bytes) {
  size_t floats = bytes / sizeof(float) / threads / 64 * 64;
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
  double best = 1e30;
  for (int rep = 0; rep < 5; ++rep) {
    best = std::min(best, onThreads(threads, [&](int t) {
      const float *p = parts[t];
      __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
      for (size_t pass = 0; pass < passes; ++pass) {
        for (size_t i = 0; i < floats; i += 64) {
          a0 = _mm512_add_ps(a0, _mm512_load_ps(p + i));
          a1 = _mm512_add_ps(a1, _mm512_load_ps(p + i + 16));
          a2 = _mm512_add_ps(a2, _mm512_load_ps(p + i + 32));
          a3 = _mm512_add_ps(a3, _mm512_load_ps(p + i + 48));
        }
        __asm__ volatile("" : "+v"(a0), "+v"(a1), "+v"(a2), "+v"(a3));
      }
      sink = sink + _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
    }));
  }
  for (float *p : parts)
    std::free(p);
  return static_cast<double>(floats) * threads * sizeof(float) * passes / best / 1e9;
}

} // namespace bench
