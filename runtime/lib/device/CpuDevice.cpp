//===- CpuDevice.cpp - Buffers in host memory -----------------------------===//
//
// The CPU device hands out host memory the way the runtime always has:
// runtime-owned tensors (tnx_tensor_create, the generator's inputs and KV
// caches) come from aligned_alloc and go back to free; the compiled code's
// intermediates and outputs come from the buffer cache (core/BufferCache.h)
// that the artifact installs through tnx_set_allocator. Copies are memcpy
// and complete at once, so synchronize has nothing to wait for.
//
//===----------------------------------------------------------------------===//
#include "device/CpuDevice.h"
#include "core/BufferCache.h"
#include "core/Status.h"

#include <cstdlib>
#include <cstring>
#include <string>

namespace ternion::runtime {
namespace {

class CpuDevice final : public Device {
public:
  CpuDevice() : Device(DeviceKind::Cpu) {}

  const char *name() const override { return "cpu"; }

  tnx_status_t allocate(size_t bytes, size_t alignment, DeviceBuffer &out) override {
    // aligned_alloc wants a size that is a multiple of the alignment, and a
    // zero-byte request must still give a distinct block.
    size_t rounded = (bytes + alignment - 1) / alignment * alignment;
    if (rounded == 0)
      rounded = alignment;
    void *memory = rounded < bytes ? nullptr : std::aligned_alloc(alignment, rounded);
    if (!memory)
      return makeStatus(TNX_STATUS_OUT_OF_MEMORY,
                        "cannot allocate " + std::to_string(bytes) + " bytes");
    out = DeviceBuffer{memory, bytes};
    return nullptr;
  }

  void free(DeviceBuffer buffer) override { std::free(buffer.address); }

  tnx_status_t zero(void *address, size_t bytes) override {
    std::memset(address, 0, bytes);
    return nullptr;
  }

  tnx_status_t copyToDevice(void *destination, const void *hostSource, size_t bytes) override {
    std::memcpy(destination, hostSource, bytes);
    return nullptr;
  }

  tnx_status_t copyToHost(void *hostDestination, const void *source, size_t bytes) override {
    std::memcpy(hostDestination, source, bytes);
    return nullptr;
  }

  tnx_status_t copyWithin(void *destination, const void *source, size_t bytes) override {
    std::memcpy(destination, source, bytes);
    return nullptr;
  }

  tnx_status_t copyStrided(void *destination, const void *source, int64_t offset,
                           const int64_t *sizes, const int64_t *strides, size_t rank,
                           size_t elementSize) override {
    gatherOnHost(destination, source, offset, sizes, strides, rank, elementSize);
    return nullptr;
  }

  tnx_status_t synchronize() override { return nullptr; }

  CodeAllocator codeAllocator() const override { return {allocateBuffer, releaseBuffer}; }
};

} // namespace

Device &cpuDevice() {
  static Device *device = new CpuDevice;
  return *device;
}

} // namespace ternion::runtime
