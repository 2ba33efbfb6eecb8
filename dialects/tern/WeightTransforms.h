//===- WeightTransforms.h - compile-time rewrites of weights ----*- C++ -*-===//
#ifndef TERNION_DIALECTS_TERN_WEIGHTTRANSFORMS_H
#define TERNION_DIALECTS_TERN_WEIGHTTRANSFORMS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"


namespace ternion::tern {

/// The transpose of a static 2-D constant (dense or dense_resource), as a
/// new dense_resource blob; null when the bytes are not available.
mlir::ElementsAttr transposeConstant2D(mlir::ElementsAttr attr);

/// A static [N, K] constant as column panels of its transpose, the layout of
/// tern.linear's `#tern.panels<width>` format: [N / width, K, width] with
/// `out[p, k, j] = in[p * width + j, k]`. Null when N is not a multiple of
/// `width` or the bytes are not available.
mlir::ElementsAttr packConstantPanels(mlir::ElementsAttr attr, int64_t width);

/// The same for an f32 constant, stored as `storage` (f16 or bf16, rounded
/// to nearest even, HalfFloat.h; f32 is packConstantPanels). Null when
/// `attr` is not f32.
mlir::ElementsAttr packConstantPanels(mlir::ElementsAttr attr, int64_t width,
                                      mlir::FloatType storage);


/// Makes `operand` read a new constant `value` (created before its owner,
/// at the old value's location) and erases the constant it read before
/// when nothing else uses it: how a target swaps a weight for its packed
/// form.
void replaceConstantOperand(mlir::OpOperand &operand, mlir::ElementsAttr value);

} // namespace ternion::tern

#endif // TERNION_DIALECTS_TERN_WEIGHTTRANSFORMS_H
