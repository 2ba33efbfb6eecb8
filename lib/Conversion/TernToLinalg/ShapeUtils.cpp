//===- ShapeUtils.cpp - index arithmetic for shape-moving lowerings -------===//
#include "ternion/Conversion/ShapeUtils.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace ternion {

LogicalResult unsupported(Operation *op, ConversionPatternRewriter &rewriter, const Twine &reason) {
  op->emitOpError("not supported by the CPU lowering: ") << reason;
  return rewriter.notifyMatchFailure(op, reason);
}

RankedTensorType rankedOrReport(Value v, StringRef what, Operation *op,
                                ConversionPatternRewriter &rewriter) {
  if (auto t = dyn_cast<RankedTensorType>(v.getType()))
    return t;
  (void)unsupported(op, rewriter, Twine(what) + " has unknown rank");
  return {};
}

Value indexConstant(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value toIndex(OpBuilder &b, Location loc, Value v) {
  if (v.getType().isIndex())
    return v;
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
}

Value fromIndex(OpBuilder &b, Location loc, Value v, Type type) {
  if (type.isIndex())
    return v;
  return arith::IndexCastOp::create(b, loc, type, v);
}

Value extractElement(OpBuilder &b, Location loc, Value tensor, int64_t i, bool asIndex) {
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<Value> indices;
  for (int64_t d = 0; d < type.getRank(); ++d)
    indices.push_back(indexConstant(b, loc, d == type.getRank() - 1 ? i : 0));
  Value v = tensor::ExtractOp::create(b, loc, tensor, indices);
  return asIndex ? toIndex(b, loc, v) : v;
}

Value dimValue(OpBuilder &b, Location loc, Value v, int64_t d) {
  auto type = cast<RankedTensorType>(v.getType());
  if (!type.isDynamicDim(d))
    return indexConstant(b, loc, type.getDimSize(d));
  return tensor::DimOp::create(b, loc, v, d);
}

OpFoldResult sizeOr(OpBuilder &b, int64_t staticSize, Value v) {
  if (!ShapedType::isDynamic(staticSize))
    return b.getIndexAttr(staticSize);
  return v;
}

OpFoldResult offsetOr(Value offset, int64_t dimSize) {
  std::optional<int64_t> c = getConstantIntValue(offset);
  if (c && (ShapedType::isDynamic(dimSize) || *c < dimSize))
    return getAsOpFoldResult(offset);
  return offset;
}

Value emptyWithSizes(OpBuilder &b, Location loc, RankedTensorType type, ArrayRef<Value> sizes) {
  SmallVector<Value> dynamicSizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      dynamicSizes.push_back(sizes[d]);
  return tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType(), dynamicSizes);
}

Value zeroOf(OpBuilder &b, Location loc, Type type) {
  return arith::ConstantOp::create(b, loc, type, b.getZeroAttr(type));
}

Value addIndex(OpBuilder &b, Location loc, Value x, Value y) {
  return arith::AddIOp::create(b, loc, x, y);
}
Value subIndex(OpBuilder &b, Location loc, Value x, Value y) {
  return arith::SubIOp::create(b, loc, x, y);
}
Value mulIndex(OpBuilder &b, Location loc, Value x, Value y) {
  return arith::MulIOp::create(b, loc, x, y);
}
Value minIndex(OpBuilder &b, Location loc, Value x, Value y) {
  return arith::MinSIOp::create(b, loc, x, y);
}
Value maxIndex(OpBuilder &b, Location loc, Value x, Value y) {
  return arith::MaxSIOp::create(b, loc, x, y);
}
Value clampIndex(OpBuilder &b, Location loc, Value v, Value lo, Value hi) {
  return minIndex(b, loc, maxIndex(b, loc, v, lo), hi);
}
Value selectIndex(OpBuilder &b, Location loc, Value c, Value x, Value y) {
  return arith::SelectOp::create(b, loc, c, x, y);
}
Value cmpIndex(OpBuilder &b, Location loc, arith::CmpIPredicate p, Value x, Value y) {
  return arith::CmpIOp::create(b, loc, p, x, y);
}

} // namespace ternion
