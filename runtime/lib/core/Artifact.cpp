//===- Artifact.cpp - Opening a .tnx artifact -----------------------------===//
//
// Opening checks everything that can be checked before running: the
// manifest's structure and version, the weights file's size and checksum,
// the library's ABI version and every exported symbol. A corrupt artifact
// therefore fails here with a message naming the file, never later in a
// run.
//
//===----------------------------------------------------------------------===//
#include "core/Artifact.h"
#include "core/ElfCheck.h"
#include "core/FileIO.h"
#include "core/Status.h"
#include "core/Tensor.h"
#include "device/CpuDevice.h"
#include "device/CudaDevice.h"

#include "ternion/abi.h"

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <new>
#include <sys/mman.h>
#include <sys/stat.h>

using namespace ternion::runtime;

namespace {

constexpr size_t MaxManifestSize = 16u << 20;

tnx_status_t readManifestFile(const std::string &file, std::string &text) {
  return readSmallFile(file, MaxManifestSize, TNX_STATUS_INVALID_ARTIFACT,
                       text);
}

std::string hex64(uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof(buffer), "%016llx",
                static_cast<unsigned long long>(value));
  return buffer;
}

tnx_status_t verifyWeights(tnx_artifact &artifact, const std::string &file) {
  const WeightsSpec &spec = artifact.manifest.weights;
  const std::string prefix = TNX_WEIGHTS_CHECKSUM_PREFIX;
  if (spec.checksum.compare(0, prefix.size(), prefix) != 0)
    return makeStatus(TNX_STATUS_UNSUPPORTED,
                      artifact.path +
                          "/" TNX_MANIFEST_FILE ": unsupported weights "
                          "checksum \"" +
                          spec.checksum + "\" (expected " + prefix + "<hex>)");
  std::string expected = spec.checksum.substr(prefix.size());
  std::string got = hex64(fnv1a64(artifact.weightsBase, artifact.weightsSize));
  if (expected != got)
    return makeStatus(TNX_STATUS_INVALID_ARTIFACT,
                      file + ": checksum mismatch: the manifest says " +
                          prefix + expected + " but the file has " + prefix +
                          got);
  return nullptr;
}

