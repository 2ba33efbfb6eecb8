//===- Artifact.h - An opened .tnx artifact ---------------------*- C++ -*-===//
#ifndef TERNION_RUNTIME_LIB_ARTIFACT_H
#define TERNION_RUNTIME_LIB_ARTIFACT_H

#include "Manifest.h"

#include <atomic>
#include <cstdlib>
#include <string>
#include <vector>

struct tnx_value_info {
  ternion::runtime::TensorSpec spec;
};

/// The entry point of a compiled function: args[0..n) are the input memref
/// descriptors, args[n] the weights descriptor, args[n+1] the storage for
/// the output descriptors (see docs/runtime.md).
using TnxEntryPoint = void (*)(void **args);

struct tnx_function {
  std::string name;
  std::string symbol;
  std::vector<tnx_value_info> inputs;
  std::vector<tnx_value_info> outputs;
  TnxEntryPoint entry = nullptr;
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
  /// How to release the buffers the compiled code returns: the buffer cache
  /// once installed through tnx_set_allocator, free() for a library without
  /// that hook.
  void (*releaseOutput)(void *) = std::free;

  ~tnx_artifact();
};

namespace ternion::runtime {
void retainArtifact(tnx_artifact *artifact);
void releaseArtifact(tnx_artifact *artifact);

/// FNV-1a 64 of a byte range, continuing from `hash`.
uint64_t fnv1a64(const void *data, size_t size,
                 uint64_t hash = 0xcbf29ce484222325ull);
} // namespace ternion::runtime

#endif // TERNION_RUNTIME_LIB_ARTIFACT_H
