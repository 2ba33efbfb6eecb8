//===- TernFolders.cpp - constant folding of shape arithmetic -------------===//
//
// Decoder exports compute reshape targets, masks and position ids from
// Shape ops at run time. Once dims are static these chains fold to
// constants, so lowering sees static shapes. Folders only produce small
// integer `dense<...>` literals (kMaxFoldedElements), never weights.
//
//===----------------------------------------------------------------------===//

#include "dialects/tern/BroadcastShapes.h"
#include "dialects/tern/ConstantValues.h"
#include "dialects/tern/TernOps.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>

using namespace mlir;
using namespace ternion::tern;

namespace {

/// The static result type of a fold, when it is small enough to materialize.
RankedTensorType foldableType(Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  if (!t || !t.hasStaticShape() || t.getNumElements() > kMaxFoldedElements)
    return {};
  return t;
}

/// Builds an integer dense attribute of `type` from int64 values.
Attribute intElements(RankedTensorType type, ArrayRef<int64_t> values) {
  auto intType = dyn_cast<IntegerType>(type.getElementType());
  if (!intType || int64_t(values.size()) != type.getNumElements())
    return {};
  SmallVector<APInt> apValues;
  for (int64_t v : values)
    apValues.push_back(APInt(intType.getWidth(), uint64_t(v), /*isSigned=*/true,
                             /*implicitTrunc=*/true));
  return DenseElementsAttr::get(type, apValues);
}

/// Row-major strides of a static shape.
SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = int64_t(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

/// Index into an operand of shape `in` for result element `linear` of shape
/// `out` under numpy broadcasting.
int64_t broadcastIndex(int64_t linear, ArrayRef<int64_t> out, ArrayRef<int64_t> in) {
  SmallVector<int64_t> outStrides = stridesOf(out), inStrides = stridesOf(in);
  int64_t offset = int64_t(out.size()) - int64_t(in.size()), index = 0;
  for (int64_t d = 0; d < int64_t(out.size()); ++d) {
    int64_t coord = (linear / outStrides[d]) % out[d];
    if (d >= offset && in[d - offset] != 1)
      index += coord * inStrides[d - offset];
  }
  return index;
}

/// Folds an integer elementwise op over constant operands.
template <typename Fn>
OpFoldResult foldIntBinary(Type resultType, Value lhs, Value rhs, Attribute a,
                           Attribute b, Fn fn) {
  RankedTensorType type = foldableType(resultType);
  auto lt = dyn_cast<RankedTensorType>(lhs.getType());
  auto rt = dyn_cast<RankedTensorType>(rhs.getType());
  if (!type || !lt || !rt || !lt.hasStaticShape() || !rt.hasStaticShape())
    return {};
  auto x = getIntValues(a), y = getIntValues(b);
  if (!x || !y)
    return {};
  SmallVector<int64_t> values;
  for (int64_t i = 0; i < type.getNumElements(); ++i) {
    std::optional<int64_t> v =
        fn((*x)[broadcastIndex(i, type.getShape(), lt.getShape())],
           (*y)[broadcastIndex(i, type.getShape(), rt.getShape())]);
    if (!v)
      return {};
    values.push_back(*v);
  }
  return intElements(type, values);
}

/// Folds a float op over one-element constants (scalars only: folders must
/// not materialize float tensors).
template <typename Fn>
OpFoldResult foldFloatScalar(Type resultType, Attribute a, Attribute b, Fn fn) {
  auto type = dyn_cast<RankedTensorType>(resultType);
  if (!type || !type.hasStaticShape() || type.getNumElements() != 1)
    return {};
  auto floatType = dyn_cast<FloatType>(type.getElementType());
  auto x = getFloatValues(a), y = getFloatValues(b);
  if (!floatType || !x || !y || x->size() != 1 || y->size() != 1)
    return {};
  return DenseElementsAttr::get(type, FloatAttr::get(floatType, fn((*x)[0], (*y)[0])));
}

/// Same data, new static type: for reshape-like ops on small constants.
OpFoldResult reshapeConstant(Attribute input, Type resultType) {
  RankedTensorType type = foldableType(resultType);
  auto values = getIntValues(input);
  if (!type || !values)
    return {};
  return intElements(type, *values);
}

/// A reshape-like op whose result type equals its input type is a no-op.
OpFoldResult foldNoOpReshape(Value input, Type resultType) {
  auto t = dyn_cast<RankedTensorType>(input.getType());
  if (t && t.hasStaticShape() && t == resultType)
    return input;
  return {};
}

} // namespace

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }
OpFoldResult IdentityOp::fold(FoldAdaptor) { return getInput(); }

