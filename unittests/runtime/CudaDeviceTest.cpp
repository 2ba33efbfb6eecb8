//===- CudaDeviceTest.cpp - The CUDA device without a GPU -----------------===//
//
// What a machine without a usable CUDA driver gets: a status naming the
// artifact and what is missing, never a crash; and launch-ABI calls from a
// library that got loaded anyway record an error instead of touching a
// driver. The driver library is named through TERNION_CUDA_DRIVER, so this
// holds on GPU machines too. (gpu-run.test checks the device on a GPU.)
//
//===----------------------------------------------------------------------===//
#include "device/CudaDevice.h"
#include "core/Status.h"
#include "device/CudaLaunch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace ternion::runtime {
namespace {

using ::testing::HasSubstr;

std::string takeMessage(tnx_status_t status) {
  std::string message = tnx_status_message(status);
  tnx_status_free(status);
  return message;
}

TEST(CudaDeviceTest, NoDriverIsAnErrorNamingTheArtifactAndTheLibrary) {
  // Set before the first load: the driver is loaded once per process.
  ::setenv("TERNION_CUDA_DRIVER", "/nonexistent/libcuda.so.1", 1);
  Device *device = nullptr;
  tnx_status_t status = openCudaDevice("model.tnx", device);
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(tnx_status_code(status), TNX_STATUS_UNSUPPORTED);
  std::string message = takeMessage(status);
  EXPECT_THAT(message,
              HasSubstr("model.tnx: is compiled for CUDA, but this machine cannot run it"));
  EXPECT_THAT(message, HasSubstr("cannot load the CUDA driver /nonexistent/libcuda.so.1"));
  EXPECT_EQ(device, nullptr);
  // Asking again gives the same answer, not a crash or a retry.
  status = openCudaDevice("other.tnx", device);
  ASSERT_NE(status, nullptr);
  EXPECT_THAT(takeMessage(status), HasSubstr("other.tnx: is compiled for CUDA"));
}

TEST(CudaDeviceTest, LaunchAbiWithoutDeviceRecordsOneError) {
  EXPECT_EQ(takeCudaLaunchError(), nullptr);
  char image[] = "not a module";
  EXPECT_EQ(mgpuModuleLoad(image, sizeof(image)), nullptr);
  EXPECT_EQ(mgpuModuleGetFunction(nullptr, "kernel"), nullptr);
  EXPECT_EQ(mgpuStreamCreate(), nullptr);
  mgpuLaunchKernel(nullptr, 1, 1, 1, 32, 1, 1, 0, nullptr, nullptr, nullptr, 0);
  EXPECT_TRUE(cudaLaunchErrorPending());
  tnx_status_t status = takeCudaLaunchError();
  ASSERT_NE(status, nullptr);
  // The first error is kept; the call that hit it is named.
  EXPECT_THAT(takeMessage(status), HasSubstr("cuModuleLoadData: no CUDA device is open"));
  EXPECT_EQ(takeCudaLaunchError(), nullptr);
  EXPECT_FALSE(cudaLaunchErrorPending());
}

} // namespace
} // namespace ternion::runtime
