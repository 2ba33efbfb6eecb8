//===- LayoutToLinalg.cpp - Transpose, Reshape and friends, Expand --------===//
//
// Reshape-like ops (Reshape, Flatten, Squeeze, Unsqueeze) become
// tensor.collapse_shape / tensor.expand_shape whenever the dims provably
// group into runs of equal element counts: those bufferize to views, not
// copies. Proving it needs more than the static types (a `?x?` -> `?x?`
// reshape may well be 2x6 -> 3x4), so dims are compared as products of the
// input's dynamic dims, and run-time shape operands are traced back to
// Shape(input) where torch exports build them that way. Anything else
// becomes tensor.reshape with the target computed at run time (ONNX's 0 and
// -1 resolved), which is always right but copies.
//
// Expand is a linalg.generic with broadcast indexing maps; a dynamic input
// dim that may be 1 at run time cannot be expressed by a map, so such inputs
// are read with tensor.extract at an index selected at run time instead.
//
//===----------------------------------------------------------------------===//
#include "ternion/Conversion/ShapeUtils.h"
#include "ternion/Conversion/Passes.h"

#include "dialects/tern/ConstantValues.h"
#include "dialects/tern/SymbolicDims.h"
#include "dialects/tern/TernOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <algorithm>

using namespace mlir;
using namespace ternion::tern;
using arith::CmpIPredicate;

namespace ternion {
namespace {

//===----------------------------------------------------------------------===//
// Symbolic dim sizes
//===----------------------------------------------------------------------===//

/// A dim size as coeff * s_a * s_b * ..., where s_i is the run-time size of
/// the dynamic input dim i. Two groups of dims with equal monomials have the
/// same element count for every run-time size, which is what makes a
/// collapse/expand reassociation correct.
struct Monomial {
  int64_t coeff = 1;
  SmallVector<int64_t> syms; // sorted, with repetition

  static Monomial symbol(int64_t dim) { return {1, {dim}}; }

