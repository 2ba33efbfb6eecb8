//===- SymbolicDims.cpp - which input dim a tensor dim comes from ---------===//
#include "dialects/tern/SymbolicDims.h"

#include "dialects/tern/ConstantValues.h"
#include "dialects/tern/TernOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/DenseMap.h"

#include <algorithm>

using namespace mlir;
using namespace ternion::tern;

namespace ternion {
namespace {

// A trace walks back through every layer to the inputs (the residual
// stream), so it is deep; results are memoized per query so that the walk
// stays linear in the graph size.
constexpr int kMaxDepth = 2048;

using DimCache = llvm::DenseMap<std::pair<Value, int64_t>, std::optional<SymbolicDim>>;
// Per thread: the pass manager runs function passes on several threads.
thread_local DimCache *activeCache = nullptr;

std::optional<SymbolicDim> traceDimUncached(Value value, int64_t dim, int depth);

std::optional<SymbolicDim> traceDim(Value value, int64_t dim, int depth);
std::optional<SymbolicDim> traceShapeValue(Value value, int depth);

std::optional<SymbolicDim> staticDim(int64_t size) {
  SymbolicDim d;
  d.size = size;
  return d;
}

/// Dim `dim` of the broadcast of `operands` (numpy rules): operands whose
/// dim is a static 1 do not contribute; the others must all agree.
std::optional<SymbolicDim> traceBroadcast(ValueRange operands, int64_t rank,
                                          int64_t dim, int depth) {
  std::optional<SymbolicDim> result;
  for (Value operand : operands) {
    auto type = dyn_cast<RankedTensorType>(operand.getType());
    if (!type)
      return std::nullopt;
    int64_t d = dim - (rank - type.getRank());
    if (d < 0 || type.getDimSize(d) == 1)
      continue;
    std::optional<SymbolicDim> s = traceDim(operand, d, depth + 1);
    if (!s || (result && *result != *s))
      return std::nullopt;
    result = s;
  }
  return result ? result : staticDim(1);
}

std::optional<SymbolicDim> traceDim(Value value, int64_t dim, int depth) {
  if (!activeCache)
    return traceDimUncached(value, dim, depth);
  auto key = std::pair(value, dim);
  if (auto it = activeCache->find(key); it != activeCache->end())
    return it->second;
  std::optional<SymbolicDim> result = traceDimUncached(value, dim, depth);
  (*activeCache)[key] = result;
  return result;
}

std::optional<SymbolicDim> traceDimUncached(Value value, int64_t dim, int depth) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || depth > kMaxDepth)
    return std::nullopt;
  int64_t rank = type.getRank();
  if (dim < 0)
    dim += rank;
  if (dim < 0 || dim >= rank)
    return std::nullopt;
  if (!type.isDynamicDim(dim))
    return staticDim(type.getDimSize(dim));
  if (isa<BlockArgument>(value)) {
    SymbolicDim d;
    d.root = value;
    d.dim = dim;
    return d;
  }
  Operation *op = value.getDefiningOp();
  if (isa<AddOp, SubOp, MulOp, DivOp, PowOp, MinOp, MaxOp, WhereOp, EqualOp,
          LessOp, GreaterOp, AndOp, OrOp>(op))
    return traceBroadcast(op->getOperands(), rank, dim, depth);
  if (isa<SqrtOp, NegOp, AbsOp, ExpOp, LogOp, ReciprocalOp, ErfOp, TanhOp,
          SigmoidOp, ReluOp, SinOp, CosOp, RoundOp, NotOp, IdentityOp, CastOp,
          ClipOp, SoftmaxOp, LogSoftmaxOp, LayerNormOp, TriluOp>(op))
    return traceDim(op->getOperand(0), dim, depth + 1);
  // With keepdims a reduced dim is a static 1, so a dynamic dim is kept.
  bool keepsDims = false;
  if (auto r = dyn_cast<ReduceMeanOp>(op))
    keepsDims = r.getKeepdims();
  else if (auto r = dyn_cast<ReduceSumOp>(op))
    keepsDims = r.getKeepdims();
  else if (auto r = dyn_cast<ReduceMaxOp>(op))
    keepsDims = r.getKeepdims();
  if (keepsDims)
    return traceDim(op->getOperand(0), dim, depth + 1);
  if (auto linear = dyn_cast<LinearOp>(op))
    return dim < rank - 1 ? traceDim(linear.getInput(), dim, depth + 1)
                          : std::nullopt;
  if (auto attention = dyn_cast<AttentionOp>(op))
    return dim < rank - 1 ? traceDim(attention.getQuery(), dim, depth + 1)
                          : std::nullopt;
  if (auto matmul = dyn_cast<MatMulOp>(op)) {
    if (rank < 2)
      return std::nullopt;
    if (dim == rank - 2)
      return traceDim(matmul.getLhs(), -2, depth + 1);
    if (dim == rank - 1)
      return traceDim(matmul.getRhs(), -1, depth + 1);
    if (!isa<RankedTensorType>(matmul.getLhs().getType()) ||
        !isa<RankedTensorType>(matmul.getRhs().getType()) ||
        cast<RankedTensorType>(matmul.getLhs().getType()).getRank() < 2 ||
        cast<RankedTensorType>(matmul.getRhs().getType()).getRank() < 2)
      return std::nullopt;
    // Batch dims broadcast like elementwise operands (aligned from the end).
    return traceBroadcast(op->getOperands(), rank, dim, depth);
  }
  if (auto transpose = dyn_cast<TransposeOp>(op))
    return traceDim(transpose.getInput(), transpose.getPerm()[dim], depth + 1);
  if (auto unsqueeze = dyn_cast<UnsqueezeOp>(op)) {
    int64_t inputDim = dim;
    for (Attribute a : unsqueeze.getAxes()) {
      int64_t axis = cast<IntegerAttr>(a).getInt();
      axis = axis < 0 ? axis + rank : axis;
      if (axis == dim)
        return staticDim(1);
      if (axis < dim)
        --inputDim;
    }
    return traceDim(unsqueeze.getInput(), inputDim, depth + 1);
  }
  if (auto concat = dyn_cast<ConcatOp>(op)) {
    int64_t axis = concat.getAxis();
    if ((axis < 0 ? axis + rank : axis) == dim)
      return std::nullopt; // A sum of dims.
    return traceDim(concat.getInputs().front(), dim, depth + 1);
  }
  if (auto gather = dyn_cast<GatherOp>(op)) {
    auto indicesType = dyn_cast<RankedTensorType>(gather.getIndices().getType());
    int64_t axis = gather.getAxis();
    auto dataType = dyn_cast<RankedTensorType>(gather.getInput().getType());
    if (!indicesType || !dataType)
      return std::nullopt;
    axis = axis < 0 ? axis + dataType.getRank() : axis;
    if (dim < axis)
      return traceDim(gather.getInput(), dim, depth + 1);
    if (dim < axis + indicesType.getRank())
      return traceDim(gather.getIndices(), dim - axis, depth + 1);
    return traceDim(gather.getInput(), dim - indicesType.getRank() + 1, depth + 1);
  }
  if (auto split = dyn_cast<SplitOp>(op)) {
    int64_t axis = split.getAxis();
    if ((axis < 0 ? axis + rank : axis) == dim)
      return std::nullopt;
    return traceDim(split.getInput(), dim, depth + 1);
  }
  if (auto slice = dyn_cast<SliceOp>(op)) {
    // Dims that are not sliced keep the input's size.
    if (!slice.getAxes())
      return std::nullopt;
    auto axes = getConstantIntValues(slice.getAxes());
    if (!axes)
      return std::nullopt;
    for (int64_t axis : *axes)
      if ((axis < 0 ? axis + rank : axis) == dim)
        return std::nullopt;
    return traceDim(slice.getInput(), dim, depth + 1);
  }
  if (isa<ReshapeOp, ExpandOp>(op)) {
    std::optional<int64_t> constant;
    Value piece = getShapeElement(op->getOperand(1), dim, constant);
    if (constant) {
      // Reshape's 0 copies the input dim; Expand's 1 keeps it.
      bool copies = isa<ReshapeOp>(op) ? *constant == 0 : *constant == 1;
      if (copies)
        return traceDim(op->getOperand(0), dim, depth + 1);
      return *constant > 0 ? staticDim(*constant) : std::nullopt;
    }
    if (!piece)
      return std::nullopt;
    // A traced size is a dim of some tensor. (Were it 0 at run time,
    // Reshape would copy the input dim instead: only empty tensors differ.)
    std::optional<SymbolicDim> s = traceShapeValue(piece, depth + 1);
    if (isa<ExpandOp>(op) && s) {
      // Expand broadcasts: the result is the shape element unless it is 1.
      std::optional<SymbolicDim> in = traceDim(op->getOperand(0), dim, depth + 1);
      auto inType = cast<RankedTensorType>(op->getOperand(0).getType());
      if (inType.getRank() != rank)
        return std::nullopt;
      if (in && *in == *s)
        return s;
      return inType.getDimSize(dim) == 1 ? s : std::nullopt;
    }
    return s;
  }
  if (auto range = dyn_cast<RangeOp>(op)) {
    auto start = getConstantIntValues(range.getStart());
    auto delta = getConstantIntValues(range.getDelta());
    if (start && delta && (*start)[0] == 0 && (*delta)[0] == 1)
      return traceShapeValue(range.getLimit(), depth + 1);
    return std::nullopt;
  }
  if (auto constantOfShape = dyn_cast<ConstantOfShapeOp>(op)) {
    std::optional<int64_t> constant;
    Value piece = getShapeElement(constantOfShape.getShape(), dim, constant);
    if (constant)
      return staticDim(*constant);
    return piece ? traceShapeValue(piece, depth + 1) : std::nullopt;
  }
  return std::nullopt;
}

