//===- Tensor.h - Reference-counted tensors on a device ---------*- C++ -*-===//
#ifndef TERNION_RUNTIME_LIB_CORE_TENSOR_H
#define TERNION_RUNTIME_LIB_CORE_TENSOR_H

#include "device/Device.h"

#include "ternion/abi.h"
#include "ternion/runtime.h"

#include <atomic>
#include <cstdlib>
#include <string>
#include <vector>

struct tnx_tensor {
  std::atomic<int> refCount{1};
  tnx_dtype_t dtype = TNX_DTYPE_INVALID;
  std::vector<int64_t> shape;
  /// An address on `device`: a host pointer on the CPU, a device pointer
  /// the runtime must never dereference on a GPU (device/Device.h).
  void *data = nullptr;
  size_t byteSize = 0;
  size_t elementCount = 0;
  /// What to release when the last reference goes: the runtime's own
  /// allocation or a buffer the compiled code returned. Null for wrapped
  /// caller memory.
  void *owned = nullptr;
  /// How to release `owned`: null for a block from device->allocate (given
  /// back with device->free); otherwise the release function of the
  /// allocator the compiled code took it from (free, or the buffer cache
  /// the artifact installed, core/BufferCache.h).
  tnx_release_fn release = nullptr;
  /// Where `data` lives. Set by whoever creates the tensor; never null.
  ternion::runtime::Device *device = nullptr;
};

namespace ternion::runtime {

/// Computes element count and byte size for a shape, rejecting negative
/// dims and overflow. Returns an error message or "".
std::string checkShape(tnx_dtype_t dtype, const int64_t *shape, size_t rank,
                       size_t &elementCount, size_t &byteSize);

/// Creates a tensor on `device` owning `owned` (released with `release`)
/// whose data starts at `data`. Takes ownership even on failure. Returns
/// null on out of memory.
tnx_tensor *adoptBuffer(Device &device, tnx_dtype_t dtype,
                        std::vector<int64_t> shape, void *data, void *owned,
                        size_t elementCount, size_t byteSize,
                        tnx_release_fn release);

/// Creates a tensor whose data is a new block of `device`
/// (TNX_BUFFER_ALIGNMENT-aligned), zero-filled if `zeroed`, else undefined
/// until the caller writes all of it. Errors name `what`.
tnx_status_t createTensor(Device &device, tnx_dtype_t dtype,
                          const int64_t *shape, size_t rank, bool zeroed,
                          const char *what, tnx_tensor *&out);

/// A valid, aligned, never-dereferenced pointer for empty buffers: the
/// compiled code may compare or offset it but never read through it.
void *emptyBufferAddress();

} // namespace ternion::runtime

#endif // TERNION_RUNTIME_LIB_CORE_TENSOR_H
