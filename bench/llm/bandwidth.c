/* Read bandwidth for the decode bound of the LLM benchmark (bench/llm/run.sh).
 *
 *   cc -O3 -march=native -pthread bench/llm/bandwidth.c -o bandwidth
 *   ./bandwidth [THREADS=2] [MIB=1024] [REPS=10]
 *
 * Each thread sums its contiguous share of one MIB-MiB array of 64-bit words (written once
 * first, so every page is mapped), REPS times; the threads start together at a barrier and the
 * pass time is that of the slowest. Prints one JSON line with the best pass in GB/s (1e9 bytes
 * per second) and the median. The array is far larger than the last-level cache, like a
 * model's weights streamed once per decoded token.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t *data;
static size_t words;
static int nthreads, reps;
static pthread_barrier_t barrier;
static double *times; /* [reps][nthreads]: end of each thread's pass */
static double *starts;
static volatile uint64_t sink;
/* 64-byte vectors (GCC/Clang vector extension): one zmm register with AVX-512, two ymm with
   AVX2. Four independent accumulators keep enough loads in flight that the loop is bound by
   memory, not by the adds (a scalar loop measures about half the bandwidth here). */
typedef uint64_t v8u64 __attribute__((vector_size(64)));

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void *worker(void *arg) {
  int t = (int)(intptr_t)arg;
  size_t per = words / nthreads / 32 * 32, lo = t * per, hi = lo + per;
  for (size_t i = lo; i < hi; i++) /* first touch by the thread that reads it */
    data[i] = i * 0x9e3779b97f4a7c15ull;
  uint64_t total = 0;
  for (int r = 0; r < reps; r++) {
    pthread_barrier_wait(&barrier);
    if (t == 0)
      starts[r] = now();
    pthread_barrier_wait(&barrier);
    v8u64 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
    const v8u64 *v = (const v8u64 *)(data + lo); /* lo is a multiple of 32 words */
    for (size_t i = 0, n = (hi - lo) / 32; i < n; i++) {
      a0 += v[4 * i];
      a1 += v[4 * i + 1];
      a2 += v[4 * i + 2];
      a3 += v[4 * i + 3];
    }
    v8u64 a = a0 ^ a1 ^ a2 ^ a3;
    for (int k = 0; k < 8; k++)
      total += a[k];
    times[r * nthreads + t] = now();
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
  if (nthreads < 1 || mib < 1 || reps < 1) {
    fprintf(stderr, "usage: bandwidth [THREADS] [MIB] [REPS]\n");
    return 2;
  }
  words = mib * 1024 * 1024 / sizeof(uint64_t);
  if (posix_memalign((void **)&data, 2 * 1024 * 1024, words * sizeof(uint64_t))) {
    fprintf(stderr, "bandwidth: cannot allocate %zu MiB\n", mib);
    return 1;
  }
  times = calloc((size_t)reps * nthreads, sizeof(double));
  starts = calloc(reps, sizeof(double));
  pthread_barrier_init(&barrier, NULL, nthreads);
  pthread_t *th = calloc(nthreads, sizeof(pthread_t));
  for (int t = 0; t < nthreads; t++)
    pthread_create(&th[t], NULL, worker, (void *)(intptr_t)t);
  for (int t = 0; t < nthreads; t++)
    pthread_join(th[t], NULL);
  double *gbs = calloc(reps, sizeof(double));
  double bytes = (double)(words / nthreads / 32 * 32) * nthreads * sizeof(uint64_t);
  for (int r = 0; r < reps; r++) {
    double end = 0;
    for (int t = 0; t < nthreads; t++)
      if (times[r * nthreads + t] > end)
        end = times[r * nthreads + t];
    gbs[r] = bytes / (end - starts[r]) / 1e9;
  }
  qsort(gbs, reps, sizeof(double), cmp);
  printf("{\"threads\": %d, \"mib\": %zu, \"reps\": %d, \"best_gb_s\": %.2f, \"median_gb_s\": %.2f}\n",
         nthreads, mib, reps, gbs[reps - 1], gbs[reps / 2]);
  return 0;
}
