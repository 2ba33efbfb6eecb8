//===- Device.cpp - Where the buffers of a model live ---------------------===//
#include "device/Device.h"

#include <cstring>
#include <vector>

namespace ternion::runtime {

// Out of line, so that the vtable has one home.
Device::~Device() = default;

void Device::gatherOnHost(void *destination, const void *source, int64_t offset,
                          const int64_t *sizes, const int64_t *strides, size_t rank,
                          size_t elementSize) {
  size_t elementCount = 1;
  for (size_t d = 0; d < rank; ++d)
    elementCount *= static_cast<size_t>(sizes[d]);
  const char *base = static_cast<const char *>(source);
  char *dest = static_cast<char *>(destination);
  std::vector<int64_t> index(rank, 0);
  for (size_t n = 0; n < elementCount; ++n) {
    int64_t element = offset;
    for (size_t d = 0; d < rank; ++d)
      element += index[d] * strides[d];
    std::memcpy(dest + n * elementSize, base + element * elementSize, elementSize);
    for (size_t d = rank; d-- > 0;) {
      if (++index[d] < sizes[d])
        break;
      index[d] = 0;
    }
  }
}

} // namespace ternion::runtime
