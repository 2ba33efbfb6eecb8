//===- Broadcast.cpp - numpy broadcasting as linalg indexing maps ---------===//
#include "Broadcast.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace ternion {

AffineMap getBroadcastMap(MLIRContext *ctx, RankedTensorType operandType,
                          ArrayRef<int64_t> resultShape, unsigned numLoops,
                          unsigned loopOffset) {
  int64_t rank = operandType.getRank();
  int64_t resultRank = resultShape.size();
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t resultDim = d + resultRank - rank;
    if (operandType.getDimSize(d) == 1 && resultShape[resultDim] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(loopOffset + resultDim, ctx));
  }
  return AffineMap::get(numLoops, 0, exprs, ctx);
}

Value createEmptyLike(OpBuilder &b, Location loc, RankedTensorType resultType,
                      ValueRange operands) {
  int64_t resultRank = resultType.getRank();
  SmallVector<Value> dynamicSizes;
  for (int64_t d = 0; d < resultRank; ++d) {
    if (!resultType.isDynamicDim(d))
      continue;
    Value size;
    for (Value operand : operands) {
      auto t = dyn_cast<RankedTensorType>(operand.getType());
      int64_t od = t ? d - (resultRank - t.getRank()) : -1;
      if (!t || od < 0 || t.getDimSize(od) == 1)
        continue;
      size = tensor::DimOp::create(b, loc, operand, od);
      break;
    }
    if (!size)
      return {};
    dynamicSizes.push_back(size);
  }
  return tensor::EmptyOp::create(b, loc, resultType.getShape(), resultType.getElementType(),
                                 dynamicSizes);
}

} // namespace ternion
