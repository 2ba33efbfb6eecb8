//===- FakeCudaDeviceTest.cpp - The CUDA device over a stand-in driver ----===//
//
// The runtime's CUDA device and launch ABI, driven through
// fixtures/fake_cuda.c (TERNION_CUDA_DRIVER), which keeps device memory in
// host memory and runs no kernels: what the device does with buffers, how
// the compiled code's mgpu* calls reach the driver, and how driver errors
// come back. Its own process: the driver is loaded once per process.
//
//===----------------------------------------------------------------------===//
#include "core/Status.h"
#include "device/CudaDevice.h"
#include "device/CudaLaunch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <dlfcn.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace ternion::runtime {
namespace {

using ::testing::HasSubstr;

/// The fake driver's counters and failure switches.
struct Fake {
  Fake() {
    ::setenv("TERNION_CUDA_DRIVER", TNX_FAKE_CUDA_LIB, 1);
    handle = ::dlopen(TNX_FAKE_CUDA_LIB, RTLD_NOW | RTLD_LOCAL);
  }
  template <typename Fn> Fn get(const char *name) {
    return reinterpret_cast<Fn>(::dlsym(handle, name));
  }
  int launches() { return get<int (*)()>("fake_cuda_launches")(); }
  int lookups() { return get<int (*)()>("fake_cuda_function_lookups")(); }
  int loads() { return get<int (*)()>("fake_cuda_module_loads")(); }
  void failLaunch(int result) { get<void (*)(int)>("fake_cuda_fail_launch")(result); }
  void failModuleLoad(int result) { get<void (*)(int)>("fake_cuda_fail_module_load")(result); }
  void *handle;
};

Fake &fake() {
  static Fake instance;
  return instance;
}

Device &device() {
  fake();
  Device *opened = nullptr;
  tnx_status_t status = openCudaDevice("fake.tnx", opened);
  EXPECT_EQ(status, nullptr) << tnx_status_message(status);
  return *opened;
}

std::string takeMessage(tnx_status_t status) {
  std::string message = tnx_status_message(status);
  tnx_status_free(status);
  return message;
}

TEST(FakeCudaDeviceTest, OpensDeviceZero) {
  ASSERT_NE(fake().handle, nullptr) << dlerror();
  Device &cuda = device();
  EXPECT_EQ(cuda.kind(), DeviceKind::Cuda);
  EXPECT_STREQ(cuda.name(), "cuda:0");
}

TEST(FakeCudaDeviceTest, CopiesZeroesAndGathers) {
  Device &cuda = device();
  DeviceBuffer a, b;
  ASSERT_EQ(cuda.allocate(6 * sizeof(float), 64, a), nullptr);
  ASSERT_EQ(cuda.allocate(6 * sizeof(float), 64, b), nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a.address) % 64, 0u);
  const float values[6] = {1, 2, 3, 4, 5, 6};
  ASSERT_EQ(cuda.copyToDevice(a.address, values, sizeof(values)), nullptr);
  ASSERT_EQ(cuda.copyWithin(b.address, a.address, sizeof(values)), nullptr);
  float back[6] = {};
  ASSERT_EQ(cuda.copyToHost(back, b.address, sizeof(back)), nullptr);
  EXPECT_EQ(std::memcmp(back, values, sizeof(values)), 0);
  // The transpose of the 2 x 3 matrix in a, as a strided view.
  const int64_t sizes[2] = {3, 2}, strides[2] = {1, 3};
  ASSERT_EQ(cuda.copyStrided(b.address, a.address, 0, sizes, strides, 2, sizeof(float)), nullptr);
  ASSERT_EQ(cuda.copyToHost(back, b.address, sizeof(back)), nullptr);
  EXPECT_EQ(std::vector<float>(back, back + 6), (std::vector<float>{1, 4, 2, 5, 3, 6}));
  ASSERT_EQ(cuda.zero(b.address, sizeof(back)), nullptr);
  ASSERT_EQ(cuda.copyToHost(back, b.address, sizeof(back)), nullptr);
  EXPECT_EQ(std::vector<float>(back, back + 6), std::vector<float>(6, 0.f));
  DeviceBuffer tooAligned;
  tnx_status_t status = cuda.allocate(16, 4096, tooAligned);
  ASSERT_NE(status, nullptr);
  EXPECT_THAT(takeMessage(status), HasSubstr("cannot align a buffer to 4096 bytes"));
  cuda.free(a);
  cuda.free(b);
}

TEST(FakeCudaDeviceTest, CodeAllocatorReusesFreedBlocksBySizeClass) {
  CodeAllocator allocator = device().codeAllocator();
  void *first = allocator.allocate(1 << 20);
  ASSERT_NE(first, nullptr);
  allocator.release(first);
  void *second = allocator.allocate((1 << 20) - 100); // the same size class
  EXPECT_EQ(second, first);
  allocator.release(second);
  allocator.release(nullptr);
}