  Monomial operator*(const Monomial &o) const {
    Monomial r{coeff * o.coeff, syms};
    llvm::append_range(r.syms, o.syms);
    llvm::sort(r.syms);
    return r;
  }
  bool operator==(const Monomial &o) const { return coeff == o.coeff && syms == o.syms; }
  bool operator!=(const Monomial &o) const { return !(*this == o); }
  bool isOne() const { return coeff == 1 && syms.empty(); }
  bool divides(const Monomial &o) const {
    return coeff != 0 && o.coeff % coeff == 0 &&
           std::includes(o.syms.begin(), o.syms.end(), syms.begin(), syms.end());
  }
  /// o / this, when it divides.
  std::optional<Monomial> quotientOf(const Monomial &o) const {
    if (!divides(o))
      return std::nullopt;
    Monomial r{o.coeff / coeff, {}};
    std::set_difference(o.syms.begin(), o.syms.end(), syms.begin(), syms.end(),
                        std::back_inserter(r.syms));
    return r;
  }
  int64_t staticSize() const { return syms.empty() ? coeff : ShapedType::kDynamic; }
};

SmallVector<Monomial> monomialsOf(RankedTensorType t) {
  SmallVector<Monomial> monos;
  for (int64_t d = 0; d < t.getRank(); ++d)
    monos.push_back(t.isDynamicDim(d) ? Monomial::symbol(d) : Monomial{t.getDimSize(d), {}});
  return monos;
}

Monomial product(ArrayRef<Monomial> monos) {
  Monomial p;
  for (const Monomial &m : monos)
    p = p * m;
  return p;
}

RankedTensorType typeOf(ArrayRef<Monomial> monos, Type element) {
  SmallVector<int64_t> shape;
  for (const Monomial &m : monos)
    shape.push_back(m.staticSize());
  return RankedTensorType::get(shape, element);
}

struct ReshapeGroup {
  ReassociationIndices in, out;
};

/// Groups input and result dims into consecutive runs with equal products;
/// nullopt when some run cannot be proven equal. A static 0 anywhere makes
/// every split "equal", so such shapes are left to tensor.reshape.
std::optional<SmallVector<ReshapeGroup>> groupDims(ArrayRef<Monomial> in, ArrayRef<Monomial> out) {
  for (const Monomial &m : llvm::concat<const Monomial>(in, out))
    if (m.coeff == 0)
      return std::nullopt;
  SmallVector<ReshapeGroup> groups;
  size_t i = 0, j = 0;
  while (i < in.size() && j < out.size()) {
    ReshapeGroup g{{int64_t(i)}, {int64_t(j)}};
    Monomial pin = in[i++], pout = out[j++];
    // Grow the side whose product divides the other's until they meet (a
    // leading 1 divides everything, so unit dims join the following group);
    // with the same symbols on both sides, grow the smaller one (2x3 -> 3x2
    // is one group).
    while (pin != pout) {
      bool sameSyms = pin.syms == pout.syms;
      if ((pin.divides(pout) || (sameSyms && pin.coeff < pout.coeff)) && i < in.size()) {
        pin = pin * in[i];
        g.in.push_back(i++);
      } else if ((pout.divides(pin) || (sameSyms && pout.coeff < pin.coeff)) && j < out.size()) {
        pout = pout * out[j];
        g.out.push_back(j++);
      } else {
        return std::nullopt;
      }
    }
    groups.push_back(std::move(g));
  }
  // Trailing unit dims join the last group (a rank-0 side has no group).
  for (; i < in.size(); ++i) {
    if (!in[i].isOne())
      return std::nullopt;
    if (!groups.empty())
      groups.back().in.push_back(i);
  }
  for (; j < out.size(); ++j) {
    if (!out[j].isOne())
      return std::nullopt;
    if (!groups.empty())
      groups.back().out.push_back(j);
  }
  return groups;
}

/// `input` reshaped (row-major) to `resultType`, whose dims are `out`
/// symbolically and `outSizes` at run time: a collapse and/or expand when
/// the dims group (see groupDims), else tensor.reshape.
Value reshapeTo(OpBuilder &b, Location loc, Value input, ArrayRef<Monomial> out,
                ArrayRef<Value> outSizes, RankedTensorType resultType) {
  auto inputType = cast<RankedTensorType>(input.getType());
  Type element = inputType.getElementType();
  SmallVector<Monomial> in = monomialsOf(inputType);
  if (std::optional<SmallVector<ReshapeGroup>> groups = groupDims(in, out)) {
    bool collapse = llvm::any_of(*groups, [](const ReshapeGroup &g) { return g.in.size() > 1; });
    bool expand = llvm::any_of(*groups, [](const ReshapeGroup &g) { return g.out.size() > 1; });
    // A rank-0 side has no groups: reshaping to or from a scalar.
    if (in.empty() || out.empty()) {
      collapse = !in.empty();
      expand = !out.empty();
    }
    Value v = input;
    if (collapse) {
      SmallVector<ReassociationIndices> reassociation;
      for (const ReshapeGroup &g : *groups)
        reassociation.push_back(g.in);
      v = tensor::CollapseShapeOp::create(b, loc, v, reassociation);
    }
    if (expand) {
      SmallVector<ReassociationIndices> reassociation;
      for (const ReshapeGroup &g : *groups)
        reassociation.push_back(g.out);
      RankedTensorType natural = typeOf(out, element);
      SmallVector<OpFoldResult> outputShape;
      for (auto [i, m] : llvm::enumerate(out))
        outputShape.push_back(sizeOr(b, m.staticSize(), outSizes[i]));
      v = tensor::ExpandShapeOp::create(b, loc, natural, v, reassociation, outputShape);
    }
    return castTo(b, loc, v, resultType);
  }
  auto shapeType = RankedTensorType::get({int64_t(outSizes.size())}, b.getIndexType());
  Value shape = tensor::FromElementsOp::create(b, loc, shapeType, outSizes);
  return tensor::ReshapeOp::create(b, loc, resultType, input, shape);
}

/// The product of `sizes` (index values).
Value productOf(OpBuilder &b, Location loc, ArrayRef<Value> sizes) {
  Value p = indexConstant(b, loc, 1);
  for (Value s : sizes)
    p = mulIndex(b, loc, p, s);
  return p;
}

SmallVector<Value> dimValues(OpBuilder &b, Location loc, Value v) {
  SmallVector<Value> dims;
  for (int64_t d = 0; d < cast<RankedTensorType>(v.getType()).getRank(); ++d)
    dims.push_back(dimValue(b, loc, v, d));
  return dims;
}

//===----------------------------------------------------------------------===//
// Transpose
//===----------------------------------------------------------------------===//

struct TransposePattern : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    RankedTensorType inputType = rankedOrReport(adaptor.getInput(), "the input", op, rewriter);
    if (!inputType)
      return failure();
    Location loc = op.getLoc();
    ArrayRef<int64_t> perm = op.getPerm();
    SmallVector<int64_t> shape;
    SmallVector<Value> sizes;
    for (int64_t p : perm) {
      shape.push_back(inputType.getDimSize(p));
      sizes.push_back(dimValue(rewriter, loc, adaptor.getInput(), p));
    }
    // The init has the permuted input type: linalg.transpose checks static
    // dims against the input, and a refined result type is cast to after.
    auto initType = RankedTensorType::get(shape, inputType.getElementType());
    Value init = emptyWithSizes(rewriter, loc, initType, sizes);
    Value t =
        linalg::TransposeOp::create(rewriter, loc, adaptor.getInput(), init, perm).getResult()[0];
    rewriter.replaceOp(op, castTo(rewriter, loc, t, op.getType()));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Reshape
//===----------------------------------------------------------------------===//

/// Which dim of `input` element `i` of the 1-D shape tensor `shape` is the
/// size of, when `shape` is built from Shape(input) the way torch exports
/// build reshape targets (Concat of Unsqueeze(Gather(Shape(x), k)) pieces).
std::optional<int64_t> tracedInputDim(Value shape, int64_t i, Value input) {
  std::optional<std::pair<Value, int64_t>> source = getShapeElementSource(shape, i);
  if (!source || source->first != input)
    return std::nullopt;
  return source->second;
}

struct ReshapePattern : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    RankedTensorType inputType = rankedOrReport(adaptor.getInput(), "the input", op, rewriter);
    if (!inputType)
      return failure();
    RankedTensorType resultType =
        rankedOrReport(op.getResult(), "the result (a shape of unknown length)", op, rewriter);
    if (!resultType)
      return failure();
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    int64_t rank = resultType.getRank(), inRank = inputType.getRank();
    bool allowZero = op.getAllowzero();
    auto constants = getConstantIntValues(adaptor.getShape());
    if (constants && int64_t(constants->size()) != rank)
      return unsupported(op, rewriter, "the shape has a different length than the result rank");

