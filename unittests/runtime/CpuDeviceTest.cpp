//===- CpuDeviceTest.cpp - Host memory behind the device seam -------------===//
#include "device/CpuDevice.h"
#include "core/BufferCache.h"
#include "core/Tensor.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

using namespace ternion::runtime;

namespace {

TEST(CpuDeviceTest, AllocatesAlignedBlocks) {
  Device &device = cpuDevice();
  EXPECT_EQ(device.kind(), DeviceKind::Cpu);
  EXPECT_STREQ(device.name(), "cpu");
  for (size_t bytes : {size_t(0), size_t(1), size_t(100), size_t(1) << 20}) {
    DeviceBuffer buffer;
    ASSERT_EQ(device.allocate(bytes, TNX_BUFFER_ALIGNMENT, buffer), nullptr);
    EXPECT_NE(buffer.address, nullptr);
    EXPECT_EQ(buffer.size, bytes);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(buffer.address) % TNX_BUFFER_ALIGNMENT, 0u);
    device.free(buffer);
  }
  device.free(DeviceBuffer());
}

TEST(CpuDeviceTest, CopiesBetweenHostAndDevice) {
  Device &device = cpuDevice();
  DeviceBuffer a, b;
  ASSERT_EQ(device.allocate(16, 64, a), nullptr);
  ASSERT_EQ(device.allocate(16, 64, b), nullptr);
  std::vector<int32_t> in = {1, 2, 3, 4}, out(4, 0);
  EXPECT_EQ(device.copyToDevice(a.address, in.data(), 16), nullptr);
  EXPECT_EQ(device.copyWithin(b.address, a.address, 16), nullptr);
  EXPECT_EQ(device.zero(a.address, 16), nullptr);
  EXPECT_EQ(device.copyToHost(out.data(), b.address, 16), nullptr);
  EXPECT_EQ(out, in);
  EXPECT_EQ(device.copyToHost(out.data(), a.address, 16), nullptr);
  EXPECT_EQ(out, std::vector<int32_t>(4, 0));
  EXPECT_EQ(device.synchronize(), nullptr);
  device.free(a);
  device.free(b);
}

TEST(CpuDeviceTest, GathersStridedViews) {
  // The transpose of a 2x3 matrix, starting one element in.
  std::vector<float> source = {-1, 0, 1, 2, 3, 4, 5};
  int64_t sizes[2] = {3, 2}, strides[2] = {1, 3};
  std::vector<float> out(6, -7);
  EXPECT_EQ(cpuDevice().copyStrided(out.data(), source.data(), 1, sizes, strides, 2, sizeof(float)),
            nullptr);
  EXPECT_EQ(out, std::vector<float>({0, 3, 1, 4, 2, 5}));
}

TEST(CpuDeviceTest, CompiledCodeAllocatesFromTheBufferCache) {
  CodeAllocator allocator = cpuDevice().codeAllocator();
  EXPECT_EQ(allocator.allocate, &allocateBuffer);
  EXPECT_EQ(allocator.release, &releaseBuffer);
}

TEST(CpuDeviceTest, TensorsLiveOnTheirDevice) {
  int64_t shape[2] = {2, 3};
  tnx_tensor *tensor = nullptr;
  ASSERT_EQ(createTensor(cpuDevice(), TNX_DTYPE_F32, shape, 2,
                         /*zeroed=*/true, "test", tensor),
            nullptr);
  EXPECT_EQ(tensor->device, &cpuDevice());
  EXPECT_EQ(tensor->byteSize, 24u);
  EXPECT_EQ(static_cast<float *>(tensor->data)[5], 0.0f);
  tnx_tensor_release(tensor);

  tnx_tensor_t *created = nullptr;
  ASSERT_EQ(tnx_tensor_create(TNX_DTYPE_I8, shape, 2, &created), nullptr);
  EXPECT_EQ(created->device, &cpuDevice());
  tnx_tensor_release(created);
}

} // namespace
