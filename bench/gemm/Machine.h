//===- Machine.h - What this machine can do at best -------------*- C++ -*-===//
//
// The two ceilings the benchmark divides by, measured in the same run:
// FMA throughput (compute-bound GEMM) and read bandwidth (GEMV).
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_BENCH_GEMM_MACHINE_H
#define TERNION_BENCH_GEMM_MACHINE_H

#include <cstddef>

namespace bench {

/// f32 GFLOP/s of independent 512-bit FMAs on `threads` threads.
double measureFmaPeak(int threads);

/// GB/s of summing a `bytes` buffer (split among `threads` threads, each
/// touching its own part first); the best of a few runs. A buffer smaller
/// than 256 MiB is read repeatedly in a run (hot in cache if it fits).
double measureReadBandwidth(int threads, size_t bytes);

} // namespace bench

#endif // TERNION_BENCH_GEMM_MACHINE_H
