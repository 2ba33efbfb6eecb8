//===- BufferCache.cpp - Reused buffers for compiled code -----------------===//
#include "core/BufferCache.h"

#include "ternion/abi.h"

#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <vector>

using namespace ternion::runtime;

namespace {

/// Every block starts with this header, one cache line, so the caller's
/// pointer stays TNX_BUFFER_ALIGNMENT-aligned and release knows the block's
/// class.
struct alignas(TNX_BUFFER_ALIGNMENT) BlockHeader {
  size_t sizeClass;
};
constexpr size_t HeaderSize = sizeof(BlockHeader);
static_assert(HeaderSize == TNX_BUFFER_ALIGNMENT,
              "the header keeps the buffer alignment");

/// Smaller requests go straight to malloc, which keeps them in its heap.
constexpr size_t SmallestCachedClass = size_t(64) << 10;

size_t limitFromEnvironment() {
  const char *text = std::getenv("TNX_BUFFER_CACHE_MB");
  if (!text || !*text)
    return size_t(1024) << 20;
  char *end = nullptr;
  unsigned long long megabytes = std::strtoull(text, &end, 10);
  if (*end != '\0')
    return size_t(1024) << 20;
  return megabytes > (SIZE_MAX >> 20) ? SIZE_MAX : size_t(megabytes) << 20;
}

class BufferCache {
public:
  void *allocate(size_t size) {
    size_t sizeClass = bufferSizeClass(size);
    if (sizeClass < size || sizeClass > SIZE_MAX - HeaderSize)
      return nullptr;
    if (sizeClass >= SmallestCachedClass) {
      std::lock_guard<std::mutex> lock(mutex);
      auto it = freeBlocks.find(sizeClass);
      if (it != freeBlocks.end() && !it->second.empty()) {
        BlockHeader *block = it->second.back();
        it->second.pop_back();
        cached -= sizeClass;
        return block + 1;
      }
    }
    void *memory = std::aligned_alloc(HeaderSize, HeaderSize + sizeClass);
    if (!memory)
      return nullptr;
    auto *block = new (memory) BlockHeader{sizeClass};
    return block + 1;
  }

  void release(void *buffer) {
    if (!buffer)
      return;
    BlockHeader *block = static_cast<BlockHeader *>(buffer) - 1;
    size_t sizeClass = block->sizeClass;
    if (sizeClass >= SmallestCachedClass) {
      std::lock_guard<std::mutex> lock(mutex);
      if (cached + sizeClass <= limit) {
        freeBlocks[sizeClass].push_back(block);
        cached += sizeClass;
        return;
      }
    }
    std::free(block);
  }

  size_t cachedBytes() {
    std::lock_guard<std::mutex> lock(mutex);
    return cached;
  }

  const size_t limit = limitFromEnvironment();

private:
  std::mutex mutex;
  std::unordered_map<size_t, std::vector<BlockHeader *>> freeBlocks;
  size_t cached = 0;
};

/// Never destroyed: compiled code and tensors may free buffers during
/// static destruction, and the process's exit returns the memory anyway.
BufferCache &cache() {
  static BufferCache *instance = new BufferCache;
  return *instance;
}

} // namespace

size_t ternion::runtime::bufferSizeClass(size_t size) {
  if (size < SmallestCachedClass)
    return size == 0 ? TNX_BUFFER_ALIGNMENT
                     : (size + TNX_BUFFER_ALIGNMENT - 1) & ~size_t(TNX_BUFFER_ALIGNMENT - 1);
  unsigned log2 = 63 - __builtin_clzll(static_cast<unsigned long long>(size));
  size_t quarter = size_t(1) << (log2 - 2);
  size_t rounded = (size + quarter - 1) & ~(quarter - 1);
  return rounded < size ? SIZE_MAX : rounded;
}

void *ternion::runtime::allocateBuffer(size_t size) {
  return cache().allocate(size);
}

void ternion::runtime::releaseBuffer(void *buffer) { cache().release(buffer); }

size_t ternion::runtime::cachedBufferBytes() { return cache().cachedBytes(); }

size_t ternion::runtime::bufferCacheLimit() { return cache().limit; }
