/* The CPU a benchmark ran on, as every benchmark prints it. C and C++. */
#ifndef TERNION_BENCH_COMMON_CPU_MODEL_H
#define TERNION_BENCH_COMMON_CPU_MODEL_H

#include <stdio.h>
#include <string.h>

/* The "model name" of /proc/cpuinfo (what run.sh's conditions print), JSON-escaped. */
static void bench_cpu_model(char *out, size_t size) {
  snprintf(out, size, "unknown");
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f)
    return;
  char line[512];
  while (fgets(line, sizeof line, f)) {
    char *colon = strchr(line, ':');
    if (strncmp(line, "model name", 10) || !colon)
      continue;
    char *s = colon + 1;
    while (*s == ' ' || *s == '\t')
      s++;
    size_t n = 0;
    for (; *s && *s != '\n' && n + 3 < size; s++) {
      if (*s == '"' || *s == '\\')
        out[n++] = '\\';
      out[n++] = (unsigned char)*s < 0x20 ? ' ' : *s;
    }
    out[n] = 0;
    break;
  }
  fclose(f);
}

#endif /* TERNION_BENCH_COMMON_CPU_MODEL_H */
