//===- Status.h - Error objects returned by the C API -----------*- C++ -*-===//
//
// The C API reports every failure as a heap-allocated tnx_status carrying a
// code and a message; these helpers build them.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_RUNTIME_LIB_CORE_STATUS_H
#define TERNION_RUNTIME_LIB_CORE_STATUS_H

#include "ternion/runtime.h"

#include <string>

struct tnx_status {
  tnx_status_code_t code;
  std::string message;
};

namespace ternion::runtime {

/// Returns a new status; never NULL (falls back to a static out-of-memory
/// status if even that allocation fails).
tnx_status_t makeStatus(tnx_status_code_t code, std::string message);

inline tnx_status_t invalidArgument(std::string message) {
  return makeStatus(TNX_STATUS_INVALID_ARGUMENT, std::move(message));
}

/// Quotes a user-visible name the way every message does: 'name'.
inline std::string quote(const std::string &name) { return "'" + name + "'"; }

} // namespace ternion::runtime

#endif // TERNION_RUNTIME_LIB_CORE_STATUS_H