    // Run-time target dims: 0 copies the input dim (unless allowzero), -1
    // takes what the others leave of the element count. Constant shapes
    // fold to constants here.
    SmallVector<Value> inDims = dimValues(rewriter, loc, input);
    Value zero = indexConstant(rewriter, loc, 0), one = indexConstant(rewriter, loc, 1);
    Value minusOne = indexConstant(rewriter, loc, -1);
    SmallVector<Value> sizes, inferred;
    Value known = one;
    for (int64_t i = 0; i < rank; ++i) {
      Value v = constants ? indexConstant(rewriter, loc, (*constants)[i])
                          : extractElement(rewriter, loc, adaptor.getShape(), i, true);
      Value isInferred = cmpIndex(rewriter, loc, CmpIPredicate::eq, v, minusOne);
      if (!allowZero && i < inRank)
        v = selectIndex(rewriter, loc, cmpIndex(rewriter, loc, CmpIPredicate::eq, v, zero),
                        inDims[i], v);
      known = mulIndex(rewriter, loc, known, selectIndex(rewriter, loc, isInferred, one, v));
      sizes.push_back(v);
      inferred.push_back(isInferred);
    }
    // max(known, 1) keeps an invalid shape (0 elements known) from dividing
    // by zero at run time.
    Value rest = arith::DivSIOp::create(rewriter, loc, productOf(rewriter, loc, inDims),
                                        maxIndex(rewriter, loc, known, one));
    for (int64_t i = 0; i < rank; ++i)
      sizes[i] = selectIndex(rewriter, loc, inferred[i], rest, sizes[i]);

