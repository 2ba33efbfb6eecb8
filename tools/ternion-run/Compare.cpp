//===- Compare.cpp - Comparing outputs with expected tensors --------------===//
#include "Compare.h"
#include "Elements.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace ternion::run {
namespace {

std::string formatIndex(size_t flat, const std::vector<int64_t> &shape) {
  std::vector<int64_t> index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = static_cast<int64_t>(flat % static_cast<size_t>(shape[d]));
    flat /= static_cast<size_t>(shape[d]);
  }
  return formatShape(index);
}

std::string formatNumber(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.9g", value);
  return buffer;
}

} // namespace

Comparison compareTensors(tnx_dtype_t dtype, const std::vector<int64_t> &shape,
                          const void *data, const HostTensor &expected,
                          Tolerance tolerance) {
  Comparison result;
  if (dtype != expected.dtype) {
    result.reason = std::string("dtype is ") + tnx_dtype_name(dtype) +
                    " but expected " + tnx_dtype_name(expected.dtype);
    return result;
  }
  if (shape != expected.shape) {
    result.reason = "shape is " + formatShape(shape) + " but expected " +
                    formatShape(expected.shape);
    return result;
  }
  size_t elementSize = tnx_dtype_size(dtype);
  size_t count = elementSize ? expected.data.size() / elementSize : 0;
  bool exact = !isFloatDType(dtype);
  for (size_t i = 0; i < count; ++i) {
    double a = elementAsDouble(dtype, data, i);
    double e = elementAsDouble(dtype, expected.data.data(), i);
    bool match;
    if (exact) {
      // Compare bits: 64-bit integers do not survive the trip to double.
      match =
          std::memcmp(static_cast<const char *>(data) + i * elementSize,
                      expected.data.data() + i * elementSize, elementSize) == 0;
    } else if (std::isnan(a) || std::isnan(e)) {
      match = std::isnan(a) && std::isnan(e);
    } else if (std::isinf(a) || std::isinf(e)) {
      match = a == e;
    } else {
      match =
          std::fabs(a - e) <= tolerance.atol + tolerance.rtol * std::fabs(e);
    }
    if (std::isfinite(a) && std::isfinite(e)) {
      double diff = std::fabs(a - e);
      result.maxAbs = std::max(result.maxAbs, diff);
      if (e != 0)
        result.maxRel = std::max(result.maxRel, diff / std::fabs(e));
    }
    if (!match && result.mismatches++ == 0)
      result.reason = "first mismatch at " + formatIndex(i, shape) + ": " +
                      formatNumber(a) + " vs expected " + formatNumber(e);
  }
  if (result.mismatches > 1)
    result.reason += " (" + std::to_string(result.mismatches) + " of " +
                     std::to_string(count) + " elements differ)";
  result.pass = result.mismatches == 0;
  return result;
}

} // namespace ternion::run
