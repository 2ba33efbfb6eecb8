//===- CudaDriver.cpp - The CUDA driver API, opened with dlopen ----------===//
#include "device/CudaDriver.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>

namespace ternion::runtime::cuda {
namespace {

struct Loaded {
  Driver driver;
  std::string error;
  bool ok = false;
};

std::string resultText(const DriverApi &api, CUresult result) {
  const char *name = nullptr, *text = nullptr;
  if (api.cuGetErrorName)
    api.cuGetErrorName(result, &name);
  if (api.cuGetErrorString)
    api.cuGetErrorString(result, &text);
  std::string out = name ? name : "CUDA error " + std::to_string(result);
  if (text)
    out += std::string(" (") + text + ")";
  return out;
}

template <typename Fn>
bool resolve(void *library, const char *symbol, Fn &out, std::string &error) {
  out = reinterpret_cast<Fn>(::dlsym(library, symbol));
  if (!out)
    error = std::string("the CUDA driver has no ") + symbol + " (driver too old?)";
  return out != nullptr;
}

void load(Loaded &loaded) {
  const char *name = std::getenv("TERNION_CUDA_DRIVER");
  if (!name || !*name)
    name = "libcuda.so.1";
  dlerror();
  // RTLD_LOCAL: the driver's symbols stay out of the global namespace; the
  // library stays loaded for the life of the process, as CUDA expects.
  void *library = ::dlopen(name, RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char *why = dlerror();
    loaded.error = std::string("cannot load the CUDA driver ") + name + " (" +
                   (why ? why : "unknown error") +
                   "): is the NVIDIA driver installed and is there a GPU?";
    return;
  }
  DriverApi &api = loaded.driver.api;
  std::string &error = loaded.error;
  if (!resolve(library, "cuInit", api.cuInit, error) ||
      !resolve(library, "cuDriverGetVersion", api.cuDriverGetVersion, error) ||
      !resolve(library, "cuDeviceGetCount", api.cuDeviceGetCount, error) ||
      !resolve(library, "cuDeviceGet", api.cuDeviceGet, error) ||
      !resolve(library, "cuDeviceGetName", api.cuDeviceGetName, error) ||
      !resolve(library, "cuDeviceGetAttribute", api.cuDeviceGetAttribute, error) ||
      !resolve(library, "cuDevicePrimaryCtxRetain", api.cuDevicePrimaryCtxRetain, error) ||
      !resolve(library, "cuCtxSetCurrent", api.cuCtxSetCurrent, error) ||
      !resolve(library, "cuCtxSynchronize", api.cuCtxSynchronize, error) ||
      !resolve(library, "cuMemAllocManaged", api.cuMemAllocManaged, error) ||
      !resolve(library, "cuMemFree_v2", api.cuMemFree, error) ||
      !resolve(library, "cuMemcpy", api.cuMemcpy, error) ||
      !resolve(library, "cuMemsetD8_v2", api.cuMemsetD8, error) ||
      !resolve(library, "cuStreamCreate", api.cuStreamCreate, error) ||
      !resolve(library, "cuStreamSynchronize", api.cuStreamSynchronize, error) ||
      !resolve(library, "cuModuleLoadData", api.cuModuleLoadData, error) ||
      !resolve(library, "cuModuleUnload", api.cuModuleUnload, error) ||
      !resolve(library, "cuModuleGetFunction", api.cuModuleGetFunction, error) ||
      !resolve(library, "cuLaunchKernel", api.cuLaunchKernel, error) ||
      !resolve(library, "cuGetErrorName", api.cuGetErrorName, error) ||
      !resolve(library, "cuGetErrorString", api.cuGetErrorString, error))
    return;
  Driver &driver = loaded.driver;
  auto check = [&](CUresult result, const char *what) {
    if (result != CUDA_SUCCESS)
      error = std::string(what) + " failed: " + resultText(api, result);
    return result == CUDA_SUCCESS;
  };
  int count = 0;
  if (!check(api.cuInit(0), "cuInit") || !check(api.cuDeviceGetCount(&count), "cuDeviceGetCount"))
    return;
  if (count == 0) {
    error = "the CUDA driver sees no GPU";
    return;
  }
  int major = 0, minor = 0, managed = 0;
  char deviceName[256] = {};
  if (!check(api.cuDeviceGet(&driver.device, 0), "cuDeviceGet") ||
      !check(api.cuDeviceGetName(deviceName, sizeof(deviceName) - 1, driver.device),
             "cuDeviceGetName") ||
      !check(api.cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
                                      driver.device),
             "cuDeviceGetAttribute") ||
      !check(api.cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
                                      driver.device),
             "cuDeviceGetAttribute") ||
      !check(api.cuDeviceGetAttribute(&managed, CU_DEVICE_ATTRIBUTE_MANAGED_MEMORY, driver.device),
             "cuDeviceGetAttribute"))
    return;
  driver.computeCapability = major * 10 + minor;
  driver.deviceName =
      std::string(deviceName) + " (sm_" + std::to_string(driver.computeCapability) + ")";
  if (!managed) {
    error = driver.deviceName + " has no managed memory, which the CUDA runtime needs";
    return;
  }
  if (!check(api.cuDevicePrimaryCtxRetain(&driver.context, driver.device),
             "cuDevicePrimaryCtxRetain") ||
      !check(api.cuCtxSetCurrent(driver.context), "cuCtxSetCurrent"))
    return;
  loaded.ok = true;
}

} // namespace

const Driver *loadCudaDriver(std::string &error) {
  static Loaded loaded;
  static std::once_flag once;
  std::call_once(once, [] { load(loaded); });
  if (!loaded.ok) {
    error = loaded.error;
    return nullptr;
  }
  // Every thread that calls into the driver needs the context current.
  thread_local bool current = false;
  if (!current) {
    if (CUresult result = loaded.driver.api.cuCtxSetCurrent(loaded.driver.context)) {
      error = "cuCtxSetCurrent failed: " + resultText(loaded.driver.api, result);
      return nullptr;
    }
    current = true;
  }
  return &loaded.driver;
}

std::string describeCudaError(const Driver &driver, CUresult result) {
  return resultText(driver.api, result);
}

} // namespace ternion::runtime::cuda