std::optional<SymbolicDim> traceShapeValue(Value value, int depth) {
  if (depth > kMaxDepth)
    return std::nullopt;
  if (auto ints = getConstantIntValues(value); ints && ints->size() == 1)
    return staticDim((*ints)[0]);
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || type.getNumElements() != 1)
    return std::nullopt;
  Operation *op = value.getDefiningOp();
  if (!op)
    return std::nullopt;
  if (isa<UnsqueezeOp, SqueezeOp, ReshapeOp, IdentityOp>(op))
    return traceShapeValue(op->getOperand(0), depth + 1);
  if (isa<GatherOp, SliceOp>(op)) {
    if (auto source = getShapeElementSource(value, 0))
      return traceDim(source->first, source->second, depth + 1);
    return std::nullopt;
  }
  return std::nullopt;
}

} // namespace

/// Installs a memo table for one top-level query (the IR may change
/// between queries, so nothing is kept across them).
struct CacheScope {
  DimCache cache;
  DimCache *saved;
  CacheScope() : saved(activeCache) {
    if (!activeCache)
      activeCache = &cache;
  }
  ~CacheScope() { activeCache = saved; }
};

std::optional<SymbolicDim> getSymbolicDim(Value value, int64_t dim) {
  CacheScope scope;
  return traceDim(value, dim, 0);
}