    // Symbolic target dims, for the reassociation.
    SmallVector<Monomial> in = monomialsOf(inputType);
    SmallVector<std::optional<Monomial>> out;
    for (int64_t i = 0; i < rank; ++i) {
      if (!resultType.isDynamicDim(i)) {
        out.push_back(Monomial{resultType.getDimSize(i), {}});
        continue;
      }
      std::optional<int64_t> copied;
      if (constants) {
        int64_t v = (*constants)[i];
        if (v == 0 && !allowZero && i < inRank)
          copied = i;
      } else {
        // A traced Shape(input)[j] is input dim j unless it is 0 at run
        // time and reinterpreted as "copy dim i": trust it when j == i.
        copied = tracedInputDim(op.getShape(), i, op.getInput());
        if (copied && *copied != i && !allowZero)
          copied.reset();
      }
      out.push_back(copied ? std::optional<Monomial>(in[*copied]) : std::nullopt);
    }
    // One unknown dim is what the others leave of the input.
    SmallVector<Monomial> outMonos;
    if (llvm::count(out, std::nullopt) == 1) {
      Monomial others;
      for (const std::optional<Monomial> &m : out)
        if (m)
          others = others * *m;
      if (std::optional<Monomial> rem = others.quotientOf(product(in)))
        for (std::optional<Monomial> &m : out)
          if (!m)
            m = *rem;
    }
    if (llvm::count(out, std::nullopt) == 0)
      for (const std::optional<Monomial> &m : out)
        outMonos.push_back(*m);
    else
      // Unprovable: fresh symbols beyond the input's never group.
      for (int64_t i = 0; i < rank; ++i)
        outMonos.push_back(out[i] ? *out[i] : Monomial::symbol(inRank + i));

    rewriter.replaceOp(op, reshapeTo(rewriter, loc, input, outMonos, sizes, resultType));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Flatten, Squeeze, Unsqueeze
//===----------------------------------------------------------------------===//

struct FlattenPattern : OpConversionPattern<FlattenOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(FlattenOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    RankedTensorType inputType = rankedOrReport(adaptor.getInput(), "the input", op, rewriter);
    if (!inputType)
      return failure();
    RankedTensorType resultType = rankedOrReport(op.getResult(), "the result", op, rewriter);
    if (!resultType)
      return failure();
    int64_t rank = inputType.getRank(), axis = int64_t(op.getAxis());
    if (axis < 0)
      axis += rank;
    Location loc = op.getLoc();
    SmallVector<Monomial> in = monomialsOf(inputType);
    SmallVector<Value> inDims = dimValues(rewriter, loc, adaptor.getInput());
    ArrayRef<Monomial> inRef(in);
    ArrayRef<Value> dimsRef(inDims);
    SmallVector<Monomial> out{product(inRef.take_front(axis)), product(inRef.drop_front(axis))};
    SmallVector<Value> sizes{productOf(rewriter, loc, dimsRef.take_front(axis)),
                             productOf(rewriter, loc, dimsRef.drop_front(axis))};
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, adaptor.getInput(), out, sizes, resultType));
    return success();
  }
};

