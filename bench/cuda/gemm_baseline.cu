// gemm_baseline.cu - the baselines of the CUDA benchmark (scripts/device-check.sh run):
// the device's read bandwidth, for the decode bound (weight bytes / bandwidth), and cuBLAS
// GEMMs of the model's linear-layer shapes, for the prefill ratio. Built on the GPU machine
// with its toolkit (no LLVM or Ternion needed):
//
//   nvcc -O2 -o gemm_baseline gemm_baseline.cu -lcublas
//   gemm_baseline M N K [N K ...]   -> one line per shape and a total; times in ms
//
// Row-major Y[M,N] = X[M,K] W[N,K]^T, as a linear layer, in strict f32 (CUBLAS_COMPUTE_32F)
// and in TF32 tensor cores (CUBLAS_COMPUTE_32F_FAST_TF32); the median of 20 runs after 3
// warm-ups.
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#define CHECK_CUDA(call)                                                                         \
  do {                                                                                           \
    cudaError_t error = (call);                                                                  \
    if (error != cudaSuccess) {                                                                  \
      std::fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, cudaGetErrorString(error));        \
      std::exit(1);                                                                              \
    }                                                                                            \
  } while (0)
#define CHECK_CUBLAS(call)                                                                       \
  do {                                                                                           \
    cublasStatus_t status = (call);                                                              \
    if (status != CUBLAS_STATUS_SUCCESS) {                                                       \
      std::fprintf(stderr, "%s:%d: cuBLAS status %d\n", __FILE__, __LINE__, int(status));        \
      std::exit(1);                                                                              \
    }                                                                                            \
  } while (0)

// Reads `count` float4s and keeps one sum per block, so nothing is optimized away.
__global__ void readAll(const float4 *data, size_t count, float *sums) {
  float sum = 0;
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < count;
       i += size_t(gridDim.x) * blockDim.x) {
    float4 v = data[i];
    sum += v.x + v.y + v.z + v.w;
  }
  if (sum == 12345.f) // never, for random-free zeroed memory; keeps the loads
    sums[blockIdx.x] = sum;
}

template <typename F> float medianMs(F &&run, int reps = 20) {
  cudaEvent_t start, stop;
  CHECK_CUDA(cudaEventCreate(&start));
  CHECK_CUDA(cudaEventCreate(&stop));
  for (int i = 0; i < 3; ++i)
    run();
  std::vector<float> times;
  for (int i = 0; i < reps; ++i) {
    CHECK_CUDA(cudaEventRecord(start));
    run();
    CHECK_CUDA(cudaEventRecord(stop));
    CHECK_CUDA(cudaEventSynchronize(stop));
    float ms = 0;
    CHECK_CUDA(cudaEventElapsedTime(&ms, start, stop));
    times.push_back(ms);
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

int main(int argc, char **argv) {
  if (argc < 4 || (argc - 2) % 2 != 0) {
    std::fprintf(stderr, "usage: gemm_baseline M N K [N K ...]\n");
    return 2;
  }
  cudaDeviceProp properties;
  CHECK_CUDA(cudaGetDeviceProperties(&properties, 0));
  std::printf("device: %s, %d SMs\n", properties.name, properties.multiProcessorCount);

  // Read bandwidth over 2 GiB, far beyond the L2.
  size_t bytes = size_t(2) << 30;
  float4 *buffer;
  float *sums;
  CHECK_CUDA(cudaMalloc(&buffer, bytes));
  CHECK_CUDA(cudaMemset(buffer, 0, bytes));
  CHECK_CUDA(cudaMalloc(&sums, 4096 * sizeof(float)));
  int blocks = properties.multiProcessorCount * 8;
  float readMs = medianMs([&] { readAll<<<blocks, 512>>>(buffer, bytes / 16, sums); });
  std::printf("read bandwidth: %.1f GB/s\n", bytes / (readMs * 1e-3) / 1e9);
  CHECK_CUDA(cudaFree(buffer));

  long m = std::atol(argv[1]);
  cublasHandle_t handle;
  CHECK_CUBLAS(cublasCreate(&handle));
  double totalF32 = 0, totalTf32 = 0;
  for (int arg = 2; arg + 1 < argc; arg += 2) {
    long n = std::atol(argv[arg]), k = std::atol(argv[arg + 1]);
    float *x, *w, *y;
    CHECK_CUDA(cudaMalloc(&x, m * k * sizeof(float)));
    CHECK_CUDA(cudaMalloc(&w, n * k * sizeof(float)));
    CHECK_CUDA(cudaMalloc(&y, m * n * sizeof(float)));
    CHECK_CUDA(cudaMemset(x, 0, m * k * sizeof(float)));
    CHECK_CUDA(cudaMemset(w, 0, n * k * sizeof(float)));
    float one = 1, zero = 0;
    // Column-major view: Y^T[N,M] = W[N,K] (as W^T col-major) x X^T[K,M].
    auto gemm = [&](cublasComputeType_t compute) {
      return [&, compute] {
        CHECK_CUBLAS(cublasGemmEx(handle, CUBLAS_OP_T, CUBLAS_OP_N, n, m, k, &one, w, CUDA_R_32F,
                                  k, x, CUDA_R_32F, k, &zero, y, CUDA_R_32F, n, compute,
                                  CUBLAS_GEMM_DEFAULT));
      };
    };
    float f32 = medianMs(gemm(CUBLAS_COMPUTE_32F));
    float tf32 = medianMs(gemm(CUBLAS_COMPUTE_32F_FAST_TF32));
    double flops = 2.0 * m * n * k;
    std::printf("gemm M=%ld N=%ld K=%ld: f32 %.3f ms (%.1f TFLOP/s), tf32 %.3f ms (%.1f TFLOP/s)\n",
                m, n, k, f32, flops / (f32 * 1e-3) / 1e12, tf32, flops / (tf32 * 1e-3) / 1e12);
    totalF32 += f32;
    totalTf32 += tf32;
    CHECK_CUDA(cudaFree(x));
    CHECK_CUDA(cudaFree(w));
    CHECK_CUDA(cudaFree(y));
  }
  std::printf("gemm total: f32 %.3f ms, tf32 %.3f ms\n", totalF32, totalTf32);
  CHECK_CUBLAS(cublasDestroy(handle));
  return 0;
}
