//===- MatchContraction.cpp - Which contractions get a kernel -------------===//
//
// The layout of a linear layer's weight is not guessed from loop shapes: the
// contraction carries its weight format (tern.weight_format, set by
// convert-tern-to-linalg from tern.linear), and the kernel is chosen by it:
// #tern.panels<P> -> the panel kernel, #tern.rows -> the dot-product kernel.
// The structure is still checked (the exact maps convert-tern-to-linalg
// emits, an f32 multiply-add body), so a kernel never meets an op whose
// semantics it would have to guess; a format whose structure does not match
// is a compiler bug, reported, never silently run as loops. Contractions
// without a format (MatMul between activations) are matched by their maps. Vector
// loads need a contiguous inner dim: operands read as vectors must have a
// unit inner stride (subviews of row-major buffers do).
//
//===----------------------------------------------------------------------===//
#include "Kernels.h"

#include "dialects/tern/TernAttributes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/AffineMap.h"

using namespace mlir;

namespace ternion::kernels {
bool isMultiplyAdd(linalg::GenericOp op) {
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  // A weight stored in 16 bits is widened first: one more op.
  auto widen = dyn_cast<arith::ExtFOp>(body.front());
  size_t ops = widen ? 4 : 3;
  if (yield.getNumOperands() != 1 || body.getOperations().size() != ops)
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
  if (widen) {
    if (widen.getIn() != in1)
      return false;
    in1 = widen.getResult();
  }
  return (mul.getLhs() == in0 && mul.getRhs() == in1) ||
         (mul.getLhs() == in1 && mul.getRhs() == in0);
}

namespace {

bool hasUnitInnerStride(Value v, int64_t rank) {
  auto type = cast<MemRefType>(v.getType());
  return type.getRank() == rank && type.isLastDimUnitStride();
}

bool isF32Buffer(Value v) {
  auto type = dyn_cast<MemRefType>(v.getType());
  return type && type.getElementType().isF32();
}

bool isHalfBuffer(Value v) {
  auto type = dyn_cast<MemRefType>(v.getType());
  return type && (type.getElementType().isF16() || type.getElementType().isBF16());
}

/// (m, p, j, k): y[m, p, j] += x[m, k] * w[p, k, j] with P = `width`.
bool isPanelContraction(linalg::GenericOp op, int64_t width) {
  auto iterators = op.getIteratorTypesArray();
  if (iterators[0] != utils::IteratorType::parallel ||
      iterators[1] != utils::IteratorType::parallel ||
      iterators[2] != utils::IteratorType::parallel ||
      iterators[3] != utils::IteratorType::reduction)
    return false;
  MLIRContext *ctx = op.getContext();
  auto map = [&](ArrayRef<unsigned> dims) {
    SmallVector<AffineExpr> exprs;
    for (unsigned d : dims)
      exprs.push_back(getAffineDimExpr(d, ctx));
    return AffineMap::get(4, 0, exprs, ctx);
  };
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  Value x = op.getDpsInputs()[0], w = op.getDpsInputs()[1], y = op.getDpsInits()[0];
  return maps[0] == map({0, 3}) && maps[1] == map({1, 3, 2}) && maps[2] == map({0, 1, 2}) &&
         cast<MemRefType>(x.getType()).getRank() == 2 && hasUnitInnerStride(w, 3) &&
         hasUnitInnerStride(y, 3) && cast<MemRefType>(w.getType()).getDimSize(2) == width;
}

/// The (m, n, k) forms: a dot product against [N, K] rows, or an outer
/// product against a [K, N] matrix.
std::optional<ContractionForm> match2DContraction(linalg::GenericOp op) {
  if (op.getNumLoops() != 3)
    return std::nullopt;
  auto iterators = op.getIteratorTypesArray();
  if (iterators[0] != utils::IteratorType::parallel ||
      iterators[1] != utils::IteratorType::parallel ||
      iterators[2] != utils::IteratorType::reduction)
    return std::nullopt;
  for (OpOperand &operand : op->getOpOperands())
    if (cast<MemRefType>(operand.get().getType()).getRank() != 2)
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
  if (maps[1] == map(n, k) && hasUnitInnerStride(lhs, 2) && hasUnitInnerStride(rhs, 2) &&
      hasUnitInnerStride(out, 2))
    return ContractionForm::DotProduct;
  if (maps[1] == map(k, n) && hasUnitInnerStride(rhs, 2) && hasUnitInnerStride(out, 2))
    return ContractionForm::OuterProduct;
  return std::nullopt;
}

} // namespace

tern::WeightFormatAttrInterface getWeightFormat(linalg::GenericOp op) {
  return op->getAttrOfType<tern::WeightFormatAttrInterface>(tern::kWeightFormatAttrName);
}

FailureOr<std::optional<ContractionForm>> matchContraction(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
    return std::optional<ContractionForm>();
  tern::WeightFormatAttrInterface format = getWeightFormat(op);
  // f32 everywhere, except that panels may hold f16 or bf16 weights.
  for (OpOperand &operand : op->getOpOperands())
    if (!isF32Buffer(operand.get()) &&
        !(isa_and_nonnull<tern::PanelsAttr>(format) && operand.getOperandNumber() == 1 &&
          isHalfBuffer(operand.get())))
      return std::optional<ContractionForm>();
  if (!isMultiplyAdd(op))
    return std::optional<ContractionForm>();
  if (!format)
    return match2DContraction(op);
  if (auto panels = dyn_cast<tern::PanelsAttr>(format)) {
    if (op.getNumLoops() == 4 && isPanelContraction(op, panels.getWidth()))
      return std::optional(ContractionForm::Panel);
  } else if (isa<tern::RowsAttr>(format)) {
    if (match2DContraction(op) == ContractionForm::DotProduct)
      return std::optional(ContractionForm::DotProduct);
  } else {
    op.emitError() << "tern-contraction-kernels: the CPU has no kernel for weights in "
                   << format;
    return failure();
  }
  op.emitError() << "tern-contraction-kernels: a contraction whose weights are " << format
                 << " does not have the structure convert-tern-to-linalg gives that format";
  return failure();
}

} // namespace ternion::kernels
