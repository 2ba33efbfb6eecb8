//===- Function.cpp - Signature queries -----------------------------------===//
#include "core/Artifact.h"
#include "core/Status.h"

using namespace ternion::runtime;

namespace {
tnx_status_t valueAt(const tnx_function_t *function, size_t index, bool output,
                     const tnx_value_info_t **out) {
  if (!function || !out)
    return invalidArgument("NULL argument");
  const auto &values = output ? function->outputs : function->inputs;
  if (index >= values.size())
    return invalidArgument(
        std::string(output ? "output" : "input") + " index " +
        std::to_string(index) + " is out of range (function " +
        quote(function->name) + " has " + std::to_string(values.size()) + ")");
  *out = &values[index];
  return nullptr;
}

tnx_status_t findValue(const tnx_function_t *function, const char *name,
                       bool output, size_t *index) {
  if (!function || !name || !index)
    return invalidArgument("NULL argument");
  const auto &values = output ? function->outputs : function->inputs;
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].spec.name == name) {
      *index = i;
      return nullptr;
    }
  }
  return makeStatus(TNX_STATUS_NOT_FOUND,
                    std::string("function ") + quote(function->name) +
                        " has no " + (output ? "output " : "input ") +
                        quote(name));
}
} // namespace

extern "C" {

const char *tnx_function_name(const tnx_function_t *function) {
  return function ? function->name.c_str() : "";
}

size_t tnx_function_input_count(const tnx_function_t *function) {
  return function ? function->inputs.size() : 0;
}

size_t tnx_function_output_count(const tnx_function_t *function) {
  return function ? function->outputs.size() : 0;
}

tnx_status_t tnx_function_input(const tnx_function_t *function, size_t index,
                                const tnx_value_info_t **out) {
  return valueAt(function, index, /*output=*/false, out);
}

tnx_status_t tnx_function_output(const tnx_function_t *function, size_t index,
                                 const tnx_value_info_t **out) {
  return valueAt(function, index, /*output=*/true, out);
}

tnx_status_t tnx_function_find_input(const tnx_function_t *function,
                                     const char *name, size_t *index) {
  return findValue(function, name, /*output=*/false, index);
}

tnx_status_t tnx_function_find_output(const tnx_function_t *function,
                                      const char *name, size_t *index) {
  return findValue(function, name, /*output=*/true, index);
}

const char *tnx_value_info_name(const tnx_value_info_t *info) {
  return info ? info->spec.name.c_str() : "";
}

tnx_dtype_t tnx_value_info_dtype(const tnx_value_info_t *info) {
  return info ? info->spec.dtype : TNX_DTYPE_INVALID;
}

size_t tnx_value_info_rank(const tnx_value_info_t *info) {
  return info ? info->spec.shape.size() : 0;
}

const int64_t *tnx_value_info_dims(const tnx_value_info_t *info) {
  return info && !info->spec.shape.empty() ? info->spec.shape.data() : nullptr;
}

const char *tnx_value_info_dim_param(const tnx_value_info_t *info, size_t dim) {
  if (!info || dim >= info->spec.dimParams.size())
    return "";
  return info->spec.dimParams[dim].c_str();
}

} // extern "C"
