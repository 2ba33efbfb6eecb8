//===- Tensor.cpp - Reference-counted tensors on a device -----------------===//
#include "core/Tensor.h"
#include "core/Status.h"
#include "device/CpuDevice.h"

#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

using namespace ternion::runtime;

namespace {
constexpr size_t DataAlignment = TNX_BUFFER_ALIGNMENT;
alignas(DataAlignment) char EmptyBuffer[DataAlignment];
} // namespace

void *ternion::runtime::emptyBufferAddress() { return EmptyBuffer; }

std::string ternion::runtime::checkShape(tnx_dtype_t dtype,
                                         const int64_t *shape, size_t rank,
                                         size_t &elementCount,
                                         size_t &byteSize) {
  size_t elementSize = tnx_dtype_size(dtype);
  if (elementSize == 0)
    return "invalid dtype " + std::to_string(static_cast<int>(dtype));
  if (rank > 0 && !shape)
    return "shape is NULL but rank is " + std::to_string(rank);
  size_t count = 1;
  bool empty = false;
  for (size_t i = 0; i < rank; ++i) {
    if (shape[i] < 0)
      return "dim " + std::to_string(i) + " is negative (" +
             std::to_string(shape[i]) + ")";
    if (shape[i] == 0)
      empty = true;
  }
  // Overflow only matters when no dim is zero.
  for (size_t i = 0; i < rank && !empty; ++i) {
    auto dim = static_cast<uint64_t>(shape[i]);
    if (dim > std::numeric_limits<size_t>::max() / elementSize / count)
      return "shape is too large";
    count *= dim;
  }
  elementCount = empty ? 0 : count;
  byteSize = elementCount * elementSize;
  return "";
}

namespace {
/// Gives `owned` back to whoever handed it out (see tnx_tensor::release).
void releaseOwned(Device &device, void *owned, size_t byteSize,
                  tnx_release_fn release) {
  if (!owned)
    return;
  if (release)
    release(owned);
  else
    device.free(DeviceBuffer{owned, byteSize});
}
} // namespace

tnx_tensor *ternion::runtime::adoptBuffer(Device &device, tnx_dtype_t dtype,
                                          std::vector<int64_t> shape,
                                          void *data, void *owned,
                                          size_t elementCount, size_t byteSize,
                                          tnx_release_fn release) {
  auto *tensor = new (std::nothrow) tnx_tensor;
  if (!tensor) {
    releaseOwned(device, owned, byteSize, release);
    return nullptr;
  }
  tensor->device = &device;
  tensor->release = release;
  tensor->dtype = dtype;
  tensor->shape = std::move(shape);
  tensor->data = data ? data : emptyBufferAddress();
  tensor->owned = owned;
  tensor->elementCount = elementCount;
  tensor->byteSize = byteSize;
  return tensor;
}

tnx_status_t ternion::runtime::createTensor(Device &device, tnx_dtype_t dtype,
                                            const int64_t *shape, size_t rank,
                                            bool zeroed, const char *what,
                                            tnx_tensor *&out) {
  size_t count = 0, bytes = 0;
  std::string error = checkShape(dtype, shape, rank, count, bytes);
  if (!error.empty())
    return invalidArgument(std::string(what) + ": " + error);
  // An empty tensor owns nothing; its data is the shared empty address.
  DeviceBuffer buffer;
  if (bytes > 0) {
    if (tnx_status_t status = device.allocate(bytes, DataAlignment, buffer)) {
      tnx_status_free(status);
      return makeStatus(TNX_STATUS_OUT_OF_MEMORY,
                        std::string(what) + ": cannot allocate " +
                            std::to_string(bytes) + " bytes");
    }
    if (zeroed)
      if (tnx_status_t status = device.zero(buffer.address, bytes)) {
        device.free(buffer);
        return status;
      }
  }
  tnx_tensor *tensor = adoptBuffer(
      device, dtype, std::vector<int64_t>(shape, shape + rank), buffer.address,
      buffer.address, count, bytes, /*release=*/nullptr);
  if (!tensor)
    return makeStatus(TNX_STATUS_OUT_OF_MEMORY, "out of memory");
  out = tensor;
  return nullptr;
}

extern "C" {

tnx_status_t tnx_tensor_create(tnx_dtype_t dtype, const int64_t *shape,
                               size_t rank, tnx_tensor_t **out) {
  if (!out)
    return invalidArgument("tnx_tensor_create: out is NULL");
  // Tensors of the C API live in host memory: the caller reads and writes
  // them through tnx_tensor_data.
  return createTensor(cpuDevice(), dtype, shape, rank, /*zeroed=*/true,
                      "tnx_tensor_create", *out);
}

tnx_status_t tnx_tensor_wrap(tnx_dtype_t dtype, const int64_t *shape,
                             size_t rank, void *data, size_t byte_size,
                             tnx_tensor_t **out) {
  if (!out)
    return invalidArgument("tnx_tensor_wrap: out is NULL");
  size_t count = 0, bytes = 0;
  std::string error = checkShape(dtype, shape, rank, count, bytes);
  if (!error.empty())
    return invalidArgument("tnx_tensor_wrap: " + error);
  if (byte_size != bytes)
    return invalidArgument(
        "tnx_tensor_wrap: byte_size is " + std::to_string(byte_size) +
        " but a " + tnx_dtype_name(dtype) + " tensor of this shape has " +
        std::to_string(bytes) + " bytes");
  if (!data && bytes > 0)
    return invalidArgument("tnx_tensor_wrap: data is NULL");
  tnx_tensor *tensor =
      adoptBuffer(cpuDevice(), dtype, std::vector<int64_t>(shape, shape + rank),
                  data, nullptr, count, bytes, /*release=*/nullptr);
  if (!tensor)
    return makeStatus(TNX_STATUS_OUT_OF_MEMORY, "out of memory");
  *out = tensor;
  return nullptr;
}

void tnx_tensor_retain(tnx_tensor_t *tensor) {
  if (tensor)
    tensor->refCount.fetch_add(1, std::memory_order_relaxed);
}

void tnx_tensor_release(tnx_tensor_t *tensor) {
  if (!tensor || tensor->refCount.fetch_sub(1, std::memory_order_acq_rel) != 1)
    return;
  releaseOwned(*tensor->device, tensor->owned, tensor->byteSize,
               tensor->release);
  delete tensor;
}

tnx_dtype_t tnx_tensor_dtype(const tnx_tensor_t *tensor) {
  return tensor ? tensor->dtype : TNX_DTYPE_INVALID;
}

size_t tnx_tensor_rank(const tnx_tensor_t *tensor) {
  return tensor ? tensor->shape.size() : 0;
}

const int64_t *tnx_tensor_shape(const tnx_tensor_t *tensor) {
  return tensor && !tensor->shape.empty() ? tensor->shape.data() : nullptr;
}

void *tnx_tensor_data(const tnx_tensor_t *tensor) {
  return tensor ? tensor->data : nullptr;
}

size_t tnx_tensor_byte_size(const tnx_tensor_t *tensor) {
  return tensor ? tensor->byteSize : 0;
}

size_t tnx_tensor_element_count(const tnx_tensor_t *tensor) {
  return tensor ? tensor->elementCount : 0;
}

} // extern "C"
