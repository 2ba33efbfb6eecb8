//===- CudaLaunch.cpp - The kernel-launch ABI of CUDA artifacts -----------===//
//
// A CUDA artifact's model.so is host code from MLIR's gpu-to-llvm: it calls
// mgpuModuleLoad / mgpuModuleLoadJIT from a constructor when it is loaded,
// then mgpuModuleGetFunction, mgpuStreamCreate, mgpuLaunchKernel,
// mgpuStreamSynchronize and mgpuStreamDestroy around each kernel. MLIR's
// own implementations (libmlir_cuda_runtime) link the CUDA runtime and
// print on error; these go through the dlopen'ed driver (CudaDriver.h),
// reuse one stream and keep the first error for the runtime to report
// (takeCudaLaunchError) after the call, since the generated code cannot
// take one back. After an error, further launches are skipped.
//
// The runtime exports them (they are the only symbols it exports besides
// the C API), and model.so's references bind to them when it is dlopen'ed.
//
//===----------------------------------------------------------------------===//
#include "device/CudaLaunch.h"
#include "device/CudaDevice.h"
#include "device/CudaDriver.h"

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

using namespace ternion::runtime;
using namespace ternion::runtime::cuda;

namespace {

/// The generated code asks for a kernel before every launch, with its name
/// as a constant of model.so: the answers, per (module, name), until the
/// module is unloaded.
struct FunctionCache {
  std::mutex mutex;
  std::map<std::pair<void *, const char *>, CUfunction> known;
};
FunctionCache &functionCache() {
  static FunctionCache *cache = new FunctionCache;
  return *cache;
}

/// The driver, or null after recording why there is none.
const Driver *driverFor(const char *what) {
  if (const Driver *driver = openedCudaDriver())
    return driver;
  recordCudaLaunchError(std::string(what) + ": no CUDA device is open");
  return nullptr;
}

bool check(const Driver &driver, CUresult result, const std::string &what) {
  if (result == CUDA_SUCCESS)
    return true;
  recordCudaLaunchError(what + " failed on " + driver.deviceName + ": " +
                        describeCudaError(driver, result));
  return false;
}

void *loadModule(const void *image, const char *what) {
  const Driver *driver = driverFor(what);
  if (!driver)
    return nullptr;
  CUmodule module = nullptr;
  if (!check(*driver, driver->api.cuModuleLoadData(&module, image),
             std::string(what) + " (loading the artifact's GPU kernels)"))
    return nullptr;
  return module;
}

} // namespace

extern "C" {

void *mgpuModuleLoad(void *data, size_t /*size*/) { return loadModule(data, "cuModuleLoadData"); }

void *mgpuModuleLoadJIT(void *data, int /*optLevel*/) {
  // PTX: the driver compiles it for the GPU at hand.
  return loadModule(data, "cuModuleLoadData (PTX)");
}

void mgpuModuleUnload(void *module) {
  {
    FunctionCache &cache = functionCache();
    std::lock_guard<std::mutex> lock(cache.mutex);
    auto first = cache.known.lower_bound({module, nullptr});
    auto last = first;
    while (last != cache.known.end() && last->first.first == module)
      ++last;
    cache.known.erase(first, last);
  }
  if (const Driver *driver = openedCudaDriver(); driver && module)
    driver->api.cuModuleUnload(static_cast<CUmodule>(module));
}

void *mgpuModuleGetFunction(void *module, const char *name) {
  const Driver *driver = driverFor("cuModuleGetFunction");
  if (!driver)
    return nullptr;
  if (!module) {
    // The load failed (and said so) or never ran: never launch nothing quietly.
    recordCudaLaunchError(std::string("kernel ") + name +
                          ": the artifact's GPU kernels are not loaded");
    return nullptr;
  }
  FunctionCache &cache = functionCache();
  std::lock_guard<std::mutex> lock(cache.mutex);
  CUfunction &function = cache.known[{module, name}];
  if (function)
    return function;
  if (!check(*driver,
             driver->api.cuModuleGetFunction(&function, static_cast<CUmodule>(module), name),
             std::string("cuModuleGetFunction(") + name + ")"))
    return nullptr;
  return function;
}

void *mgpuStreamCreate() {
  const Driver *driver = driverFor("cuStreamCreate");
  if (!driver)
    return nullptr;
  // One non-blocking stream per thread for every launch of the process.
  thread_local CUstream stream = nullptr;
  if (!stream &&
      !check(*driver, driver->api.cuStreamCreate(&stream, /*NON_BLOCKING=*/1), "cuStreamCreate"))
    return nullptr;
  return stream;
}

void mgpuStreamDestroy(void * /*stream*/) {}

void mgpuStreamSynchronize(void *stream) {
  const Driver *driver = openedCudaDriver();
  if (driver && stream)
    check(*driver, driver->api.cuStreamSynchronize(static_cast<CUstream>(stream)),
          "a kernel of the artifact");
}

void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY, intptr_t gridZ,
                      intptr_t blockX, intptr_t blockY, intptr_t blockZ, int32_t sharedBytes,
                      void *stream, void **parameters, void **extra, size_t /*count*/) {
  const Driver *driver = driverFor("cuLaunchKernel");
  if (!driver || cudaLaunchErrorPending())
    return;
  if (!function) {
    recordCudaLaunchError("cuLaunchKernel: no kernel to launch");
    return;
  }
  if (gridX == 0 || gridY == 0 || gridZ == 0)
    return; // an empty loop: nothing to launch
  check(*driver,
        driver->api.cuLaunchKernel(static_cast<CUfunction>(function), unsigned(gridX),
                                   unsigned(gridY), unsigned(gridZ), unsigned(blockX),
                                   unsigned(blockY), unsigned(blockZ), unsigned(sharedBytes),
                                   static_cast<CUstream>(stream), parameters, extra),
        "cuLaunchKernel");
}

} // extern "C"
