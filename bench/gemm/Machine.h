//===- Machine.h - What this machine can do at best -------------*- C++ -*-===//
//
// The two ceilings the benchmark divides by, measured in the same run:
// FMA throughput (compute-bound GEMM) and read bandwidth (GEMV), and what
// they were measured on.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_BENCH_GEMM_MACHINE_H
#define TERNION_BENCH_GEMM_MACHINE_H

#include <cstddef>
#include <string>

namespace bench {

/// The CPU's model name ("model name" in /proc/cpuinfo), or "unknown".
std::string cpuModel();

/// The vector ISA of the probes below, chosen at run time from what the CPU
/// (and the OS) supports, not from compiler flags, by the rule of
/// bench/common/read_kernels.h: "avx512" (AVX-512F), "avx2", else "sse2"
/// ("generic" off x86). The
/// environment variable TERNION_BENCH_ISA=avx512|avx2|sse2 forces one the
/// CPU has (e.g. to test the AVX2 path on an AVX-512 machine); naming one it
/// lacks, or another value, is an error (exit status 2).
const char *vectorIsa();

/// f32 GFLOP/s of independent FMAs of vectorIsa()'s width (512 or 256 bits)
/// on `threads` threads; NaN without FMA instructions ("sse2", or AVX2
/// without FMA).
double measureFmaPeak(int threads);

/// GB/s of summing a `bytes` buffer (split among `threads` threads, each
/// touching its own part first) with vectorIsa()'s loads; the best of a few
/// runs and of 1, 2, 4 and 8 interleaved read streams per thread (like
/// bench/llm/bandwidth.c: the most the machine reads, so that no kernel can
/// beat it). A buffer smaller than 256 MiB is read repeatedly in a run (hot
/// in cache if it fits).
double measureReadBandwidth(int threads, size_t bytes);

} // namespace bench

#endif // TERNION_BENCH_GEMM_MACHINE_H