#define TERN_INT_FOLD(OP, EXPR)                                                \
  OpFoldResult OP::fold(FoldAdaptor adaptor) {                                 \
    return foldIntBinary(getType(), getLhs(), getRhs(), adaptor.getLhs(),      \
                         adaptor.getRhs(),                                     \
                         [](int64_t a, int64_t b) -> std::optional<int64_t> { EXPR; }); \
  }
// Arithmetic also folds float scalars: attention scales are computed as
// 1 / Pow(Cast(head_dim), 0.5) in exported graphs.
#define TERN_ARITH_FOLD(OP, EXPR, FEXPR)                                       \
  OpFoldResult OP::fold(FoldAdaptor adaptor) {                                 \
    if (OpFoldResult f = foldFloatScalar(getType(), adaptor.getLhs(),          \
                                         adaptor.getRhs(),                     \
                                         [](double a, double b) { return FEXPR; })) \
      return f;                                                                \
    return foldIntBinary(getType(), getLhs(), getRhs(), adaptor.getLhs(),      \
                         adaptor.getRhs(),                                     \
                         [](int64_t a, int64_t b) -> std::optional<int64_t> { EXPR; }); \
  }
TERN_ARITH_FOLD(AddOp, return a + b, a + b)
TERN_ARITH_FOLD(SubOp, return a - b, a - b)
TERN_ARITH_FOLD(MulOp, return a * b, a * b)
TERN_ARITH_FOLD(DivOp, if (b == 0) return std::nullopt; return a / b, a / b)
#undef TERN_ARITH_FOLD

OpFoldResult PowOp::fold(FoldAdaptor adaptor) {
  return foldFloatScalar(getType(), adaptor.getLhs(), adaptor.getRhs(),
                         [](double a, double b) { return std::pow(a, b); });
}

OpFoldResult SqrtOp::fold(FoldAdaptor adaptor) {
  return foldFloatScalar(getType(), adaptor.getInput(), adaptor.getInput(),
                         [](double a, double) { return std::sqrt(a); });
}
// ONNX functions in their expanded form (LayerNormalization's) negate a
// constant axis to size a ConstantOfShape.
OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult f = foldFloatScalar(getType(), adaptor.getInput(), adaptor.getInput(),
                                       [](double a, double) { return -a; }))
    return f;
  return foldIntBinary(getType(), getInput(), getInput(), adaptor.getInput(),
                       adaptor.getInput(),
                       [](int64_t a, int64_t) -> std::optional<int64_t> { return -a; });
}
TERN_INT_FOLD(MinOp, return std::min(a, b))
TERN_INT_FOLD(MaxOp, return std::max(a, b))
TERN_INT_FOLD(EqualOp, return a == b)
TERN_INT_FOLD(LessOp, return a < b)
TERN_INT_FOLD(GreaterOp, return a > b)
#undef TERN_INT_FOLD

