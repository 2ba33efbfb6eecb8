//===- TernVerifiers.cpp - checks beyond shape inference ------------------===//
#include "dialects/tern/TernOps.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace ternion::tern;

static bool isScalarLike(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return !t || (t.hasStaticShape() && t.getNumElements() == 1);
}

LogicalResult WhereOp::verify() {
  if (getElementTypeOrSelf(getOutput()) != getElementTypeOrSelf(getX()))
    return emitOpError("result element type differs from x");
  return success();
}

LogicalResult ClipOp::verify() {
  Type element = getElementTypeOrSelf(getInput());
  for (Value bound : {getMin(), getMax()}) {
    if (!bound)
      continue;
    if (!isScalarLike(bound))
      return emitOpError("min and max must be scalars");
    if (cast<ShapedType>(bound.getType()).getElementType() != element)
      return emitOpError("min and max must have the input's element type");
  }
  return success();
}

LogicalResult LayerNormOp::verify() {
  auto input = dyn_cast<RankedTensorType>(getInput().getType());
  if (!input)
    return success();
  int64_t axis = static_cast<int64_t>(getAxis());
  if (axis < 0)
    axis += input.getRank();
  if (axis < 0 || axis >= input.getRank())
    return emitOpError("axis ") << static_cast<int64_t>(getAxis()) << " is out of range for rank "
                                << input.getRank();
  ArrayRef<int64_t> normalized = input.getShape().drop_front(axis);
  for (Value param : {getScale(), getBias()}) {
    if (!param)
      continue;
    auto t = dyn_cast<RankedTensorType>(param.getType());
    if (!t)
      continue;
    // Scale and bias broadcast to the normalized dims.
    if (t.getRank() > int64_t(normalized.size()))
      return emitOpError("scale/bias of rank ") << t.getRank()
             << " exceeds the " << normalized.size() << " normalized dims";
    ArrayRef<int64_t> tail = normalized.take_back(t.getRank());
    for (auto [p, d] : llvm::zip(t.getShape(), tail))
      if (!ShapedType::isDynamic(p) && !ShapedType::isDynamic(d) && p != 1 && p != d)
        return emitOpError("scale/bias dim ") << p << " does not match normalized dim " << d;
  }
  return success();
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  return success();
}

LogicalResult SplitOp::verify() {
  if (auto n = getNumOutputs(); n && int64_t(*n) != int64_t(getNumResults()))
    return emitOpError("num_outputs is ") << *n << " but the op has "
                                          << getNumResults() << " results";
  if (auto split = getSplit(); split && split->size() != getNumResults())
    return emitOpError("split has ") << split->size() << " sizes but the op has "
                                     << getNumResults() << " results";
  return success();
}

LogicalResult ConstantOfShapeOp::verify() {
  if (getValue().getNumElements() != 1)
    return emitOpError("value must have exactly one element, has ")
           << getValue().getNumElements();
  return success();
}

LogicalResult AttentionOp::verify() {
  SparseAttentionAttr sparsity = getSparsityAttr();
  if (!sparsity)
    return success();
  if (!getCausal() && !getMask())
    return emitOpError("sparsity needs causal attention (causal = true, or a mask that holds "
                       "causality, as exported decoders build it): the sparse patterns are "
                       "causal");
  auto query = dyn_cast<RankedTensorType>(getQuery().getType());
  if (!query || query.getRank() != 4)
    return success(); // shape inference reports it
  int64_t heads = query.getDimSize(1);
  int64_t patterns = static_cast<int64_t>(sparsity.getHeads().size());
  if (!ShapedType::isDynamic(heads) && heads != patterns)
    return emitOpError("sparsity has ") << patterns << " head patterns for " << heads
                                        << " query heads";
  return success();
}
