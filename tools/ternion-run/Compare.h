//===- Compare.h - Comparing outputs with expected tensors ------*- C++ -*-===//
#ifndef TERNION_TOOLS_TERNION_RUN_COMPARE_H
#define TERNION_TOOLS_TERNION_RUN_COMPARE_H

#include "TensorFiles.h"

#include <string>

namespace ternion::run {

struct Tolerance {
  double rtol = 1e-3;
  double atol = 1e-7;
};

struct Comparison {
  bool pass = false;
  /// Why it failed ("" on success): dtype or shape mismatch, or the first
  /// mismatching element.
  std::string reason;
  /// Over all elements; max_rel only over elements whose expected value is
  /// nonzero and finite. NaN/Inf positions count as matching or not, but
  /// add nothing to the maxima.
  double maxAbs = 0;
  double maxRel = 0;
  size_t mismatches = 0;
};

/// Compares with numpy.allclose semantics: |a - e| <= atol + rtol * |e|,
/// NaN matching only NaN and infinities only themselves. Integer and bool
/// tensors must match exactly. Dtypes and shapes must be equal.
Comparison compareTensors(tnx_dtype_t dtype, const std::vector<int64_t> &shape,
                          const void *data, const HostTensor &expected,
                          Tolerance tolerance);

} // namespace ternion::run

#endif // TERNION_TOOLS_TERNION_RUN_COMPARE_H
