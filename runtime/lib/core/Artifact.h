//===- Artifact.h - An opened .tnx artifact ---------------------*- C++ -*-===//
#ifndef TERNION_RUNTIME_LIB_CORE_ARTIFACT_H
#define TERNION_RUNTIME_LIB_CORE_ARTIFACT_H

#include "core/Manifest.h"
#include "device/Device.h"

#include <atomic>
#include <cstdlib>
#include <string>
#include <vector>

struct tnx_value_info {
  ternion::runtime::TensorSpec spec;
};

struct tnx_function {
  std::string name;
  std::string symbol;
  std::vector<tnx_value_info> inputs;
  std::vector<tnx_value_info> outputs;
  /// args[0..n) the input memref descriptors, args[n] the weights,
  /// args[n+1] the storage for the output descriptors (ternion/abi.h).
  tnx_entry_point_fn entry = nullptr;
};

struct tnx_artifact {
  std::atomic<int> refCount{1};
  std::string path;
  std::string manifestText;
  ternion::runtime::Manifest manifest;
  std::vector<tnx_function> functions;
  /// dlopen handle of the library.
  void *library = nullptr;
  /// Base and length of the read-only weights mapping. With no weights the
  /// base is a dummy aligned address and the length 0 (nothing to unmap).
  void *weightsBase = nullptr;
  size_t weightsSize = 0;
  bool weightsMapped = false;
  /// A GPU artifact's weights, copied to the device when it was opened
  /// (weightsBase is then its address and nothing is mapped).
  ternion::runtime::DeviceBuffer weightsOnDevice;
  /// The device the compiled code runs on and its buffers live on: the
  /// manifest's "device". Sessions allocate through it.
  ternion::runtime::Device *device = nullptr;
  /// How to release the buffers the compiled code returns: the device's
  /// code allocator once installed through tnx_set_allocator, free() for a
  /// library without that hook.
  tnx_release_fn releaseOutput = std::free;

  ~tnx_artifact();
};

namespace ternion::runtime {
void retainArtifact(tnx_artifact *artifact);
void releaseArtifact(tnx_artifact *artifact);

/// FNV-1a 64 of a byte range, continuing from `hash`.
uint64_t fnv1a64(const void *data, size_t size,
                 uint64_t hash = TNX_FNV1A64_OFFSET_BASIS);
} // namespace ternion::runtime

#endif // TERNION_RUNTIME_LIB_CORE_ARTIFACT_H
