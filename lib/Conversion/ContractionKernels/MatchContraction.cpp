//===- MatchContraction.cpp - Which contractions get a kernel -------------===//
//
// Only the exact shapes convert-tern-to-linalg emits for 2-D contractions
// are matched (three loops, (m, n, k) maps, an f32 multiply-add body), so a
// kernel never meets an op whose semantics it would have to guess. Vector
// loads need a contiguous inner dim: operands read as vectors must have a
// unit inner stride (subviews of row-major buffers do).
//
//===----------------------------------------------------------------------===//
#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/AffineMap.h"

using namespace mlir;

namespace ternion::kernels {
bool isMultiplyAdd(linalg::GenericOp op) {
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (yield.getNumOperands() != 1 || body.getOperations().size() != 3)
    return false;
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add)
    return false;
  Value acc = body.getArgument(2);
  Value product = add.getLhs() == acc ? add.getRhs() : add.getRhs() == acc ? add.getLhs() : Value();
  auto mul = product ? product.getDefiningOp<arith::MulFOp>() : nullptr;
  if (!mul)
    return false;
  Value in0 = body.getArgument(0), in1 = body.getArgument(1);
  return (mul.getLhs() == in0 && mul.getRhs() == in1) ||
         (mul.getLhs() == in1 && mul.getRhs() == in0);
}

namespace {

bool hasUnitInnerStride(Value v) {
  auto type = cast<MemRefType>(v.getType());
  return type.getRank() == 2 && type.isLastDimUnitStride();
}

} // namespace

std::optional<ContractionForm> matchContraction(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.getNumLoops() != 3)
    return std::nullopt;
  auto iterators = op.getIteratorTypesArray();
  if (iterators[0] != utils::IteratorType::parallel ||
      iterators[1] != utils::IteratorType::parallel ||
      iterators[2] != utils::IteratorType::reduction)
    return std::nullopt;
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<MemRefType>(operand.get().getType());
    if (!type || type.getRank() != 2 || !type.getElementType().isF32())
      return std::nullopt;
  }
  if (!isMultiplyAdd(op))
    return std::nullopt;
  MLIRContext *ctx = op.getContext();
  auto map = [&](unsigned r, unsigned c) {
    return AffineMap::get(3, 0, {getAffineDimExpr(r, ctx), getAffineDimExpr(c, ctx)}, ctx);
  };
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  const unsigned m = 0, n = 1, k = 2;
  if (maps[0] != map(m, k) || maps[2] != map(m, n))
    return std::nullopt;
  Value lhs = op.getDpsInputs()[0], rhs = op.getDpsInputs()[1];
  Value out = op.getDpsInits()[0];
  if (maps[1] == map(n, k) && hasUnitInnerStride(lhs) && hasUnitInnerStride(rhs) &&
      hasUnitInnerStride(out))
    return ContractionForm::DotProduct;
  if (maps[1] == map(k, n) && hasUnitInnerStride(rhs) && hasUnitInnerStride(out))
    return ContractionForm::OuterProduct;
  return std::nullopt;
}

} // namespace ternion::kernels
