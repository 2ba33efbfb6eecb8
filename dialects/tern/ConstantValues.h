//===- ConstantValues.h - reading constant tensors --------------*- C++ -*-===//
//
// Shape arithmetic folds and pattern matching need the values of small
// constants whether they are `dense<...>` literals (made by folding) or
// `dense_resource` blobs (imported from ONNX).
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_DIALECTS_TERN_CONSTANTVALUES_H
#define TERNION_DIALECTS_TERN_CONSTANTVALUES_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>

namespace ternion::tern {

/// Largest constant (in elements) that folders will materialize as a
/// `dense<...>` literal: shape arithmetic, never weights.
constexpr int64_t kMaxFoldedElements = 1024;

/// The integer values of an integer or index ElementsAttr (dense or
/// dense_resource), sign-extended to int64; nullopt for anything else.
std::optional<llvm::SmallVector<int64_t>> getIntValues(mlir::Attribute attr);

/// The values of a float ElementsAttr as doubles; nullopt for anything else.
std::optional<llvm::SmallVector<double>> getFloatValues(mlir::Attribute attr);

/// The ElementsAttr behind a value defined by a constant-like op, or null.
mlir::ElementsAttr getConstantAttr(mlir::Value value);

/// Integer values of a value defined by a constant op.
std::optional<llvm::SmallVector<int64_t>> getConstantIntValues(mlir::Value value);

/// The one float value of a constant scalar or one-element tensor.
std::optional<double> getConstantScalarFloat(mlir::Value value);

/// The raw row-major bytes of a non-splat constant (a dense_resource blob,
/// read in place, or a dense literal); nullopt for a splat or a missing blob.
std::optional<llvm::ArrayRef<char>> getRawBytes(mlir::ElementsAttr attr);

/// A dense_resource constant of `type` holding a 64-byte aligned copy of
/// `bytes`: the form imported weights take, which the artifact writer
/// externalizes.
mlir::ElementsAttr makeResourceElements(mlir::RankedTensorType type, llvm::StringRef name,
                                        llvm::ArrayRef<char> bytes);

/// A `dense<...>` i64 attribute of the given shape.
mlir::DenseElementsAttr makeI64Elements(mlir::MLIRContext *ctx,
                                        llvm::ArrayRef<int64_t> shape,
                                        llvm::ArrayRef<int64_t> values);

} // namespace ternion::tern

#endif // TERNION_DIALECTS_TERN_CONSTANTVALUES_H