OpFoldResult WhereOp::fold(FoldAdaptor adaptor) {
  auto cond = dyn_cast_or_null<SplatElementsAttr>(adaptor.getCondition());
  if (!cond)
    return {};
  Value chosen = cond.getSplatValue<bool>() ? getX() : getY();
  return chosen.getType() == getType() ? OpFoldResult(chosen) : OpFoldResult();
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  RankedTensorType type = foldableType(getType());
  auto values = getIntValues(adaptor.getInput());
  if (!type || !values)
    return {};
  if (auto floatType = dyn_cast<FloatType>(getTo())) {
    if (values->size() != 1)
      return {};
    return DenseElementsAttr::get(type, FloatAttr::get(floatType, double((*values)[0])));
  }
  if (!isa<IntegerType>(getTo()))
    return {};
  return intElements(type, *values);
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  // Transpose(Transpose(x, p), q) is Transpose(x, p[q[i]]): composed in place.
  if (auto inner = getInput().getDefiningOp<TransposeOp>()) {
    ArrayRef<int64_t> p = inner.getPerm(), q = getPerm();
    if (p.size() == q.size()) {
      SmallVector<int64_t> composed;
      for (int64_t i : q)
        composed.push_back(p[i]);
      setPerm(composed);
      getInputMutable().assign(inner.getInput());
      if (llvm::equal(composed, llvm::seq<int64_t>(0, composed.size())) &&
          getInput().getType() == getType())
        return getInput();
      return getResult();
    }
  }
  for (auto [i, p] : llvm::enumerate(getPerm()))
    if (int64_t(i) != p)
      return {};
  return getInput().getType() == getType() ? OpFoldResult(getInput()) : OpFoldResult();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult same = foldNoOpReshape(getInput(), getType()))
    return same;
  return reshapeConstant(adaptor.getInput(), getType());
}
OpFoldResult FlattenOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult same = foldNoOpReshape(getInput(), getType()))
    return same;
  return reshapeConstant(adaptor.getInput(), getType());
}
OpFoldResult SqueezeOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult same = foldNoOpReshape(getInput(), getType()))
    return same;
  return reshapeConstant(adaptor.getInput(), getType());
}
OpFoldResult UnsqueezeOp::fold(FoldAdaptor adaptor) {
  return reshapeConstant(adaptor.getInput(), getType());
}
OpFoldResult ExpandOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult same = foldNoOpReshape(getInput(), getType()))
    return same;
  // A splat constant expands to a bigger splat.
  auto splat = dyn_cast_or_null<SplatElementsAttr>(adaptor.getInput());
  RankedTensorType type = foldableType(getType());
  if (!splat || !type)
    return {};
  return SplatElementsAttr::get(type, splat.getSplatValue<Attribute>());
}

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  auto in = dyn_cast<RankedTensorType>(getInput().getType());
  auto type = foldableType(getType());
  if (!in || !type)
    return {};
  int64_t rank = in.getRank();
  auto clampBound = [&](int64_t v) {
    return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank);
  };
  int64_t start = clampBound(getStart());
  int64_t end = getEnd() ? clampBound(int64_t(*getEnd())) : rank;
  SmallVector<int64_t> dims;
  for (int64_t i = start; i < end; ++i) {
    if (in.isDynamicDim(i))
      return {};
    dims.push_back(in.getDimSize(i));
  }
  return intElements(type, dims);
}

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  RankedTensorType type = foldableType(getType());
  auto indices = getIntValues(adaptor.getIndices());
  if (!type || !indices || getAxis() != 0)
    return {};
  // Gather from Shape(x): only the gathered dims need to be static.
  SmallVector<int64_t> source;
  if (auto values = getIntValues(adaptor.getInput())) {
    source = *values;
  } else if (auto shape = getInput().getDefiningOp<ShapeOp>()) {
    auto in = dyn_cast<RankedTensorType>(shape.getInput().getType());
    if (!in || shape.getStart() != 0 || shape.getEnd())
      return {};
    source.assign(in.getShape().begin(), in.getShape().end());
  } else {
    return {};
  }
  auto inputType = dyn_cast<RankedTensorType>(getInput().getType());
  if (!inputType || inputType.getRank() != 1)
    return {};
  int64_t n = source.size();
  SmallVector<int64_t> result;
  for (int64_t i : *indices) {
    if (i < -n || i >= n)
      return {};
    int64_t v = source[i < 0 ? i + n : i];
    if (ShapedType::isDynamic(v))
      return {};
    result.push_back(v);
  }
  return intElements(type, result);
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  RankedTensorType type = foldableType(getType());
  if (!type || type.getRank() != 1)
    return {};
  SmallVector<int64_t> values;
  for (Attribute a : adaptor.getInputs()) {
    auto v = getIntValues(a);
    if (!v)
      return {};
    llvm::append_range(values, *v);
  }
  return intElements(type, values);
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  RankedTensorType type = foldableType(getType());
  auto in = dyn_cast<RankedTensorType>(getInput().getType());
  auto data = getIntValues(adaptor.getInput());
  // Slice(Shape(x)): fold when the selected dims are static.
  if (!data)
    if (auto shape = getInput().getDefiningOp<ShapeOp>())
      if (auto x = dyn_cast<RankedTensorType>(shape.getInput().getType());
          x && shape.getStart() == 0 && !shape.getEnd())
        data = SmallVector<int64_t>(x.getShape());
  auto starts = getIntValues(adaptor.getStarts());
  if (!type || !in || in.getRank() != 1 || !data || !starts || starts->size() != 1)
    return {};
  std::optional<SmallVector<int64_t>> steps;
  if (getSteps() && !(steps = getIntValues(adaptor.getSteps())))
    return {};
  int64_t step = steps ? (*steps)[0] : 1;
  int64_t dim = data->size(), start = (*starts)[0];
  if (step == 0)
    return {};
  if (start < 0)
    start += dim;
  start = step > 0 ? std::clamp<int64_t>(start, 0, dim)
                   : std::clamp<int64_t>(start, 0, dim - 1);
  SmallVector<int64_t> values;
  for (int64_t i = 0; i < type.getNumElements(); ++i) {
    int64_t index = start + i * step;
    if (index < 0 || index >= dim || ShapedType::isDynamic((*data)[index]))
      return {};
    values.push_back((*data)[index]);
  }
  return intElements(type, values);
}

