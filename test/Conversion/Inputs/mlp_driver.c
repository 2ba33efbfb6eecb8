// Driver for lower-to-llvm-run.test: calls the compiled @model through its
// C interface and compares with a reference computed here in double.
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <math.h>
typedef struct { float *alloc, *aligned; int64_t off, sizes[2], strides[2]; } D2;
typedef struct { float *alloc, *aligned; int64_t off, sizes[1], strides[1]; } D1;
void _mlir_ciface_model(D2 *res, D2 *x, D1 *y);
int main() {
  float xs[8] = {1, -2, 3, 4, -5, 6, 0.5, 1};
  float ys[4] = {0.5, 1, -1, 2};
  float w[3][4] = {{1,2,3,4},{.5,.5,.5,.5},{-1,0,1,0}};
  D2 x = {xs, xs, 0, {2, 4}, {4, 1}}; D1 y = {ys, ys, 0, {4}, {1}}; D2 r;
  _mlir_ciface_model(&r, &x, &y);
  double maxerr = 0;
  for (int i = 0; i < 2; ++i) for (int n = 0; n < 3; ++n) {
    double acc = 0; for (int k = 0; k < 4; ++k) { float a = xs[i*4+k] + ys[k]; if (a < 0) a = 0; acc += a * w[n][k]; }
    double ref = 1.0 / (1.0 + exp(-acc)); double got = r.aligned[r.off + i*r.strides[0] + n*r.strides[1]];
    printf("%d %d got %f ref %f\n", i, n, got, ref); if (fabs(got-ref) > maxerr) maxerr = fabs(got-ref);
  }
  printf("sizes %ld %ld maxerr %g\n", (long)r.sizes[0], (long)r.sizes[1], maxerr);
  free(r.alloc);
  return maxerr > 1e-6;
}
