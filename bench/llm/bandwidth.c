/* Read bandwidth for the decode bound of the LLM benchmark (bench/llm/run.sh).
 *
 *   cc -O3 -pthread bench/llm/bandwidth.c -o bandwidth
 *   ./bandwidth [THREADS=2] [MIB=1024] [REPS=10] [STREAMS=1,2,4,8]
 *
 * Each thread sums its contiguous share of one MIB-MiB array of 64-bit words (written once
 * first, by that thread, so every page is mapped), REPS times; the threads start together at a
 * barrier and the pass time is that of the slowest. The array is far larger than the last-level
 * cache, like a model's weights streamed once per decoded token.
 *
 * A bound must be the most the machine can read, so the passes read the way the fastest kernel
 * does: a thread cuts its share into S disjoint ranges ("streams", for each S in STREAMS) and
 * reads them interleaved, a cache line of each in turn, like Ternion's panel kernel reading
 * several weight panels at once. The hardware prefetchers follow each range on its own, so more
 * streams keep more lines in flight (one stream reached 23.9 GB/s on an AVX2 Zen 3 where four
 * reached 32.8 and Ternion's decode 30.8). The ranges start a few cache lines apart, not on the
 * same page offset, so their lines do not all fall in one L1 set. The loads are the widest the
 * CPU has, summed into 8 vector accumulators (a scalar loop measures about half the bandwidth).
 * The passes of the stream counts alternate within each rep, so a drifting machine load hits
 * them alike.
 *
 * The vector ISA is chosen at run time, not by compiler flags (build with no -m/-march option;
 * the binary runs on any x86-64): each kernel is compiled for its ISA with
 * __attribute__((target)) and called only if __builtin_cpu_supports says the CPU (and the OS)
 * has it: AVX-512F (zmm loads), else AVX2 (ymm), else SSE2 (xmm, every x86-64).
 * TERNION_BENCH_ISA=avx512|avx2|sse2 forces one (an error if the CPU lacks it), e.g. to compare
 * them or to test the AVX2 path on an AVX-512 machine. Other architectures get the generic
 * kernel ("generic": GCC/Clang vector extensions for the default target).
 *
 * Prints one JSON line: "best_gb_s" is the maximum over STREAMS of the best pass in GB/s (1e9
 * bytes per second), "median_gb_s" the median pass of that stream count, "streams" and "isa"
 * the variant that gave it, "cpu" the model name, and "variants" the best and median per
 * stream count.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/read_kernels.h"

static uint64_t *data;
static size_t per; /* words of each thread's share */
static int nthreads, reps, nvariants;
static int variant_kind[NSTREAM_KINDS];   /* index into stream_counts */
static size_t variant_len[NSTREAM_KINDS]; /* words of each stream */
static const kernel_fn *kernels;
static pthread_barrier_t barrier;
static double *times;  /* [reps][nvariants][nthreads]: end of each thread's pass */
static double *starts; /* [reps][nvariants] */
static volatile uint64_t sink;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void *worker(void *arg) {
  int t = (int)(intptr_t)arg;
  size_t lo = t * per;
  for (size_t i = lo; i < lo + per; i++) /* first touch by the thread that reads it */
    data[i] = i * 0x9e3779b97f4a7c15ull;
  uint64_t total = 0;
  for (int r = 0; r < reps; r++)
    for (int v = 0; v < nvariants; v++) {
      size_t len = variant_len[v];
      pthread_barrier_wait(&barrier);
      if (t == 0)
        starts[r * nvariants + v] = now();
      pthread_barrier_wait(&barrier);
      total += kernels[variant_kind[v]](data + lo, len, len + SKEW_WORDS);
      times[(r * nvariants + v) * nthreads + t] = now();
    }
  sink += total;
  return NULL;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  nthreads = argc > 1 ? atoi(argv[1]) : 2;
  size_t mib = argc > 2 ? (size_t)atol(argv[2]) : 1024;
  reps = argc > 3 ? atoi(argv[3]) : 10;
  const char *streams = argc > 4 ? argv[4] : "1,2,4,8";
  for (const char *s = streams; *s;) {
    char *end;
    long n = strtol(s, &end, 10);
    int kind = -1;
    for (int k = 0; k < NSTREAM_KINDS; k++)
      if (stream_counts[k] == n)
        kind = k;
    if (end == s || kind < 0 || nvariants == NSTREAM_KINDS || (*end && *end != ',')) {
      nvariants = 0;
      break;
    }
    variant_kind[nvariants++] = kind;
    s = *end ? end + 1 : end;
  }
  if (nthreads < 1 || mib < 1 || reps < 1 || argc > 5 || nvariants == 0) {
    fprintf(stderr, "usage: bandwidth [THREADS] [MIB] [REPS] [STREAMS: a list of 1,2,4,8]\n");
    return 2;
  }
  const char *isa = bench_pick_isa("bandwidth", &kernels);
  size_t words = mib * 1024 * 1024 / sizeof(uint64_t);
  per = words / nthreads / BLOCK_WORDS * BLOCK_WORDS;
  for (int v = 0; v < nvariants; v++)
    variant_len[v] = bench_stream_len(per, variant_kind[v]);
  if (per < 2 * BLOCK_WORDS ||
      posix_memalign((void **)&data, 2 * 1024 * 1024, words * sizeof(uint64_t))) {
    fprintf(stderr, "bandwidth: cannot allocate %zu MiB (or too small for %d threads)\n", mib,
            nthreads);
    return 1;
  }
  size_t passes = (size_t)reps * nvariants;
  times = calloc(passes * nthreads, sizeof(double));
  starts = calloc(passes, sizeof(double));
  pthread_barrier_init(&barrier, NULL, nthreads);
  pthread_t *th = calloc(nthreads, sizeof(pthread_t));
  for (int t = 0; t < nthreads; t++)
    pthread_create(&th[t], NULL, worker, (void *)(intptr_t)t);
  for (int t = 0; t < nthreads; t++)
    pthread_join(th[t], NULL);

  double best[NSTREAM_KINDS], median[NSTREAM_KINDS], *gbs = calloc(reps, sizeof(double));
  int win = 0;
  for (int v = 0; v < nvariants; v++) {
    double bytes = (double)variant_len[v] * stream_counts[variant_kind[v]] * nthreads * 8;
    for (int r = 0; r < reps; r++) {
      double end = 0;
      for (int t = 0; t < nthreads; t++)
        if (times[(r * nvariants + v) * nthreads + t] > end)
          end = times[(r * nvariants + v) * nthreads + t];
      gbs[r] = bytes / (end - starts[r * nvariants + v]) / 1e9;
    }
    qsort(gbs, reps, sizeof(double), cmp);
    best[v] = gbs[reps - 1];
    median[v] = gbs[reps / 2];
    if (best[v] > best[win])
      win = v;
  }
  char cpu[256];
  bench_cpu_model(cpu, sizeof cpu);
  printf(
      "{\"threads\": %d, \"mib\": %zu, \"reps\": %d, \"best_gb_s\": %.2f, \"median_gb_s\": %.2f, "
      "\"streams\": %d, \"isa\": \"%s\", \"cpu\": \"%s\", \"variants\": [",
      nthreads, mib, reps, best[win], median[win], stream_counts[variant_kind[win]], isa, cpu);
  for (int v = 0; v < nvariants; v++)
    printf("%s{\"streams\": %d, \"best_gb_s\": %.2f, \"median_gb_s\": %.2f}", v ? ", " : "",
           stream_counts[variant_kind[v]], best[v], median[v]);
  printf("]}\n");
  return 0;
}
