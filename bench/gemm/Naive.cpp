//===- Naive.cpp - Triple loops, -O3 -march=native ------------------------===//
//
// What a plain C++ implementation gets from the compiler: the textbook
// loops, no blocking, no intrinsics, no -ffast-math (so the K reduction of
// the linear form stays sequential, as written).
//
//===----------------------------------------------------------------------===//
#include "Naive.h"

#include <algorithm>
#include <thread>
#include <vector>

namespace bench {
namespace {

template <typename Fn> void split(int count, int threads, Fn fn) {
  std::vector<std::thread> workers;
  int chunk = (count + threads - 1) / threads;
  for (int t = 0; t < threads; ++t) {
    int begin = t * chunk, end = std::min(count, begin + chunk);
    if (begin < end)
      workers.emplace_back(fn, begin, end);
  }
  for (std::thread &w : workers)
    w.join();
}

} // namespace

void naiveLinear(const float *x, const float *w, float *y, int m, int n, int k, int threads) {
  auto rows = [=](int mBegin, int mEnd, int nBegin, int nEnd) {
    for (int i = mBegin; i < mEnd; ++i)
      for (int j = nBegin; j < nEnd; ++j) {
        float sum = 0;
        for (int l = 0; l < k; ++l)
          sum += x[i * k + l] * w[j * k + l];
        y[i * n + j] = sum;
      }
  };
  if (m == 1)
    split(n, threads, [&](int b, int e) { rows(0, 1, b, e); });
  else
    split(m, threads, [&](int b, int e) { rows(b, e, 0, n); });
}

void naiveMatmul(const float *a, const float *b, float *c, int m, int n, int k, int threads) {
  split(m, threads, [=](int mBegin, int mEnd) {
    for (int i = mBegin; i < mEnd; ++i)
      for (int j = 0; j < n; ++j) {
        float sum = 0;
        for (int l = 0; l < k; ++l)
          sum += a[i * k + l] * b[l * n + j];
        c[i * n + j] = sum;
      }
  });
}

} // namespace bench
