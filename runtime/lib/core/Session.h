//===- Session.h - One function of an artifact, ready to run ----*- C++ -*-===//
#ifndef TERNION_RUNTIME_LIB_CORE_SESSION_H
#define TERNION_RUNTIME_LIB_CORE_SESSION_H

#include "core/Artifact.h"
#include "core/Tensor.h"

#include <vector>

struct tnx_session {
  tnx_artifact *artifact = nullptr;
  const tnx_function *function = nullptr;
  /// Retained references; null where unbound.
  std::vector<tnx_tensor *> inputs;
  /// Outputs of the last run (one reference each), empty before the first.
  std::vector<tnx_tensor *> outputs;

  ~tnx_session() {
    for (tnx_tensor *tensor : inputs)
      tnx_tensor_release(tensor);
    for (tnx_tensor *tensor : outputs)
      tnx_tensor_release(tensor);
    ternion::runtime::releaseArtifact(artifact);
  }
};

#endif // TERNION_RUNTIME_LIB_CORE_SESSION_H