tnx_status_t mapWeights(tnx_artifact &artifact, bool verify) {
  const WeightsSpec &spec = artifact.manifest.weights;
  artifact.weightsBase = emptyBufferAddress();
  if (!spec.present)
    return nullptr;
  std::string file = artifact.path + "/" + spec.file;
  if (!isPlainRelativePath(spec.file))
    return makeStatus(TNX_STATUS_INVALID_ARTIFACT,
                      artifact.path +
                          "/" TNX_MANIFEST_FILE ": weights file \"" +
                          spec.file + "\" is not inside the artifact");
  std::string resolved;
  if (tnx_status_t status =
          resolveInsideDirectory(artifact.path, spec.file, resolved))
    return status;
  int fd;
  struct stat info;
  if (tnx_status_t status = openRegularFile(
          resolved, file, TNX_STATUS_INVALID_ARTIFACT, fd, info))
    return status;
  FdCloser closer{fd};
  auto actual = static_cast<uint64_t>(info.st_size);
  if (actual != spec.size)
    return makeStatus(TNX_STATUS_INVALID_ARTIFACT,
                      file + ": is " + std::to_string(actual) +
                          " bytes but the manifest says " +
                          std::to_string(spec.size) +
                          (actual < spec.size ? " (truncated?)" : ""));
  if (spec.size > 0) {
    void *base = ::mmap(nullptr, spec.size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (base == MAP_FAILED)
      return makeStatus(TNX_STATUS_IO_ERROR,
                        file + ": cannot map: " + errnoText());
    artifact.weightsBase = base;
    artifact.weightsSize = spec.size;
    artifact.weightsMapped = true;
  }
  if (reinterpret_cast<uintptr_t>(artifact.weightsBase) % spec.alignment)
    return makeStatus(TNX_STATUS_UNSUPPORTED,
                      file + ": the mapping is not aligned to " +
                          std::to_string(spec.alignment) + " bytes");
  if (!verify || spec.checksum.empty())
    return nullptr;
  return verifyWeights(artifact, file);
}

/// A GPU artifact's weights go to the device once, when it is opened.
tnx_status_t uploadWeights(tnx_artifact &artifact) {
  if (artifact.device->kind() == DeviceKind::Cpu || artifact.weightsSize == 0)
    return nullptr;
  DeviceBuffer buffer;
  if (tnx_status_t status = artifact.device->allocate(
          artifact.weightsSize, artifact.manifest.weights.alignment, buffer))
    return status;
  if (tnx_status_t status = artifact.device->copyToDevice(
          buffer.address, artifact.weightsBase, artifact.weightsSize)) {
    artifact.device->free(buffer);
    return status;
  }
  ::munmap(artifact.weightsBase, artifact.weightsSize);
  artifact.weightsMapped = false;
  artifact.weightsBase = buffer.address;
  artifact.weightsOnDevice = buffer;
  return nullptr;
}

tnx_status_t loadLibrary(tnx_artifact &artifact) {
  const std::string &name = artifact.manifest.library;
  std::string file = artifact.path + "/" + name;
  if (!isPlainRelativePath(name))
    return makeStatus(TNX_STATUS_INVALID_ARTIFACT,
                      artifact.path + "/" TNX_MANIFEST_FILE ": library \"" +
                          name + "\" is not inside the artifact");
  // The real path is absolute, so dlopen skips the library search path.
  std::string resolved;
  if (tnx_status_t status =
          resolveInsideDirectory(artifact.path, name, resolved))
    return status;
  if (tnx_status_t status = checkSharedLibrary(resolved, file))
    return status;
  // RTLD_LOCAL: two artifacts export the same symbol names; keep them apart.
  const std::string &dlName = resolved;
  dlerror();
  artifact.library = ::dlopen(dlName.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!artifact.library) {
    const char *why = dlerror();
    return makeStatus(TNX_STATUS_INVALID_ARTIFACT,
                      file + ": cannot load: " + (why ? why : "unknown error"));
  }
  if (auto abi = reinterpret_cast<tnx_abi_version_fn>(
          ::dlsym(artifact.library, TNX_ABI_VERSION_SYMBOL))) {
    int version = abi();
    if (version != TNX_ABI_VERSION)
      return makeStatus(TNX_STATUS_UNSUPPORTED,
                        file + ": has ABI version " + std::to_string(version) +
                            ", but this runtime supports only " +
                            std::to_string(TNX_ABI_VERSION));
  }
  // Intermediates come from the device's allocator instead of malloc (on
  // the CPU its buffer cache, core/BufferCache.h); the hook is optional in
  // the ABI.
  CodeAllocator allocator = artifact.device->codeAllocator();
  if (auto setAllocator = reinterpret_cast<tnx_set_allocator_fn>(
          ::dlsym(artifact.library, TNX_SET_ALLOCATOR_SYMBOL));
      setAllocator && allocator.allocate) {
    setAllocator(allocator.allocate, allocator.release);
    artifact.releaseOutput = allocator.release;
  }
  // What dlopen ran may have failed on the device: a CUDA library loads
  // its kernels in a constructor (device/CudaLaunch.cpp).
  if (tnx_status_t status = artifact.device->synchronize()) {
    std::string why = tnx_status_message(status);
    tnx_status_free(status);
    return makeStatus(TNX_STATUS_UNSUPPORTED, file + ": " + why);
  }
  for (tnx_function &function : artifact.functions) {
    dlerror();
    void *symbol = ::dlsym(artifact.library, function.symbol.c_str());
    if (!symbol)
      return makeStatus(TNX_STATUS_INVALID_ARTIFACT,
                        file + ": does not export symbol " +
                            quote(function.symbol) + " of function " +
                            quote(function.name));
    function.entry = reinterpret_cast<tnx_entry_point_fn>(symbol);
  }
  return nullptr;
}

tnx_status_t openArtifact(const char *path,
                          const tnx_artifact_options_t &options,
                          tnx_artifact &artifact) {
  artifact.path = path;
  while (artifact.path.size() > 1 && artifact.path.back() == '/')
    artifact.path.pop_back();
  struct stat info;
  if (::stat(artifact.path.c_str(), &info) != 0)
    return makeStatus(TNX_STATUS_IO_ERROR,
                      artifact.path + ": cannot open artifact: " + errnoText());
  if (!S_ISDIR(info.st_mode))
    return makeStatus(TNX_STATUS_INVALID_ARTIFACT,
                      artifact.path +
                          ": is not an artifact directory (expected a "
                          ".tnx directory with " TNX_MANIFEST_FILE ")");
  std::string manifestFile = artifact.path + "/" TNX_MANIFEST_FILE;
  if (tnx_status_t status =
          readManifestFile(manifestFile, artifact.manifestText))
    return status;
  std::string error;
  bool unsupported = false;
  if (!parseManifest(artifact.manifestText, artifact.manifest, error,
                     unsupported))
    return makeStatus(unsupported ? TNX_STATUS_UNSUPPORTED
                                  : TNX_STATUS_INVALID_ARTIFACT,
                      manifestFile + ": " + error);
  for (const FunctionSpec &spec : artifact.manifest.functions) {
    tnx_function function;
    function.name = spec.name;
    function.symbol = spec.symbol;
    for (const TensorSpec &input : spec.inputs)
      function.inputs.push_back(tnx_value_info{input});
    for (const TensorSpec &output : spec.outputs)
      function.outputs.push_back(tnx_value_info{output});
    artifact.functions.push_back(std::move(function));
  }
  // The device comes first: on a machine that cannot run the artifact,
  // that is the error to report, before any file is mapped.
  if (artifact.manifest.device == TNX_DEVICE_CUDA) {
    if (tnx_status_t status = openCudaDevice(artifact.path, artifact.device))
      return status;
  }
  if (tnx_status_t status = mapWeights(artifact, options.verify_weights != 0))
    return status;
  if (tnx_status_t status = uploadWeights(artifact))
    return status;
  return loadLibrary(artifact);
}

} // namespace