TEST(FakeCudaDeviceTest, LaunchesLookUpEachKernelOnce) {
  device();
  char image[] = "PTX";
  void *module = mgpuModuleLoad(image, sizeof(image));
  ASSERT_NE(module, nullptr);
  void *stream = mgpuStreamCreate();
  EXPECT_EQ(mgpuStreamCreate(), stream); // one stream per thread
  static const char kName[] = "main_kernel";
  int lookups = fake().lookups(), launches = fake().launches();
  for (int i = 0; i < 3; ++i) {
    void *function = mgpuModuleGetFunction(module, kName);
    ASSERT_NE(function, nullptr);
    mgpuLaunchKernel(function, 4, 1, 1, 256, 1, 1, 0, stream, nullptr, nullptr, 0);
    mgpuStreamSynchronize(stream);
  }
  EXPECT_EQ(fake().lookups(), lookups + 1);
  EXPECT_EQ(fake().launches(), launches + 3);
  // An empty grid launches nothing.
  mgpuLaunchKernel(mgpuModuleGetFunction(module, kName), 0, 1, 1, 256, 1, 1, 0, stream, nullptr,
                   nullptr, 0);
  EXPECT_EQ(fake().launches(), launches + 3);
  // After an unload the next lookup asks the driver again.
  mgpuModuleUnload(module);
  module = mgpuModuleLoad(image, sizeof(image));
  mgpuModuleGetFunction(module, kName);
  EXPECT_EQ(fake().lookups(), lookups + 2);
  EXPECT_EQ(takeCudaLaunchError(), nullptr);
  mgpuModuleUnload(module);
}

TEST(FakeCudaDeviceTest, ALaunchErrorComesBackOnceAndSkipsTheRest) {
  Device &cuda = device();
  char image[] = "PTX";
  void *module = mgpuModuleLoad(image, sizeof(image));
  void *function = mgpuModuleGetFunction(module, "kernel_a");
  void *stream = mgpuStreamCreate();
  fake().failLaunch(700);
  mgpuLaunchKernel(function, 1, 1, 1, 32, 1, 1, 0, stream, nullptr, nullptr, 0);
  fake().failLaunch(0);
  int launches = fake().launches();
  mgpuLaunchKernel(function, 1, 1, 1, 32, 1, 1, 0, stream, nullptr, nullptr, 0);
  EXPECT_EQ(fake().launches(), launches); // skipped: the call already failed
  tnx_status_t status = cuda.synchronize();
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(tnx_status_code(status), TNX_STATUS_INTERNAL);
  EXPECT_THAT(takeMessage(status),
              HasSubstr("cuLaunchKernel failed on Fake GPU (sm_90): CUDA_ERROR_ILLEGAL_ADDRESS "
                        "(an illegal memory access was encountered)"));
  // Reported once; the next call launches again.
  EXPECT_EQ(cuda.synchronize(), nullptr);
  mgpuLaunchKernel(function, 1, 1, 1, 32, 1, 1, 0, stream, nullptr, nullptr, 0);
  EXPECT_EQ(fake().launches(), launches + 1);
  mgpuModuleUnload(module);
}

TEST(FakeCudaDeviceTest, AModuleTheGpuCannotRunIsNamed) {
  device();
  fake().failModuleLoad(209);
  char image[] = "cubin for another GPU";
  EXPECT_EQ(mgpuModuleLoad(image, sizeof(image)), nullptr);
  fake().failModuleLoad(0);
  tnx_status_t status = takeCudaLaunchError();
  ASSERT_NE(status, nullptr);
  EXPECT_THAT(takeMessage(status),
              HasSubstr("loading the artifact's GPU kernels) failed on Fake GPU (sm_90): "
                        "CUDA_ERROR_NO_BINARY_FOR_GPU"));
}

TEST(FakeCudaDeviceTest, KernelsOfAModuleThatDidNotLoadAreAnError) {
  device();
  // A constructor that never ran, or a load that failed, leaves the module
  // null: the launches must not pass for done.
  EXPECT_EQ(mgpuModuleGetFunction(nullptr, "main_kernel"), nullptr);
  tnx_status_t status = takeCudaLaunchError();
  ASSERT_NE(status, nullptr);
  EXPECT_THAT(takeMessage(status),
              HasSubstr("kernel main_kernel: the artifact's GPU kernels are not loaded"));
  int launches = fake().launches();
  mgpuLaunchKernel(nullptr, 1, 1, 1, 32, 1, 1, 0, mgpuStreamCreate(), nullptr, nullptr, 0);
  EXPECT_EQ(fake().launches(), launches);
  status = takeCudaLaunchError();
  ASSERT_NE(status, nullptr);
  EXPECT_THAT(takeMessage(status), HasSubstr("no kernel to launch"));
}

} // namespace
} // namespace ternion::runtime
