//===- CudaDevice.cpp - Buffers in CUDA memory ----------------------------===//
//
// Every buffer of a CUDA artifact is managed memory (cuMemAllocManaged):
// the weights, uploaded once when the artifact is opened, the KV caches,
// the inputs and the intermediates the compiled code allocates. The kernels
// touch them on the GPU, where the driver keeps them after the first
// touch; the runtime copies through the driver. Managed rather than plain
// device memory because the host side of the compiled code may read a
// scalar (a shape, a position) where a loop was not mapped to the GPU; on
// the GPU the pages stay resident, and only the logits come back.
//
// Blocks the compiled code frees are kept by size class and handed out
// again (as the CPU's buffer cache does): cuMemAllocManaged costs far more
// than a kernel launch.
//
//===----------------------------------------------------------------------===//
#include "device/CudaDevice.h"

#include "core/BufferCache.h"
#include "core/Status.h"
#include "device/CudaDriver.h"

#include <atomic>
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace ternion::runtime {
namespace {

using namespace cuda;

const Driver *theDriver = nullptr;

std::mutex launchErrorMutex;
std::string launchError;
// Whether launchError is set: read on every launch, so without the mutex.
std::atomic<bool> launchErrorPending{false};

/// Size-class cache of managed blocks for the compiled code's allocator.
struct BlockCache {
  std::mutex mutex;
  std::unordered_map<void *, size_t> sizeOf;
  std::map<size_t, std::vector<void *>> free;
};
BlockCache &blockCache() {
  static BlockCache *cache = new BlockCache;
  return *cache;
}

void *allocateManaged(size_t bytes) {
  CUdeviceptr pointer = 0;
  if (theDriver->api.cuMemAllocManaged(&pointer, bytes ? bytes : 1, CU_MEM_ATTACH_GLOBAL))
    return nullptr;
  return reinterpret_cast<void *>(pointer);
}

void *allocateCodeBuffer(size_t size) {
  size_t sizeClass = bufferSizeClass(size);
  BlockCache &cache = blockCache();
  {
    std::lock_guard<std::mutex> lock(cache.mutex);
    auto it = cache.free.find(sizeClass);
    if (it != cache.free.end() && !it->second.empty()) {
      void *block = it->second.back();
      it->second.pop_back();
      return block;
    }
  }
  void *block = allocateManaged(sizeClass);
  if (block) {
    std::lock_guard<std::mutex> lock(cache.mutex);
    cache.sizeOf[block] = sizeClass;
  }
  return block;
}

void releaseCodeBuffer(void *block) {
  if (!block)
    return;
  BlockCache &cache = blockCache();
  std::lock_guard<std::mutex> lock(cache.mutex);
  auto it = cache.sizeOf.find(block);
  if (it != cache.sizeOf.end())
    cache.free[it->second].push_back(block);
}

class CudaDevice final : public Device {
public:
  explicit CudaDevice(const Driver &driver) : Device(DeviceKind::Cuda), driver(driver) {}

  const char *name() const override { return "cuda:0"; }

  tnx_status_t check(CUresult result, const char *what) const {
    if (result == CUDA_SUCCESS)
      return nullptr;
    return makeStatus(TNX_STATUS_INTERNAL, std::string(what) + " on " + driver.deviceName + ": " +
                                               describeCudaError(driver, result));
  }

  tnx_status_t allocate(size_t bytes, size_t alignment, DeviceBuffer &out) override {
    // Driver allocations are aligned to at least 256 bytes.
    if (alignment > 256)
      return makeStatus(TNX_STATUS_UNSUPPORTED,
                        "cuda:0 cannot align a buffer to " + std::to_string(alignment) + " bytes");
    void *block = allocateManaged(bytes);
    if (!block)
      return makeStatus(TNX_STATUS_OUT_OF_MEMORY, "cannot allocate " + std::to_string(bytes) +
                                                      " bytes on " + driver.deviceName);
    out = DeviceBuffer{block, bytes};
    return nullptr;
  }

  void free(DeviceBuffer buffer) override {
    if (buffer.address)
      driver.api.cuMemFree(reinterpret_cast<CUdeviceptr>(buffer.address));
  }

  tnx_status_t zero(void *address, size_t bytes) override {
    if (tnx_status_t status = synchronize())
      return status;
    return check(driver.api.cuMemsetD8(reinterpret_cast<CUdeviceptr>(address), 0, bytes),
                 "cuMemsetD8");
  }

  tnx_status_t copy(void *destination, const void *source, size_t bytes) {
    if (bytes == 0)
      return nullptr;
    // The kernels run on their own stream: let them finish first.
    if (tnx_status_t status = synchronize())
      return status;
    return check(driver.api.cuMemcpy(reinterpret_cast<CUdeviceptr>(destination),
                                     reinterpret_cast<CUdeviceptr>(source), bytes),
                 "cuMemcpy");
  }

  tnx_status_t copyToDevice(void *destination, const void *hostSource, size_t bytes) override {
    return copy(destination, hostSource, bytes);
  }
  tnx_status_t copyToHost(void *hostDestination, const void *source, size_t bytes) override {
    return copy(hostDestination, source, bytes);
  }
  tnx_status_t copyWithin(void *destination, const void *source, size_t bytes) override {
    return copy(destination, source, bytes);
  }

  tnx_status_t copyStrided(void *destination, const void *source, int64_t offset,
                           const int64_t *sizes, const int64_t *strides, size_t rank,
                           size_t elementSize) override {
    // Rare (an output the compiled code returns as a view): managed memory
    // is addressable from the host, so gather there once the GPU is idle.
    if (tnx_status_t status = synchronize())
      return status;
    gatherOnHost(destination, source, offset, sizes, strides, rank, elementSize);
    return nullptr;
  }

  tnx_status_t synchronize() override {
    if (tnx_status_t status = takeCudaLaunchError())
      return status;
    return check(driver.api.cuCtxSynchronize(), "cuCtxSynchronize");
  }

  CodeAllocator codeAllocator() const override { return {allocateCodeBuffer, releaseCodeBuffer}; }

private:
  const Driver &driver;
};

} // namespace

tnx_status_t openCudaDevice(const std::string &what, Device *&out) {
  std::string error;
  const Driver *driver = loadCudaDriver(error);
  if (!driver)
    return makeStatus(TNX_STATUS_UNSUPPORTED,
                      what + ": is compiled for CUDA, but this machine cannot run it: " + error);
  static Device *device = [&] {
    theDriver = driver;
    return new CudaDevice(*driver);
  }();
  out = device;
  return nullptr;
}

const cuda::Driver *openedCudaDriver() { return theDriver; }

tnx_status_t takeCudaLaunchError() {
  if (!launchErrorPending)
    return nullptr;
  std::lock_guard<std::mutex> lock(launchErrorMutex);
  if (launchError.empty())
    return nullptr;
  std::string error = std::move(launchError);
  launchError.clear();
  launchErrorPending = false;
  return makeStatus(TNX_STATUS_INTERNAL, error);
}

bool cudaLaunchErrorPending() { return launchErrorPending; }

void recordCudaLaunchError(const std::string &error) {
  std::lock_guard<std::mutex> lock(launchErrorMutex);
  if (launchError.empty())
    launchError = error;
  launchErrorPending = true;
}

} // namespace ternion::runtime