OpFoldResult ConstantOfShapeOp::fold(FoldAdaptor) {
  RankedTensorType type = foldableType(getType());
  if (!type)
    return {};
  if (auto ints = getIntValues(getValue()); ints && isa<IntegerType>(type.getElementType()))
    return intElements(type, SmallVector<int64_t>(type.getNumElements(), (*ints)[0]));
  if (auto floats = getFloatValues(getValue()))
    if (auto ft = dyn_cast<FloatType>(type.getElementType()))
      return DenseElementsAttr::get(type, FloatAttr::get(ft, (*floats)[0]));
  return {};
}

OpFoldResult RangeOp::fold(FoldAdaptor adaptor) {
  RankedTensorType type = foldableType(getType());
  auto start = getIntValues(adaptor.getStart());
  auto delta = getIntValues(adaptor.getDelta());
  if (!type || !start || !delta || !isa<IntegerType>(type.getElementType()))
    return {};
  SmallVector<int64_t> values;
  for (int64_t i = 0; i < type.getNumElements(); ++i)
    values.push_back((*start)[0] + i * (*delta)[0]);
  return intElements(type, values);
}

OpFoldResult TriluOp::fold(FoldAdaptor adaptor) {
  // A splat of zeros stays zeros whatever the triangle.
  auto splat = dyn_cast_or_null<SplatElementsAttr>(adaptor.getInput());
  if (splat && splat.getType() == getType()) {
    Attribute v = splat.getSplatValue<Attribute>();
    if (auto f = dyn_cast<FloatAttr>(v); f && f.getValue().isZero())
      return splat;
    if (auto i = dyn_cast<IntegerAttr>(v); i && i.getValue().isZero())
      return splat;
  }
  return {};
}
