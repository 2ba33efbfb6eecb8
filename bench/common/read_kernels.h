/* Read-bandwidth kernels and CPU probing shared by the benchmarks (bench/llm/bandwidth.c, the
 * decode bound; bench/gemm/Machine.cpp, the GEMM driver's read probe), so both measure the same
 * way and pick their vector ISA by the same rule. C and C++.
 *
 * A thread cuts its share into S disjoint ranges ("streams") and reads them interleaved, a cache
 * line of each in turn, as the fastest kernel reads several weight panels at once; the hardware
 * prefetchers follow each range on its own, so more streams keep more lines in flight. The ISA
 * is chosen at run time (build with no -m/-march option): each kernel is compiled for its ISA
 * with __attribute__((target)) and called only where __builtin_cpu_supports says the CPU has it.
 */
#ifndef TERNION_BENCH_COMMON_READ_KERNELS_H
#define TERNION_BENCH_COMMON_READ_KERNELS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_model.h"

#define LINE_WORDS 8                /* a 64-byte cache line of uint64_t */
#define ACCS 8                      /* vector accumulators of a kernel */
#define SKEW_WORDS (2 * LINE_WORDS) /* stream s starts s * 128 bytes past its share's cut */
#define MAX_STREAMS 8
#define BLOCK_WORDS (MAX_STREAMS * 4 * LINE_WORDS) /* a thread's share is a multiple of this */

/* One kernel: sums S ranges of `len` words, `stride` words apart from p, reading L cache
   lines of each range in turn (L * S >= 4 lines per iteration) with VBYTES-byte loads. The
   accumulators are local vectors of the kernel's own target, so no vector crosses a call. */
#define READ_KERNEL(NAME, TARGET, VBYTES, S, L)                                                    \
  TARGET static uint64_t NAME(const uint64_t *p, size_t len, size_t stride) {                      \
    typedef uint64_t vec __attribute__((vector_size(VBYTES)));                                     \
    enum { VWORDS = (VBYTES) / 8, PER_ITER = (L)*LINE_WORDS / VWORDS };                            \
    vec acc[ACCS];                                                                                 \
    memset(acc, 0, sizeof acc);                                                                    \
    for (size_t i = 0; i < len; i += (L)*LINE_WORDS) {                                             \
      _Pragma("GCC unroll 8") for (int s = 0; s < (S); s++) {                                      \
        const vec *v = (const vec *)(p + s * stride + i);                                          \
        _Pragma("GCC unroll 32") for (int j = 0; j < PER_ITER; j++) {                              \
          acc[(s * PER_ITER + j) % ACCS] += v[j];                                                  \
        }                                                                                          \
      }                                                                                            \
    }                                                                                              \
    for (int k = 1; k < ACCS; k++)                                                                 \
      acc[0] ^= acc[k];                                                                            \
    uint64_t total = 0;                                                                            \
    for (int k = 0; k < VWORDS; k++)                                                               \
      total += acc[0][k];                                                                          \
    return total;                                                                                  \
  }

typedef uint64_t (*kernel_fn)(const uint64_t *, size_t, size_t);
static const int stream_counts[] = {1, 2, 4, 8};
#define NSTREAM_KINDS 4
/* Cache lines of each stream read per iteration, by stream count: at least 4 lines in all. */
static const int lines_per_stream[] = {4, 2, 1, 1};

#define KERNELS(ISA, TARGET, VBYTES)                                                               \
  READ_KERNEL(read_##ISA##_1, TARGET, VBYTES, 1, 4)                                                \
  READ_KERNEL(read_##ISA##_2, TARGET, VBYTES, 2, 2)                                                \
  READ_KERNEL(read_##ISA##_4, TARGET, VBYTES, 4, 1)                                                \
  READ_KERNEL(read_##ISA##_8, TARGET, VBYTES, 8, 1)                                                \
  static const kernel_fn ISA##_kernels[NSTREAM_KINDS] = {read_##ISA##_1, read_##ISA##_2,           \
                                                         read_##ISA##_4, read_##ISA##_8};

#if defined(__x86_64__) || defined(__i386__)
KERNELS(avx512, __attribute__((target("avx512f"))), 64)
KERNELS(avx2, __attribute__((target("avx2"))), 32)
KERNELS(sse2, , 16) /* the x86-64 baseline: no target attribute */
#else
KERNELS(generic, , 16)
#endif

/* Picks the widest read kernels this CPU has (TERNION_BENCH_ISA=avx512|avx2|sse2 forces one;
   `tool` names the program in the error when the CPU lacks it) and returns the ISA's name. */
static const char *bench_pick_isa(const char *tool, const kernel_fn **kernels) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  int has512 = __builtin_cpu_supports("avx512f"), has2 = __builtin_cpu_supports("avx2");
  const char *force = getenv("TERNION_BENCH_ISA");
  if (force && *force) {
    if (!strcmp(force, "avx512") && has512)
      return *kernels = avx512_kernels, "avx512";
    if (!strcmp(force, "avx2") && has2)
      return *kernels = avx2_kernels, "avx2";
    if (!strcmp(force, "sse2"))
      return *kernels = sse2_kernels, "sse2";
    fprintf(stderr, "%s: TERNION_BENCH_ISA=%s: not one of avx512, avx2, sse2 that this CPU has\n",
            tool, force);
    exit(2);
  }
  if (has512)
    return *kernels = avx512_kernels, "avx512";
  if (has2)
    return *kernels = avx2_kernels, "avx2";
  return *kernels = sse2_kernels, "sse2";
#else
  return *kernels = generic_kernels, "generic";
#endif
}


/* Words of each of the streams of kind `kind` in a thread's share of `per` words (a multiple of
   BLOCK_WORDS): whole iterations of the kernel, the streams SKEW_WORDS apart. */
static size_t bench_stream_len(size_t per, int kind) {
  size_t step = (size_t)lines_per_stream[kind] * LINE_WORDS, s = (size_t)stream_counts[kind];
  return (per - (s - 1) * SKEW_WORDS) / s / step * step;
}

#endif /* TERNION_BENCH_COMMON_READ_KERNELS_H */
