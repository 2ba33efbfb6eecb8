//===- Status.cpp - Error objects returned by the C API -------------------===//
#include "core/Status.h"

#include <cstdlib>
#include <new>

using namespace ternion::runtime;

namespace {
// Returned when allocating a status fails; tnx_status_free ignores it.
tnx_status OutOfMemoryStatus{TNX_STATUS_OUT_OF_MEMORY, "out of memory"};
} // namespace

tnx_status_t ternion::runtime::makeStatus(tnx_status_code_t code,
                                          std::string message) {
  auto *status = new (std::nothrow) tnx_status{code, std::move(message)};
  return status ? status : &OutOfMemoryStatus;
}

extern "C" {

tnx_status_code_t tnx_status_code(tnx_status_t status) {
  return status ? status->code : TNX_STATUS_OK;
}

const char *tnx_status_message(tnx_status_t status) {
  return status ? status->message.c_str() : "";
}

const char *tnx_status_code_name(tnx_status_code_t code) {
  switch (code) {
  case TNX_STATUS_OK:
    return "OK";
  case TNX_STATUS_INVALID_ARGUMENT:
    return "INVALID_ARGUMENT";
  case TNX_STATUS_NOT_FOUND:
    return "NOT_FOUND";
  case TNX_STATUS_IO_ERROR:
    return "IO_ERROR";
  case TNX_STATUS_INVALID_ARTIFACT:
    return "INVALID_ARTIFACT";
  case TNX_STATUS_UNSUPPORTED:
    return "UNSUPPORTED";
  case TNX_STATUS_OUT_OF_MEMORY:
    return "OUT_OF_MEMORY";
  case TNX_STATUS_FAILED_PRECONDITION:
    return "FAILED_PRECONDITION";
  case TNX_STATUS_INTERNAL:
    return "INTERNAL";
  case TNX_STATUS_RESOURCE_EXHAUSTED:
    return "RESOURCE_EXHAUSTED";
  }
  return "UNKNOWN";
}

void tnx_status_free(tnx_status_t status) {
  if (status != &OutOfMemoryStatus)
    delete status;
}

const char *tnx_runtime_version(void) { return TERNION_RUNTIME_VERSION; }

void tnx_free(void *memory) { std::free(memory); }

} // extern "C"
