//===- ConstantEvaluator.h - evaluate constant weight subgraphs -*- C++ -*-===//
//
// Folders never materialize weights (kMaxFoldedElements), so a weight that
// an exporter computes from constants (a Cast of int8 codes times a scale,
// a training-time quantization of latent weights) reaches the passes as a
// subgraph. Passes that must know a weight's values (ternarization,
// quantization) evaluate that subgraph here, in f32, with ONNX semantics,
// without changing the IR.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_PASSES_TERNARY_CONSTANTEVALUATOR_H
#define TERNION_PASSES_TERNARY_CONSTANTEVALUATOR_H

#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <memory>
#include <optional>
#include <vector>

namespace ternion {

/// A row-major f32 tensor.
struct FloatTensor {
  llvm::SmallVector<int64_t> shape;
  std::vector<float> values;
};

class ConstantEvaluator {
public:
  /// The values of `value` when it is computed from constants by the ops
  /// this evaluator knows (constants, Cast, Transpose, Abs, Neg, Round,
  /// Reciprocal, Add, Sub, Mul, Div, Clip, ReduceMean over all elements),
  /// with scalar or same-shape operands; nullopt otherwise. Nothing is kept
  /// between calls.
  std::optional<FloatTensor> evaluate(mlir::Value value);

private:
  llvm::DenseMap<mlir::Value, std::shared_ptr<FloatTensor>> cache;
  std::shared_ptr<FloatTensor> eval(mlir::Value value, int depth);
};

} // namespace ternion

#endif // TERNION_PASSES_TERNARY_CONSTANTEVALUATOR_H