struct SqueezePattern : OpConversionPattern<SqueezeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(SqueezeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    RankedTensorType inputType = rankedOrReport(adaptor.getInput(), "the input", op, rewriter);
    if (!inputType)
      return failure();
    RankedTensorType resultType = rankedOrReport(op.getResult(), "the result", op, rewriter);
    if (!resultType)
      return failure();
    int64_t rank = inputType.getRank();
    SmallVector<bool> squeezed(rank, false);
    if (std::optional<ArrayAttr> axes = op.getAxes()) {
      for (Attribute a : *axes) {
        std::optional<int64_t> axis = normalizeAxis(cast<IntegerAttr>(a).getInt(), rank);
        if (!axis)
          return unsupported(op, rewriter, "axis out of range");
        squeezed[*axis] = true;
      }
    } else {
      for (int64_t d = 0; d < rank; ++d)
        squeezed[d] = inputType.getDimSize(d) == 1;
    }
    if (rank - llvm::count(squeezed, true) != resultType.getRank())
      return unsupported(op, rewriter, "squeezing dims of unknown size without axes");
    // Squeezed dims are 1 by definition: say so in the type first, so the
    // collapse groups them with static unit dims.
    Location loc = op.getLoc();
    SmallVector<int64_t> shape(inputType.getShape());
    for (int64_t d = 0; d < rank; ++d)
      if (squeezed[d])
        shape[d] = 1;
    Value input = castTo(rewriter, loc, adaptor.getInput(),
                         RankedTensorType::get(shape, inputType.getElementType()));
    SmallVector<Monomial> in = monomialsOf(cast<RankedTensorType>(input.getType()));
    SmallVector<Monomial> out;
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < rank; ++d) {
      if (squeezed[d])
        continue;
      out.push_back(in[d]);
      sizes.push_back(dimValue(rewriter, loc, input, d));
    }
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, input, out, sizes, resultType));
    return success();
  }
};

struct UnsqueezePattern : OpConversionPattern<UnsqueezeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(UnsqueezeOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    RankedTensorType inputType = rankedOrReport(adaptor.getInput(), "the input", op, rewriter);
    if (!inputType)
      return failure();
    RankedTensorType resultType = rankedOrReport(op.getResult(), "the result", op, rewriter);
    if (!resultType)
      return failure();
    int64_t outRank = inputType.getRank() + op.getAxes().size();
    SmallVector<bool> inserted(outRank, false);
    for (Attribute a : op.getAxes()) {
      std::optional<int64_t> axis = normalizeAxis(cast<IntegerAttr>(a).getInt(), outRank);
      if (!axis)
        return unsupported(op, rewriter, "axis out of range");
      inserted[*axis] = true;
    }
    Location loc = op.getLoc();
    SmallVector<Monomial> in = monomialsOf(inputType);
    SmallVector<Monomial> out;
    SmallVector<Value> sizes;
    int64_t next = 0;
    for (int64_t d = 0; d < outRank; ++d) {
      if (inserted[d]) {
        out.push_back(Monomial{});
        sizes.push_back(indexConstant(rewriter, loc, 1));
      } else {
        out.push_back(in[next]);
        sizes.push_back(dimValue(rewriter, loc, adaptor.getInput(), next++));
      }
    }
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, adaptor.getInput(), out, sizes, resultType));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Expand
//===----------------------------------------------------------------------===//

