//===- BroadcastShapes.h - ONNX shape rules ---------------------*- C++ -*-===//
#ifndef TERNION_DIALECTS_TERN_BROADCASTSHAPES_H
#define TERNION_DIALECTS_TERN_BROADCASTSHAPES_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Support/LLVM.h"
#include <optional>

namespace ternion::tern {

/// ONNX multidirectional broadcast of ranked shapes with `?` dims. A `?`
/// against 1 stays `?`; a `?` against N > 1 is N. nullopt when two static
/// dims differ and neither is 1.
std::optional<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);

/// Normalizes `axis` in [-rank, rank) to [0, rank); nullopt when out of range.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

/// Builds `tensor<shape x elementType>`, or an unranked tensor when `shape`
/// is nullopt (rank unknown).
mlir::TensorType makeTensorType(std::optional<llvm::ArrayRef<int64_t>> shape,
                                mlir::Type elementType);

} // namespace ternion::tern

#endif // TERNION_DIALECTS_TERN_BROADCASTSHAPES_H
