//===- Naive.h - The plain C++ baseline -------------------------*- C++ -*-===//
#ifndef TERNION_BENCH_GEMM_NAIVE_H
#define TERNION_BENCH_GEMM_NAIVE_H

namespace bench {

/// y[m, n] = sum_k x[m, k] * w[n, k] (tern.linear's layout), rows (or, for
/// one row, columns) split among `threads` threads.
void naiveLinear(const float *x, const float *w, float *y, int m, int n, int k, int threads);

/// c[m, n] = sum_k a[m, k] * b[k, n], rows split among `threads` threads.
void naiveMatmul(const float *a, const float *b, float *c, int m, int n, int k, int threads);

} // namespace bench

#endif // TERNION_BENCH_GEMM_NAIVE_H
