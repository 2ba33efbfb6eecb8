//===- SymbolicDims.h - which input dim a tensor dim comes from -*- C++ -*-===//
//
// Exported graphs compute every dynamic size from the graph inputs through
// Shape/Gather/Concat chains. This is the one analysis of those chains: the
// graph passes (attention fusion) and the lowerings (Reshape's
// reassociation) both ask it. To prove that two dims are equal at run time
// (a mask's side and the query length, say), trace each back to the input
// dim it copies. Only rules that are exact are applied; anything else is
// "unknown", and the caller must then not rely on the equality.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_DIALECTS_TERN_SYMBOLICDIMS_H
#define TERNION_DIALECTS_TERN_SYMBOLICDIMS_H

#include "mlir/IR/Value.h"

#include <optional>

namespace ternion {

/// A dim known either as a static size or as "dim `dim` of the function
/// argument `root`".
struct SymbolicDim {
  mlir::Value root;
  int64_t dim = 0;
  int64_t size = -1; // The static size when root is null.

  bool operator==(const SymbolicDim &o) const {
    return root == o.root && dim == o.dim && size == o.size;
  }
  bool operator!=(const SymbolicDim &o) const { return !(*this == o); }
};

/// Where dim `dim` (negative counts from the end) of `value` comes from.
std::optional<SymbolicDim> getSymbolicDim(mlir::Value value, int64_t dim);

/// The dim that a scalar or one-element integer shape value holds
/// (Unsqueeze/Squeeze of Gather(Shape(x), i), Slice(Shape(x)), a constant).
std::optional<SymbolicDim> getSymbolicDimOfShapeValue(mlir::Value value);

/// (tensor, dim) when element `index` of the 1-D shape value `shape` is
/// literally dim `dim` of `tensor`: Shape(tensor) (with its start and end),
/// and the Concat, Gather, unit-step Slice, Unsqueeze and Squeeze chains that
/// exporters build shape vectors from. The dim is non-negative.
std::optional<std::pair<mlir::Value, int64_t>> getShapeElementSource(mlir::Value shape,
                                                                     int64_t index);

/// (tensor, dim) when a scalar or one-element shape value is literally a dim
/// of a tensor: Gather(Shape(t), i) or Slice(Shape(t), i, i+1), possibly
/// wrapped in Unsqueeze/Squeeze. The dim is normalized to be non-negative.
std::optional<std::pair<mlir::Value, int64_t>> getDirectDim(mlir::Value value);

/// The value holding element `index` of a 1-D shape tensor built by Concat
/// of pieces (possibly wrapped in ONNX's Where(Equal(s, -1), 1, s) idiom);
/// null when unknown. Constant elements are returned through `constant`.
mlir::Value getShapeElement(mlir::Value shape, int64_t index,
                            std::optional<int64_t> &constant);

} // namespace ternion

#endif // TERNION_DIALECTS_TERN_SYMBOLICDIMS_H
