//===- InferShapes.cpp - refine tern result types -------------------------===//
#include "passes/Passes.h"

#include "dialects/tern/TernOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace ternion {
#define GEN_PASS_DEF_TERNINFERSHAPES
#include "passes/Passes.h.inc"
} // namespace ternion

using namespace mlir;
using namespace ternion;

namespace {

/// The type that knows everything `current` and `inferred` know, or null
/// when `inferred` adds nothing.
Type refine(Type current, Type inferred) {
  auto cur = dyn_cast<TensorType>(current), inf = dyn_cast<TensorType>(inferred);
  if (!cur || !inf || cur.getElementType() != inf.getElementType() || !inf.hasRank())
    return {};
  if (!cur.hasRank())
    return inf;
  if (cur.getRank() != inf.getRank())
    return {};
  SmallVector<int64_t> shape(cur.getShape());
  bool changed = false;
  for (auto [d, i] : llvm::zip(shape, inf.getShape())) {
    if (ShapedType::isDynamic(d) && !ShapedType::isDynamic(i)) {
      d = i;
      changed = true;
    }
  }
  return changed ? RankedTensorType::get(shape, cur.getElementType()) : Type();
}

struct InferShapesPass : ternion::impl::TernInferShapesBase<InferShapesPass> {
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    fn.walk([&](InferTypeOpInterface op) {
      if (!isa<tern::TernDialect>(op->getDialect()))
        return;
      SmallVector<Type> inferred;
      if (failed(op.inferReturnTypes(op->getContext(), op->getLoc(), op->getOperands(),
                                     op->getRawDictionaryAttrs(),
                                     op->getPropertiesStorage(), op->getRegions(),
                                     inferred)) ||
          inferred.size() != op->getNumResults())
        return;
      for (auto [result, type] : llvm::zip(op->getResults(), inferred)) {
        if (Type refined = refine(result.getType(), type)) {
          result.setType(refined);
          ++numRefined;
        }
      }
    });
    // Returned values may now be more refined than the signature says.
    auto ret = cast<func::ReturnOp>(fn.getBody().back().getTerminator());
    fn.setType(FunctionType::get(&getContext(), fn.getArgumentTypes(),
                                 ret.getOperandTypes()));
  }
};

} // namespace
