//===- Tensor.h - Reference-counted host tensors ----------------*- C++ -*-===//
#ifndef TERNION_RUNTIME_LIB_TENSOR_H
#define TERNION_RUNTIME_LIB_TENSOR_H

#include "ternion/runtime.h"

#include <atomic>
#include <cstdlib>
#include <string>
#include <vector>

struct tnx_tensor {
  std::atomic<int> refCount{1};
  tnx_dtype_t dtype = TNX_DTYPE_INVALID;
  std::vector<int64_t> shape;
  void *data = nullptr;
  size_t byteSize = 0;
  size_t elementCount = 0;
  /// What to release when the last reference goes: the runtime's own
  /// allocation or a buffer the compiled code returned. Null for wrapped
  /// caller memory.
  void *owned = nullptr;
  /// How to release `owned`: free, or the buffer cache for buffers from
  /// compiled code that uses it (BufferCache.h).
  void (*release)(void *) = std::free;
};

namespace ternion::runtime {

/// Computes element count and byte size for a shape, rejecting negative
/// dims and overflow. Returns an error message or "".
std::string checkShape(tnx_dtype_t dtype, const int64_t *shape, size_t rank,
                       size_t &elementCount, size_t &byteSize);

/// Creates a tensor owning `owned` (released with `release`) whose data
/// starts at `data`. Takes ownership even on failure. Returns null on out of
/// memory.
tnx_tensor *adoptBuffer(tnx_dtype_t dtype, std::vector<int64_t> shape,
                        void *data, void *owned, size_t elementCount,
                        size_t byteSize, void (*release)(void *) = std::free);

/// A valid, aligned, never-dereferenced pointer for empty buffers: the
/// compiled code may compare or offset it but never read through it.
void *emptyBufferAddress();

} // namespace ternion::runtime

#endif // TERNION_RUNTIME_LIB_TENSOR_H
