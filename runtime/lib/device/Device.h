//===- Device.h - Where the buffers of a model live -------------*- C++ -*-===//
//
// Every buffer the compiled code reads or writes (bound inputs, outputs, the
// KV caches a generator keeps) is memory of one device, and everything the
// runtime does with such a buffer goes through that device: allocating it,
// filling it from the host, reading it back, copying between buffers. Today
// the only device is the CPU (CpuDevice.cpp), whose addresses are host
// pointers. A CUDA device (lib/device/cuda, through the driver API loaded
// with dlopen) will implement the same interface over device memory; its
// addresses are CUdeviceptr values that host code must never dereference.
// That is the rule this seam encodes: outside a Device implementation, the
// runtime treats a tensor's data as an opaque address. It may pass it to
// the compiled code, compare it and offset it, but reads and writes its
// bytes only through copyToHost/copyToDevice.
//
// The interface is virtual per allocation or per copy, never per element:
// a generator step makes a handful of calls, each moving a whole tensor or
// a row of one, so the CPU device costs what the memcpy it wraps costs.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_RUNTIME_LIB_DEVICE_DEVICE_H
#define TERNION_RUNTIME_LIB_DEVICE_DEVICE_H

#include "ternion/abi.h"
#include "ternion/runtime.h"

#include <cstddef>
#include <cstdint>

namespace ternion::runtime {

enum class DeviceKind { Cpu, Cuda };

/// A block of device memory: what Device::allocate hands out and
/// Device::free takes back. `address` is a device address (a host pointer
/// on the CPU device only).
struct DeviceBuffer {
  void *address = nullptr;
  size_t size = 0;
};

/// The allocator the compiled code's own allocations go through (the
/// artifact ABI's tnx_set_allocator): intermediates and the output buffers
/// the runtime then adopts and releases with `release`.
struct CodeAllocator {
  tnx_alloc_fn allocate;
  tnx_release_fn release;
};

class Device {
public:
  Device(const Device &) = delete;
  Device &operator=(const Device &) = delete;
  virtual ~Device();

  DeviceKind kind() const { return deviceKind; }
  /// "cpu", "cuda:0": for messages.
  virtual const char *name() const = 0;

  /// A new block of at least `bytes` bytes whose address is a multiple of
  /// `alignment` (a power of two). Contents are undefined. OUT_OF_MEMORY
  /// if the device has no room. Zero bytes gives a valid, distinct block.
  virtual tnx_status_t allocate(size_t bytes, size_t alignment, DeviceBuffer &out) = 0;
  /// Returns a block from allocate. A null address is ignored.
  virtual void free(DeviceBuffer buffer) = 0;

  /// Sets `bytes` bytes at `address` to zero.
  virtual tnx_status_t zero(void *address, size_t bytes) = 0;
  /// Host -> device, device -> host and device -> device copies of `bytes`
  /// bytes; the ranges do not overlap. They complete before returning on
  /// the CPU; a device that queues them says so in synchronize.
  virtual tnx_status_t copyToDevice(void *destination, const void *hostSource, size_t bytes) = 0;
  virtual tnx_status_t copyToHost(void *hostDestination, const void *source, size_t bytes) = 0;
  virtual tnx_status_t copyWithin(void *destination, const void *source, size_t bytes) = 0;
  /// Gathers a strided view (a memref descriptor's offset, sizes and
  /// strides, in elements of `elementSize` bytes, at `source`) into the
  /// contiguous row-major `destination`, both on this device. One call per
  /// tensor, so that a device can do it with one kernel or 3-D copy.
  virtual tnx_status_t copyStrided(void *destination, const void *source, int64_t offset,
                                   const int64_t *sizes, const int64_t *strides, size_t rank,
                                   size_t elementSize) = 0;
  /// Waits for every copy and run queued so far.
  virtual tnx_status_t synchronize() = 0;

  /// What the artifact installs through tnx_set_allocator, or null members
  /// for code that keeps its own allocator (malloc and free).
  virtual CodeAllocator codeAllocator() const = 0;

protected:
  explicit Device(DeviceKind kind) : deviceKind(kind) {}

  /// copyStrided done by the host, for devices whose memory the host can
  /// address (the CPU; CUDA's managed memory once the GPU is idle).
  static void gatherOnHost(void *destination, const void *source, int64_t offset,
                           const int64_t *sizes, const int64_t *strides, size_t rank,
                           size_t elementSize);

private:
  DeviceKind deviceKind;
};

} // namespace ternion::runtime

#endif // TERNION_RUNTIME_LIB_DEVICE_DEVICE_H
