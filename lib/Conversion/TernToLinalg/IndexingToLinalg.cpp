//===- IndexingToLinalg.cpp - Concat, Split, Slice, Gather ----------------===//
//
// Concat and Split are slices at offsets known from the operands' dims, so
// they become insert_slice/extract_slice, which bufferize to copies into or
// views of one buffer. Slice bounds are often run-time values in KV-cache
// graphs, so ONNX's normalization (negative indices count from the end,
// clamping, negative steps) is emitted as index arithmetic that folds when
// the bounds are constant; a slice with a step that is not a known positive
// constant reads its elements with tensor.extract instead, because
// extract_slice strides must be positive. Gather reads the data tensor with
// tensor.extract at the gathered index inside a linalg.generic over the
// result.
//
//===----------------------------------------------------------------------===//
#include "ternion/Conversion/ShapeUtils.h"
#include "ternion/Conversion/Passes.h"

#include "dialects/tern/ConstantValues.h"
#include "dialects/tern/TernOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace ternion::tern;
using arith::CmpIPredicate;

namespace ternion {
namespace {

struct ConcatPattern : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = rankedOrReport(op.getResult(), "the result", op, rewriter);
    if (!resultType)
      return failure();
    for (Value input : adaptor.getInputs())
      if (!rankedOrReport(input, "an input", op, rewriter))
        return failure();
    int64_t rank = resultType.getRank();
    std::optional<int64_t> axis = normalizeAxis(int64_t(op.getAxis()), rank);
    if (!axis)
      return unsupported(op, rewriter, "axis out of range");
    Location loc = op.getLoc();
    ValueRange inputs = adaptor.getInputs();
    // Non-axis dims come from the first input (they agree by definition);
    // the axis dim is the sum over the inputs.
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < rank; ++d)
      sizes.push_back(dimValue(rewriter, loc, inputs.front(), d));
    Value total = indexConstant(rewriter, loc, 0);
    for (Value input : inputs)
      total = addIndex(rewriter, loc, total, dimValue(rewriter, loc, input, *axis));
    sizes[*axis] = total;
    Value result = emptyWithSizes(rewriter, loc, resultType, sizes);
    Value offset = indexConstant(rewriter, loc, 0);
    SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
    for (Value input : inputs) {
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      offsets[*axis] = offsetOr(offset, resultType.getDimSize(*axis));
      result = tensor::InsertSliceOp::create(rewriter, loc, input, result, offsets,
                                             tensor::getMixedSizes(rewriter, loc, input), strides);
      offset = addIndex(rewriter, loc, offset, dimValue(rewriter, loc, input, *axis));
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct SplitPattern : OpConversionPattern<SplitOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(SplitOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    RankedTensorType inputType = rankedOrReport(adaptor.getInput(), "the input", op, rewriter);
    if (!inputType)
      return failure();
    SmallVector<RankedTensorType> resultTypes;
    for (Value result : op.getResults()) {
      resultTypes.push_back(rankedOrReport(result, "a result", op, rewriter));
      if (!resultTypes.back())
        return failure();
    }
    int64_t rank = inputType.getRank();
    std::optional<int64_t> axis = normalizeAxis(int64_t(op.getAxis()), rank);
    if (!axis)
      return unsupported(op, rewriter, "axis out of range");
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    int64_t n = op.getNumResults();
    // Piece k starts at offsets[k] and has sizes[k] along the axis.
    SmallVector<Value> offsets, sizes;
    if (std::optional<ArrayRef<int64_t>> split = op.getSplit()) {
      int64_t offset = 0;
      for (int64_t s : *split) {
        offsets.push_back(indexConstant(rewriter, loc, offset));
        sizes.push_back(indexConstant(rewriter, loc, s));
        offset += s;
      }
    } else {
      // Equal pieces of ceil(dim / n); the last ones are smaller or empty.
      Value dim = dimValue(rewriter, loc, input, *axis);
      Value zero = indexConstant(rewriter, loc, 0);
      Value chunk = arith::CeilDivSIOp::create(rewriter, loc, dim, indexConstant(rewriter, loc, n));
      for (int64_t k = 0; k < n; ++k) {
        Value start = minIndex(
            rewriter, loc, mulIndex(rewriter, loc, chunk, indexConstant(rewriter, loc, k)), dim);
        offsets.push_back(start);
        sizes.push_back(
            maxIndex(rewriter, loc, zero,
                     minIndex(rewriter, loc, chunk, subIndex(rewriter, loc, dim, start))));
      }
    }
    SmallVector<Value> results;
    SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
    for (auto [k, type] : llvm::enumerate(resultTypes)) {
      SmallVector<OpFoldResult> sliceOffsets(rank, rewriter.getIndexAttr(0)), sliceSizes;
      sliceOffsets[*axis] = offsetOr(offsets[k], inputType.getDimSize(*axis));
      for (int64_t d = 0; d < rank; ++d) {
        Value size = d == *axis ? sizes[k] : dimValue(rewriter, loc, input, d);
        sliceSizes.push_back(sizeOr(rewriter, type.getDimSize(d), size));
      }
      results.push_back(tensor::ExtractSliceOp::create(rewriter, loc, type, input, sliceOffsets,
                                                       sliceSizes, strides));
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

struct SlicePattern : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    RankedTensorType inputType = rankedOrReport(adaptor.getInput(), "the input", op, rewriter);
    if (!inputType)
      return failure();
    RankedTensorType resultType = rankedOrReport(op.getResult(), "the result", op, rewriter);
    if (!resultType)
      return failure();
    auto startsType = cast<RankedTensorType>(adaptor.getStarts().getType());
    if (startsType.getRank() != 1 || startsType.isDynamicDim(0))
      return unsupported(op, rewriter, "starts of unknown length");
    int64_t count = startsType.getDimSize(0), rank = inputType.getRank();
    // Constant axes select the sliced dims statically; run-time axes (as in
    // ONNX's own tests) are compared with every dim at run time.
    std::optional<SmallVector<int64_t>> axes;
    if (Value axesValue = adaptor.getAxes()) {
      if ((axes = getConstantIntValues(axesValue))) {
        for (int64_t &a : *axes) {
          std::optional<int64_t> axis = normalizeAxis(a, rank);
          if (!axis)
            return unsupported(op, rewriter, "axis out of range");
          a = *axis;
        }
      }
    } else {
      axes = llvm::to_vector(llvm::seq<int64_t>(0, count));
    }
    if ((axes && int64_t(axes->size()) != count) || count > rank)
      return unsupported(op, rewriter, "starts, ends and axes differ in length");
    std::optional<SmallVector<int64_t>> constSteps;
    if (Value steps = adaptor.getSteps())
      constSteps = getConstantIntValues(steps);
    else
      constSteps = SmallVector<int64_t>(count, 1);
    if (constSteps && llvm::is_contained(*constSteps, 0))
      return unsupported(op, rewriter, "a step of 0");

    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto c = [&](int64_t v) { return indexConstant(rewriter, loc, v); };
    auto lt = [&](Value x, Value y) { return cmpIndex(rewriter, loc, CmpIPredicate::slt, x, y); };
    // Per input dim: first index, step and length; unsliced dims are whole.
    SmallVector<Value> starts, steps, sizes, dims;
    for (int64_t d = 0; d < rank; ++d) {
      starts.push_back(c(0));
      steps.push_back(c(1));
      dims.push_back(dimValue(rewriter, loc, input, d));
      sizes.push_back(dims.back());
    }
    for (int64_t k = 0; k < count; ++k) {
      Value step = constSteps ? c((*constSteps)[k])
                              : extractElement(rewriter, loc, adaptor.getSteps(), k, true);
      Value rawStart = extractElement(rewriter, loc, adaptor.getStarts(), k, true);
      Value rawEnd = extractElement(rewriter, loc, adaptor.getEnds(), k, true);
      Value runtimeAxis;
      if (!axes) {
        runtimeAxis = extractElement(rewriter, loc, adaptor.getAxes(), k, true);
        runtimeAxis = selectIndex(rewriter, loc, lt(runtimeAxis, c(0)),
                                  addIndex(rewriter, loc, runtimeAxis, c(rank)), runtimeAxis);
      }
      for (int64_t axis = 0; axis < rank; ++axis) {
        if (axes && (*axes)[k] != axis)
          continue;
        Value dim = dims[axis];
        // Negative bounds count from the end.
        auto normalized = [&](Value v) {
          return selectIndex(rewriter, loc, lt(v, c(0)), addIndex(rewriter, loc, v, dim), v);
        };
        Value start = normalized(rawStart), end = normalized(rawEnd);
        // step > 0: start and end clamp to [0, dim], length ceil((end-start)/step).
        Value fwdStart = clampIndex(rewriter, loc, start, c(0), dim);
        Value fwdEnd = clampIndex(rewriter, loc, end, c(0), dim);
        Value fwdLen = arith::CeilDivSIOp::create(rewriter, loc,
                                                  subIndex(rewriter, loc, fwdEnd, fwdStart), step);
        // step < 0: start clamps to [0, dim-1], end to [-1, dim-1].
        Value last = subIndex(rewriter, loc, dim, c(1));
        Value bwdStart = clampIndex(rewriter, loc, start, c(0), last);
        Value bwdEnd = clampIndex(rewriter, loc, end, c(-1), last);
        Value bwdLen =
            arith::CeilDivSIOp::create(rewriter, loc, subIndex(rewriter, loc, bwdStart, bwdEnd),
                                       subIndex(rewriter, loc, c(0), step));
        Value forward = lt(c(0), step);
        Value first = selectIndex(rewriter, loc, forward, fwdStart, bwdStart);
        Value length =
            maxIndex(rewriter, loc, c(0), selectIndex(rewriter, loc, forward, fwdLen, bwdLen));
        Value axisStep = step;
        if (runtimeAxis) {
          // Dims that entry k does not slice keep what they had.
          Value here = cmpIndex(rewriter, loc, CmpIPredicate::eq, runtimeAxis, c(axis));
          first = selectIndex(rewriter, loc, here, first, starts[axis]);
          length = selectIndex(rewriter, loc, here, length, sizes[axis]);
          axisStep = selectIndex(rewriter, loc, here, step, steps[axis]);
        }
        starts[axis] = first;
        sizes[axis] = length;
        steps[axis] = axisStep;
      }
    }

    Value result;
    if (constSteps && llvm::all_of(*constSteps, [](int64_t s) { return s > 0; })) {
      SmallVector<OpFoldResult> offsets, sliceSizes, strides;
      for (int64_t d = 0; d < rank; ++d) {
        offsets.push_back(getAsOpFoldResult(starts[d]));
        sliceSizes.push_back(sizeOr(rewriter, resultType.getDimSize(d), sizes[d]));
        strides.push_back(getAsOpFoldResult(steps[d]));
      }
      result = tensor::ExtractSliceOp::create(rewriter, loc, resultType, input, offsets, sliceSizes,
                                              strides);
    } else {
      // Element i of a dim is input[start + i * step], for either sign.
      Value init = emptyWithSizes(rewriter, loc, resultType, sizes);
      result =
          linalg::GenericOp::create(
              rewriter, loc, resultType, ValueRange{}, ValueRange{init},
              SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, op.getContext())},
              SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
              [&](OpBuilder &b, Location l, ValueRange) {
                SmallVector<Value> indices;
                for (int64_t d = 0; d < rank; ++d)
                  indices.push_back(addIndex(
                      b, l, starts[d], mulIndex(b, l, linalg::IndexOp::create(b, l, d), steps[d])));
                linalg::YieldOp::create(
                    b, l, tensor::ExtractOp::create(b, l, input, indices).getResult());
              })
              .getResult(0);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// An index read from an index tensor, negative values counted from the end
/// of a dim of size `dim`.
Value wrappedIndex(OpBuilder &b, Location loc, Value raw, Value dim) {
  Value idx = toIndex(b, loc, raw);
  Value negative = cmpIndex(b, loc, CmpIPredicate::slt, idx, indexConstant(b, loc, 0));
  return selectIndex(b, loc, negative, addIndex(b, loc, idx, dim), idx);
}

struct GatherPattern : OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    RankedTensorType dataType = rankedOrReport(adaptor.getInput(), "the data", op, rewriter);
    if (!dataType)
      return failure();
    RankedTensorType indicesType =
        rankedOrReport(adaptor.getIndices(), "the indices", op, rewriter);
    if (!indicesType)
      return failure();
    RankedTensorType resultType = rankedOrReport(op.getResult(), "the result", op, rewriter);
    if (!resultType)
      return failure();
    std::optional<int64_t> axis = normalizeAxis(int64_t(op.getAxis()), dataType.getRank());
    if (!axis)
      return unsupported(op, rewriter, "axis out of range");
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Value data = adaptor.getInput(), indices = adaptor.getIndices();
    int64_t q = indicesType.getRank(), rank = resultType.getRank();
    // Result dims: data[:axis], indices, data[axis+1:].
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < *axis; ++d)
      sizes.push_back(dimValue(rewriter, loc, data, d));
    for (int64_t d = 0; d < q; ++d)
      sizes.push_back(dimValue(rewriter, loc, indices, d));
    for (int64_t d = *axis + 1; d < dataType.getRank(); ++d)
      sizes.push_back(dimValue(rewriter, loc, data, d));
    Value init = emptyWithSizes(rewriter, loc, resultType, sizes);
    SmallVector<AffineExpr> indexExprs;
    for (int64_t d = 0; d < q; ++d)
      indexExprs.push_back(getAffineDimExpr(*axis + d, ctx));
    SmallVector<AffineMap> maps{AffineMap::get(rank, 0, indexExprs, ctx),
                                AffineMap::getMultiDimIdentityMap(rank, ctx)};
    Value axisDim = dimValue(rewriter, loc, data, *axis);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultType, ValueRange{indices}, ValueRange{init}, maps,
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value idx = wrappedIndex(b, l, args[0], axisDim);
          SmallVector<Value> dataIndices;
          for (int64_t d = 0; d < *axis; ++d)
            dataIndices.push_back(linalg::IndexOp::create(b, l, d));
          dataIndices.push_back(idx);
          for (int64_t d = *axis + q; d < rank; ++d)
            dataIndices.push_back(linalg::IndexOp::create(b, l, d));
          linalg::YieldOp::create(b, l,
                                  tensor::ExtractOp::create(b, l, data, dataIndices).getResult());
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

struct GatherElementsPattern : OpConversionPattern<GatherElementsOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(GatherElementsOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    RankedTensorType dataType = rankedOrReport(adaptor.getInput(), "the data", op, rewriter);
    RankedTensorType resultType = rankedOrReport(op.getResult(), "the result", op, rewriter);
    if (!dataType || !resultType ||
        !rankedOrReport(adaptor.getIndices(), "the indices", op, rewriter))
      return failure();
    std::optional<int64_t> axis = normalizeAxis(int64_t(op.getAxis()), dataType.getRank());
    if (!axis)
      return unsupported(op, rewriter, "axis out of range");
    Location loc = op.getLoc();
    Value data = adaptor.getInput(), indices = adaptor.getIndices();
    int64_t rank = resultType.getRank();
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < rank; ++d)
      sizes.push_back(dimValue(rewriter, loc, indices, d));
    Value init = emptyWithSizes(rewriter, loc, resultType, sizes);
    Value axisDim = dimValue(rewriter, loc, data, *axis);
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, op.getContext());
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultType, ValueRange{indices}, ValueRange{init}, {id, id},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) {
          SmallVector<Value> at;
          for (int64_t d = 0; d < rank; ++d)
            at.push_back(d == *axis ? wrappedIndex(b, l, args[0], axisDim)
                                    : Value(linalg::IndexOp::create(b, l, d)));
          linalg::YieldOp::create(b, l, tensor::ExtractOp::create(b, l, data, at).getResult());
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

struct GatherNDPattern : OpConversionPattern<GatherNDOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(GatherNDOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    RankedTensorType dataType = rankedOrReport(adaptor.getInput(), "the data", op, rewriter);
    RankedTensorType indicesType =
        rankedOrReport(adaptor.getIndices(), "the indices", op, rewriter);
    RankedTensorType resultType = rankedOrReport(op.getResult(), "the result", op, rewriter);
    if (!dataType || !indicesType || !resultType)
      return failure();
    Location loc = op.getLoc();
    Value data = adaptor.getInput(), indices = adaptor.getIndices();
    int64_t r = dataType.getRank(), q = indicesType.getRank(), b = op.getBatchDims();
    int64_t m = indicesType.getDimSize(q - 1), rank = resultType.getRank();
    // Result dims: indices[:-1], then data[b + m:].
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < q - 1; ++d)
      sizes.push_back(dimValue(rewriter, loc, indices, d));
    for (int64_t d = b + m; d < r; ++d)
      sizes.push_back(dimValue(rewriter, loc, data, d));
    Value init = emptyWithSizes(rewriter, loc, resultType, sizes);
    SmallVector<Value> tupleDims;
    for (int64_t k = 0; k < m; ++k)
      tupleDims.push_back(dimValue(rewriter, loc, data, b + k));
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultType, ValueRange{}, ValueRange{init},
        {AffineMap::getMultiDimIdentityMap(rank, op.getContext())},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &bb, Location l, ValueRange) {
          SmallVector<Value> tuple, at;
          for (int64_t d = 0; d < q - 1; ++d)
            tuple.push_back(linalg::IndexOp::create(bb, l, d));
          for (int64_t d = 0; d < b; ++d)
            at.push_back(tuple[d]);
          for (int64_t k = 0; k < m; ++k) {
            SmallVector<Value> position(tuple);
            position.push_back(indexConstant(bb, l, k));
            Value raw = tensor::ExtractOp::create(bb, l, indices, position);
            at.push_back(wrappedIndex(bb, l, raw, tupleDims[k]));
          }
          for (int64_t d = q - 1; d < rank; ++d)
            at.push_back(linalg::IndexOp::create(bb, l, d));
          linalg::YieldOp::create(bb, l, tensor::ExtractOp::create(bb, l, data, at).getResult());
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

} // namespace

void populateIndexingToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ConcatPattern, SplitPattern, SlicePattern, GatherPattern, GatherElementsPattern,
               GatherNDPattern>(patterns.getContext());
}

} // namespace ternion