struct ExpandPattern : OpConversionPattern<ExpandOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(ExpandOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    RankedTensorType inputType = rankedOrReport(adaptor.getInput(), "the input", op, rewriter);
    if (!inputType)
      return failure();
    RankedTensorType resultType =
        rankedOrReport(op.getResult(), "the result (a shape of unknown length)", op, rewriter);
    if (!resultType)
      return failure();
    auto shapeType = cast<RankedTensorType>(adaptor.getShape().getType());
    if (shapeType.isDynamicDim(0))
      return unsupported(op, rewriter, "a shape of unknown length");
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Value input = adaptor.getInput();
    int64_t rank = resultType.getRank(), inRank = inputType.getRank();
    int64_t shapeLen = shapeType.getDimSize(0);
    if (rank != std::max(inRank, shapeLen))
      return unsupported(op, rewriter, "the result rank is not max(input rank, shape length)");
    int64_t inOffset = rank - inRank, shapeOffset = rank - shapeLen;
    auto constants = getConstantIntValues(adaptor.getShape());

    // Result dim i is the target unless the target is 1 (numpy: 1
    // broadcasts to the input dim, which may be 0).
    Value one = indexConstant(rewriter, loc, 1);
    SmallVector<Value> sizes, inDims(inRank);
    SmallVector<bool> targetIsOne(rank, false);
    for (int64_t i = 0; i < rank; ++i) {
      Value d = i < inOffset ? one : dimValue(rewriter, loc, input, i - inOffset);
      if (i >= inOffset)
        inDims[i - inOffset] = d;
      if (i < shapeOffset) {
        targetIsOne[i] = true;
        sizes.push_back(d);
        continue;
      }
      Value s;
      if (constants) {
        targetIsOne[i] = (*constants)[i - shapeOffset] == 1;
        s = indexConstant(rewriter, loc, (*constants)[i - shapeOffset]);
      } else {
        s = extractElement(rewriter, loc, adaptor.getShape(), i - shapeOffset, true);
      }
      sizes.push_back(
          selectIndex(rewriter, loc, cmpIndex(rewriter, loc, CmpIPredicate::eq, s, one), d, s));
    }
    Value init = emptyWithSizes(rewriter, loc, resultType, sizes);

    // A static 1 broadcasts through the map; a static size or a dim the
    // target keeps (target 1) maps through; a dynamic dim that may be 1 at
    // run time needs a run-time choice of index.
    SmallVector<AffineExpr> exprs;
    bool runtimeBroadcast = false;
    for (int64_t j = 0; j < inRank; ++j) {
      int64_t i = j + inOffset;
      if (inputType.getDimSize(j) == 1 && resultType.getDimSize(i) != 1)
        exprs.push_back(getAffineConstantExpr(0, ctx));
      else
        exprs.push_back(getAffineDimExpr(i, ctx));
      runtimeBroadcast |= inputType.isDynamicDim(j) && !targetIsOne[i];
    }
    auto identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    linalg::GenericOp generic;
    if (!runtimeBroadcast) {
      generic = linalg::GenericOp::create(
          rewriter, loc, init.getType(), ValueRange{input}, ValueRange{init},
          SmallVector<AffineMap>{AffineMap::get(rank, 0, exprs, ctx), identity}, iterators,
          [](OpBuilder &b, Location l, ValueRange args) {
            linalg::YieldOp::create(b, l, args[0]);
          });
    } else {
      Value zero = indexConstant(rewriter, loc, 0);
      SmallVector<Value> isUnit(inRank);
      for (int64_t j = 0; j < inRank; ++j)
        if (inputType.isDynamicDim(j))
          isUnit[j] = cmpIndex(rewriter, loc, CmpIPredicate::eq, inDims[j], one);
      generic = linalg::GenericOp::create(
          rewriter, loc, init.getType(), ValueRange{}, ValueRange{init},
          SmallVector<AffineMap>{identity}, iterators, [&](OpBuilder &b, Location l, ValueRange) {
            SmallVector<Value> indices;
            for (int64_t j = 0; j < inRank; ++j) {
              if (inputType.getDimSize(j) == 1) {
                indices.push_back(zero);
                continue;
              }
              Value idx = linalg::IndexOp::create(b, l, j + inOffset);
              if (isUnit[j])
                idx = selectIndex(b, l, isUnit[j], zero, idx);
              indices.push_back(idx);
            }
            linalg::YieldOp::create(b, l,
                                    tensor::ExtractOp::create(b, l, input, indices).getResult());
          });
    }
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

} // namespace

void populateLayoutToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<TransposePattern, ReshapePattern, FlattenPattern, SqueezePattern, UnsqueezePattern,
               ExpandPattern>(patterns.getContext());
}

} // namespace ternion