uint64_t ternion::runtime::fnv1a64(const void *data, size_t size,
                                   uint64_t hash) {
  const auto *bytes = static_cast<const unsigned char *>(data);
  for (size_t i = 0; i < size; ++i) {
    hash ^= bytes[i];
    hash *= TNX_FNV1A64_PRIME;
  }
  return hash;
}

tnx_artifact::~tnx_artifact() {
  if (library)
    ::dlclose(library);
  if (weightsOnDevice.address)
    device->free(weightsOnDevice);
  if (weightsMapped)
    ::munmap(weightsBase, weightsSize);
}

void ternion::runtime::retainArtifact(tnx_artifact *artifact) {
  artifact->refCount.fetch_add(1, std::memory_order_relaxed);
}

void ternion::runtime::releaseArtifact(tnx_artifact *artifact) {
  if (artifact &&
      artifact->refCount.fetch_sub(1, std::memory_order_acq_rel) == 1)
    delete artifact;
}

extern "C" {

void tnx_artifact_options_init(tnx_artifact_options_t *options) {
  if (!options)
    return;
  std::memset(options, 0, sizeof(*options));
  options->struct_size = sizeof(*options);
  options->verify_weights = 1;
}

tnx_status_t tnx_artifact_open(const char *path,
                               const tnx_artifact_options_t *options,
                               tnx_artifact_t **out) {
  if (!path || !out)
    return invalidArgument("tnx_artifact_open: path and out must not be NULL");
  // Copy only the fields the caller's (possibly older) struct has.
  tnx_artifact_options_t effective;
  tnx_artifact_options_init(&effective);
  if (options) {
    if (options->struct_size <
        offsetof(tnx_artifact_options_t, verify_weights) + sizeof(int))
      return invalidArgument("tnx_artifact_open: options.struct_size is " +
                             std::to_string(options->struct_size) +
                             "; call tnx_artifact_options_init first");
    std::memcpy(&effective, options,
                std::min(options->struct_size, sizeof(effective)));
    effective.struct_size = sizeof(effective);
  }
  auto *artifact = new (std::nothrow) tnx_artifact;
  if (!artifact)
    return makeStatus(TNX_STATUS_OUT_OF_MEMORY, "out of memory");
  // The CPU until the manifest names another device (openArtifact).
  artifact->device = &cpuDevice();
  if (tnx_status_t status = openArtifact(path, effective, *artifact)) {
    delete artifact;
    return status;
  }
  *out = artifact;
  return nullptr;
}

void tnx_artifact_close(tnx_artifact_t *artifact) { releaseArtifact(artifact); }

int tnx_artifact_format_version(const tnx_artifact_t *artifact) {
  return artifact ? artifact->manifest.formatVersion : 0;
}

const char *tnx_artifact_model_kind(const tnx_artifact_t *artifact) {
  return artifact ? artifact->manifest.modelKind.c_str() : "";
}

const char *tnx_artifact_producer_version(const tnx_artifact_t *artifact) {
  return artifact ? artifact->manifest.ternionVersion.c_str() : "";
}

const char *tnx_artifact_llvm_version(const tnx_artifact_t *artifact) {
  return artifact ? artifact->manifest.llvmVersion.c_str() : "";
}

const char *tnx_artifact_manifest_json(const tnx_artifact_t *artifact) {
  return artifact ? artifact->manifestText.c_str() : "";
}

uint64_t tnx_artifact_weights_size(const tnx_artifact_t *artifact) {
  return artifact ? artifact->weightsSize : 0;
}

size_t tnx_artifact_function_count(const tnx_artifact_t *artifact) {
  return artifact ? artifact->functions.size() : 0;
}

tnx_status_t tnx_artifact_function(const tnx_artifact_t *artifact, size_t index,
                                   const tnx_function_t **out) {
  if (!artifact || !out)
    return invalidArgument("tnx_artifact_function: NULL argument");
  if (index >= artifact->functions.size())
    return invalidArgument("function index " + std::to_string(index) +
                           " is out of range (the artifact has " +
                           std::to_string(artifact->functions.size()) + ")");
  *out = &artifact->functions[index];
  return nullptr;
}

tnx_status_t tnx_artifact_find_function(const tnx_artifact_t *artifact,
                                        const char *name,
                                        const tnx_function_t **out) {
  if (!artifact || !name || !out)
    return invalidArgument("tnx_artifact_find_function: NULL argument");
  for (const tnx_function &function : artifact->functions) {
    if (function.name == name) {
      *out = &function;
      return nullptr;
    }
  }
  std::string known;
  for (const tnx_function &function : artifact->functions)
    known += (known.empty() ? "" : ", ") + quote(function.name);
  return makeStatus(TNX_STATUS_NOT_FOUND, "no function " + quote(name) +
                                              " in the artifact (it has " +
                                              known + ")");
}

} // extern "C"