std::optional<SymbolicDim> getSymbolicDimOfShapeValue(Value value) {
  CacheScope scope;
  return traceShapeValue(value, 0);
}

/// `axis` of a rank-`rank` tensor as ONNX's Shape clamps it.
static int64_t clampAxis(int64_t axis, int64_t rank) {
  return std::clamp<int64_t>(axis < 0 ? axis + rank : axis, 0, rank);
}

std::optional<std::pair<Value, int64_t>> getShapeElementSource(Value shape, int64_t index) {
  for (int depth = 0; depth < kMaxDepth && index >= 0; ++depth) {
    Operation *op = shape.getDefiningOp();
    if (!op)
      return std::nullopt;
    if (auto shapeOp = dyn_cast<ShapeOp>(op)) {
      auto type = dyn_cast<RankedTensorType>(shapeOp.getInput().getType());
      if (!type)
        return std::nullopt;
      int64_t rank = type.getRank();
      int64_t start = clampAxis(shapeOp.getStart(), rank);
      int64_t end = shapeOp.getEnd() ? clampAxis(*shapeOp.getEnd(), rank) : rank;
      if (start + index >= end)
        return std::nullopt;
      return std::pair(shapeOp.getInput(), start + index);
    }
    // A scalar unsqueezed to [1], or [1] squeezed to a scalar: one element.
    if (isa<UnsqueezeOp, SqueezeOp>(op)) {
      auto in = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
      if (!in || !in.hasStaticShape() || in.getNumElements() != 1 || index != 0)
        return std::nullopt;
      shape = op->getOperand(0);
      continue;
    }
    if (auto concat = dyn_cast<ConcatOp>(op)) {
      Value next;
      for (Value piece : concat.getInputs()) {
        auto type = dyn_cast<RankedTensorType>(piece.getType());
        if (!type || type.getRank() != 1 || type.isDynamicDim(0))
          return std::nullopt;
        if (index < type.getDimSize(0)) {
          next = piece;
          break;
        }
        index -= type.getDimSize(0);
      }
      if (!next)
        return std::nullopt;
      shape = next;
      continue;
    }
    // Element `index` of a 1-D gather is element indices[index] of its source.
    if (auto gather = dyn_cast<GatherOp>(op)) {
      auto source = dyn_cast<RankedTensorType>(gather.getInput().getType());
      auto indices = getConstantIntValues(gather.getIndices());
      if (gather.getAxis() != 0 || !source || source.getRank() != 1 ||
          source.isDynamicDim(0) || !indices || index >= int64_t(indices->size()))
        return std::nullopt;
      int64_t k = (*indices)[index];
      if (k < 0)
        k += source.getDimSize(0);
      if (k < 0 || k >= source.getDimSize(0))
        return std::nullopt;
      shape = gather.getInput();
      index = k;
      continue;
    }
    // A unit-step slice of a 1-D vector shifts the index by its start.
    if (auto slice = dyn_cast<SliceOp>(op)) {
      auto source = dyn_cast<RankedTensorType>(slice.getInput().getType());
      auto starts = getConstantIntValues(slice.getStarts());
      if (!source || source.getRank() != 1 || source.isDynamicDim(0) || !starts ||
          starts->size() != 1)
        return std::nullopt;
      if (slice.getSteps()) {
        auto steps = getConstantIntValues(slice.getSteps());
        if (!steps || steps->size() != 1 || (*steps)[0] != 1)
          return std::nullopt;
      }
      int64_t start = (*starts)[0];
      if (start < 0)
        start += source.getDimSize(0);
      start = std::clamp<int64_t>(start, 0, source.getDimSize(0));
      shape = slice.getInput();
      index = start + index;
      continue;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::pair<Value, int64_t>> getDirectDim(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape() || type.getNumElements() != 1)
    return std::nullopt;
  return getShapeElementSource(value, 0);
}

Value getShapeElement(Value shape, int64_t index,
                      std::optional<int64_t> &constant) {
  constant.reset();
  if (auto ints = getConstantIntValues(shape)) {
    if (index < 0 || index >= int64_t(ints->size()))
      return {};
    constant = (*ints)[index];
    return shape;
  }
  Operation *op = shape.getDefiningOp();
  if (auto concat = dyn_cast_or_null<ConcatOp>(op)) {
    for (Value piece : concat.getInputs()) {
      auto type = dyn_cast<RankedTensorType>(piece.getType());
      if (!type || type.getRank() != 1 || type.isDynamicDim(0))
        return {};
      int64_t n = type.getDimSize(0);
      if (index < n) {
        if (n == 1 && !getConstantIntValues(piece))
          return piece;
        return getShapeElement(piece, index, constant);
      }
      index -= n;
    }
    return {};
  }
  // Where(Equal(s, -1), ones, s): torch's guard against -1 in Expand shapes.
  // The element is s[i] when s[i] is a traced (non-negative) size or a
  // constant other than -1.
  if (auto where = dyn_cast_or_null<WhereOp>(op)) {
    auto equal = where.getCondition().getDefiningOp<EqualOp>();
    if (!equal || equal.getLhs() != where.getY())
      return {};
    auto guard = getConstantIntValues(equal.getRhs());
    auto ones = getConstantIntValues(where.getX());
    if (!guard || !ones)
      return {};
    auto at = [&](ArrayRef<int64_t> v) { return v.size() == 1 ? v[0] : v[index]; };
    if (index < 0 || (guard->size() != 1 && index >= int64_t(guard->size())) ||
        (ones->size() != 1 && index >= int64_t(ones->size())))
      return {};
    Value element = getShapeElement(where.getY(), index, constant);
    if (constant) {
      if (*constant == at(*guard))
        constant = at(*ones);
      return element;
    }
    if (element && at(*guard) < 0 && getDirectDim(element))
      return element;
    return {};
  }
  return {};
}

} // namespace ternion
