//===- FuseAttention.cpp - form tern.attention ----------------------------===//
//
// Recognizes scaled dot-product attention in the forms torch 1.13 exports:
//
//   MatMul(Softmax(Mask(Scale(MatMul(Q, Transpose(K'))))), V')
//
// where Scale is any chain of Mul/Div by scalar constants, Mask is any
// chain of additive masks (Add) and GPT-2's Where(cond, scores, -big), and
// K'/V' are either the key/value heads or HF's repeat_kv of them
// (Reshape(Expand(Unsqueeze(x, [2]), [b, hkv, n, t, d]), [b, hkv*n, t, d]))
// for grouped-query attention. The fused op keeps K and V un-repeated.
//
// A mask is replaced by `causal = true` only when it is proven to be the
// causal mask at run time: its rows and columns are traced back to the same
// input dims as the query and key lengths (SymbolicDims.h). Any other mask
// stays an operand. Anything not proven equivalent stays unfused.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "dialects/tern/BroadcastShapes.h"
#include "dialects/tern/ConstantValues.h"
#include "dialects/tern/TernOps.h"
#include "dialects/tern/SymbolicDims.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

#include <cmath>

namespace ternion {
#define GEN_PASS_DEF_TERNFUSEATTENTION
#include "passes/Passes.h.inc"
} // namespace ternion

using namespace mlir;
using namespace ternion;
using namespace ternion::tern;

namespace {

/// Masked-out scores must vanish after softmax whatever the score: a fill at
/// or below this underflows exp() in f32 for any sane score magnitude, so a
/// masked score, a masked score plus a mask, and a skipped key all give 0.
constexpr double kMaskFillLimit = -1e9;

struct Counters {
  int64_t fused = 0, causal = 0, grouped = 0;
};

bool isRank(Value v, int64_t rank) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && t.getRank() == rank;
}

int64_t dimOf(Value v, int64_t d) {
  return cast<RankedTensorType>(v.getType()).getDimSize(d);
}

bool isSameKnownDim(std::optional<SymbolicDim> a, std::optional<SymbolicDim> b) {
  return a && b && *a == *b;
}

/// `x` if `v` is HF's repeat_kv(x, n) with n > 1 (n returned in `nRep`).
Value matchRepeatKV(Value v, int64_t &nRep) {
  auto reshape = v.getDefiningOp<ReshapeOp>();
  if (!reshape || reshape.getAllowzero() || !isRank(v, 4))
    return {};
  auto expand = reshape.getInput().getDefiningOp<ExpandOp>();
  if (!expand || !isRank(expand, 5))
    return {};
  auto unsqueeze = expand.getInput().getDefiningOp<UnsqueezeOp>();
  if (!unsqueeze || unsqueeze.getAxes().size() != 1 ||
      cast<IntegerAttr>(unsqueeze.getAxes()[0]).getInt() != 2)
    return {};
  Value x = unsqueeze.getInput();
  if (!isRank(x, 4))
    return {};
  // Expand's shape must be [b, h, n, t, d] in x's dims and a constant n.
  auto isDimOfX = [&](Value shape, int64_t index, int64_t xDim) {
    std::optional<int64_t> constant;
    Value piece = getShapeElement(shape, index, constant);
    if (!piece)
      return false;
    if (constant)
      return dimOf(x, xDim) == *constant;
    // Literally Shape(x)[xDim], or traced to the same input dim.
    if (getDirectDim(piece) == std::pair(x, xDim))
      return true;
    return isSameKnownDim(getSymbolicDimOfShapeValue(piece), getSymbolicDim(x, xDim));
  };

  Value expandShape = expand.getShape();
  std::optional<int64_t> n;
  getShapeElement(expandShape, 2, n);
  if (!n || *n < 1 || !isDimOfX(expandShape, 0, 0) ||
      !isDimOfX(expandShape, 1, 1) || !isDimOfX(expandShape, 3, 2) ||
      !isDimOfX(expandShape, 4, 3))
    return {};
  // Reshape's shape must be [b, ?, t, d]: with the other three dims kept,
  // the element count forces the heads dim to h * n (-1 infers the same).
  Value reshapeShape = reshape.getShape();
  if (!isDimOfX(reshapeShape, 0, 0) || !isDimOfX(reshapeShape, 2, 2) ||
      !isDimOfX(reshapeShape, 3, 3))
    return {};
  std::optional<int64_t> heads;
  Value headsPiece = getShapeElement(reshapeShape, 1, heads);
  if (!headsPiece)
    return {};
  if (heads && *heads == 0)
    return {}; // 0 would copy the expanded tensor's dim 1 (h), not h * n.
  nRep = *n;
  return x;
}

/// The pieces of a score chain, from the first MatMul to the Softmax.
struct AttentionMatch {
  MatMulOp scores;
  double scale = 1.0;
  SmallVector<Value> additiveMasks;
  SmallVector<WhereOp> whereMasks;
};

/// Walks from the Softmax input back to the Q K^T MatMul. A mask met after
/// a scale on this walk is applied before the scale in the graph, so the
/// scale would scale the mask too: such chains are refused.
bool peelScoreChain(Value v, AttentionMatch &m, bool seenScale) {
  Operation *op = v.getDefiningOp();
  if (!op || !isRank(v, 4))
    return false;
  if (auto matmul = dyn_cast<MatMulOp>(op)) {
    m.scores = matmul;
    return true;
  }
  if (auto div = dyn_cast<DivOp>(op)) {
    auto c = getConstantScalarFloat(div.getRhs());
    if (!c || *c == 0.0)
      return false;
    m.scale /= *c;
    return peelScoreChain(div.getLhs(), m, /*seenScale=*/true);
  }
  if (auto mul = dyn_cast<MulOp>(op)) {
    for (auto [scores, factor] : {std::pair(mul.getLhs(), mul.getRhs()),
                                  std::pair(mul.getRhs(), mul.getLhs())})
      if (auto c = getConstantScalarFloat(factor)) {
        m.scale *= *c;
        return peelScoreChain(scores, m, /*seenScale=*/true);
      }
    return false;
  }
  if (auto add = dyn_cast<AddOp>(op)) {
    if (seenScale)
      return false;
    for (auto [scores, mask] : {std::pair(add.getLhs(), add.getRhs()),
                                std::pair(add.getRhs(), add.getLhs())}) {
      AttentionMatch saved = m;
      auto maskType = dyn_cast<RankedTensorType>(mask.getType());
      if (!maskType || maskType.getRank() > 4)
        continue;
      m.additiveMasks.push_back(mask);
      if (peelScoreChain(scores, m, seenScale))
        return true;
      m = saved;
    }
    return false;
  }
  if (auto where = dyn_cast<WhereOp>(op)) {
    auto fill = getConstantScalarFloat(where.getY());
    auto condType = dyn_cast<RankedTensorType>(where.getCondition().getType());
    if (seenScale || !fill || *fill > kMaskFillLimit || !condType ||
        condType.getRank() > 4)
      return false;
    m.whereMasks.push_back(where);
    return peelScoreChain(where.getX(), m, seenScale);
  }
  return false;
}

/// Strips Unsqueeze ops that add unit dims in front of the last two dims
/// (the [S, T] plane of a mask stays the same).
Value stripLeadingUnsqueeze(Value v) {
  while (auto u = v.getDefiningOp<UnsqueezeOp>()) {
    auto out = dyn_cast<RankedTensorType>(u.getType());
    if (!out)
      break;
    for (Attribute a : u.getAxes()) {
      int64_t axis = cast<IntegerAttr>(a).getInt();
      if ((axis < 0 ? axis + out.getRank() : axis) >= out.getRank() - 2)
        return v;
    }
    v = u.getInput();
  }
  return v;
}

bool isLowerTriangularTrue(ElementsAttr attr) {
  auto type = dyn_cast<RankedTensorType>(attr.getType());
  if (!type || !type.getElementType().isInteger(1) || type.getRank() < 2 ||
      !type.hasStaticShape())
    return false;
  int64_t rows = type.getDimSize(type.getRank() - 2);
  int64_t cols = type.getDimSize(type.getRank() - 1);
  if (rows * cols != type.getNumElements())
    return false; // Leading dims must all be 1.
  auto values = getIntValues(attr);
  if (!values)
    return false;
  for (auto [i, v] : llvm::enumerate(*values))
    if ((v != 0) != (int64_t(i) % cols <= int64_t(i) / cols))
      return false;
  return true;
}

/// An additive mask that is exactly "-big above the diagonal, 0 elsewhere"
/// over [S, T] with S == T proven: LLaMA's full-sequence mask,
/// Trilu(ConstantOfShape([s, s], -big), k = 1, upper).
bool isCausalAdditiveMask(Value mask, Value query, Value key) {
  auto trilu = stripLeadingUnsqueeze(mask).getDefiningOp<TriluOp>();
  if (!trilu || !trilu.getUpper() || !trilu.getK() || !isRank(trilu, 2))
    return false;
  auto k = getConstantIntValues(trilu.getK());
  if (!k || (*k)[0] != 1)
    return false;
  Value filled = trilu.getInput();
  std::optional<double> fill;
  if (auto cos = filled.getDefiningOp<ConstantOfShapeOp>()) {
    if (auto f = getFloatValues(cos.getValue()))
      fill = (*f)[0];
  } else if (auto attr = dyn_cast_or_null<SplatElementsAttr>(getConstantAttr(filled))) {
    if (isa<FloatType>(attr.getElementType()))
      fill = attr.getSplatValue<APFloat>().convertToDouble();
  }
  if (!fill || *fill > kMaskFillLimit)
    return false;
  std::optional<SymbolicDim> s = getSymbolicDim(query, 2);
  std::optional<SymbolicDim> t = getSymbolicDim(key, 2);
  return isSameKnownDim(getSymbolicDim(trilu, 0), s) &&
         isSameKnownDim(getSymbolicDim(trilu, 1), t) && isSameKnownDim(s, t);
}

/// GPT-2's condition: a constant lower-triangular bool [1, 1, M, M] sliced
/// to rows [T - S, T) and columns [0, T), which selects exactly the causal
/// window aligned to the end of the keys.
bool isCausalCondition(Value cond, Value query, Value key) {
  // `e` holds dim `d` of `x`: literally Shape(x)[d], or traced to the same
  // input dim.
  auto holdsDim = [](Value e, Value x, int64_t d) {
    if (getDirectDim(e) == std::pair(x, d))
      return true;
    return isSameKnownDim(getSymbolicDimOfShapeValue(e), getSymbolicDim(x, d));
  };
  bool rowsOk = false, colsOk = false;
  Value v = cond;
  auto isT = [&](Value e) { return holdsDim(e, key, 2); };
  while (auto slice = v.getDefiningOp<SliceOp>()) {
    auto axes = slice.getAxes() ? getConstantIntValues(slice.getAxes()) : std::nullopt;
    int64_t rank = cast<RankedTensorType>(slice.getInput().getType()).getRank();
    if (!axes || axes->size() != 1 || !isRank(slice.getStarts(), 1))
      return false;
    if (slice.getSteps()) {
      auto steps = getConstantIntValues(slice.getSteps());
      if (!steps || (*steps)[0] != 1)
        return false;
    }
    int64_t axis = (*axes)[0] < 0 ? (*axes)[0] + rank : (*axes)[0];
    if (!isT(slice.getEnds()))
      return false;
    if (axis == rank - 1) {
      auto starts = getConstantIntValues(slice.getStarts());
      colsOk = starts && (*starts)[0] == 0;
    } else if (axis == rank - 2) {
      // starts = T - S
      Value start = slice.getStarts();
      while (auto u = start.getDefiningOp<UnsqueezeOp>())
        start = u.getInput();
      auto sub = start.getDefiningOp<SubOp>();
      rowsOk = sub && isT(sub.getLhs()) && holdsDim(sub.getRhs(), query, 2);
    } else {
      return false;
    }
    v = slice.getInput();
  }
  ElementsAttr attr = getConstantAttr(v);
  return rowsOk && colsOk && attr && isLowerTriangularTrue(attr);
}

Value scalarConstant(PatternRewriter &rewriter, Location loc, Type elementType, double value) {
  auto type = RankedTensorType::get({}, elementType);
  return ConstantOp::create(rewriter, loc,
                            DenseElementsAttr::get(type, FloatAttr::get(elementType, value)));
}

struct FuseAttentionPattern : OpRewritePattern<MatMulOp> {
  FuseAttentionPattern(MLIRContext *ctx, Counters &counters, bool detectCausal)
      : OpRewritePattern(ctx), counters(counters), detectCausal(detectCausal) {}

  LogicalResult matchAndRewrite(MatMulOp op, PatternRewriter &rewriter) const override {
    auto softmax = op.getLhs().getDefiningOp<SoftmaxOp>();
    if (!softmax || !isRank(softmax, 4) || !isRank(op.getRhs(), 4))
      return rewriter.notifyMatchFailure(op, "not Softmax(4-D) times V");
    int64_t axis = softmax.getAxis();
    if (axis != -1 && axis != 3)
      return rewriter.notifyMatchFailure(op, "softmax is not over the key axis");

    AttentionMatch m;
    if (!peelScoreChain(softmax.getInput(), m, /*seenScale=*/false))
      return rewriter.notifyMatchFailure(op, "scores are not scale/mask of Q K^T");
    Value query = m.scores.getLhs();
    auto keyT = m.scores.getRhs().getDefiningOp<TransposeOp>();
    if (!isRank(query, 4) || !keyT || !isRank(keyT, 4))
      return rewriter.notifyMatchFailure(op, "scores are not Q times a transposed K");
    ArrayRef<int64_t> p = keyT.getPerm();
    SmallVector<int64_t> keyPerm{p[0], p[1], p[3], p[2]};
    if (keyPerm[0] != 0 || (keyPerm[1] != 1 && keyPerm[1] != 2))
      return rewriter.notifyMatchFailure(op, "K^T permutes the batch dim");

    // K and V, with HF's repeat_kv undone for grouped-query attention.
    bool identityPerm = keyPerm == ArrayRef<int64_t>{0, 1, 2, 3};
    int64_t nRepK = 1, nRepV = 1;
    Value key = identityPerm ? keyT.getInput() : Value();
    Value value = op.getRhs();
    if (key)
      if (Value x = matchRepeatKV(key, nRepK))
        key = x;
    if (Value x = matchRepeatKV(value, nRepV))
      value = x;
    if (nRepK != nRepV)
      return rewriter.notifyMatchFailure(op, "key and value are repeated differently");

    // Static shapes must agree with the fused op's contract.
    Type elementType = cast<RankedTensorType>(query.getType()).getElementType();
    auto compatible = [](int64_t a, int64_t b) {
      return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
    };
    Value keyForShape = key ? key : keyT.getInput();
    auto keySrcType = cast<RankedTensorType>(keyForShape.getType());
    auto keyDim = [&](int64_t d) {
      return key ? keySrcType.getDimSize(d) : keySrcType.getDimSize(keyPerm[d]);
    };
    if (cast<RankedTensorType>(value.getType()).getElementType() != elementType ||
        keySrcType.getElementType() != elementType ||
        !compatible(dimOf(query, 3), keyDim(3)) ||
        !compatible(keyDim(2), dimOf(value, 2)) ||
        !compatible(keyDim(1), dimOf(value, 1)) ||
        !compatible(dimOf(query, 0), keyDim(0)) ||
        !compatible(dimOf(query, 1), keyDim(1) == ShapedType::kDynamic
                                         ? ShapedType::kDynamic
                                         : keyDim(1) * nRepK))
      return rewriter.notifyMatchFailure(op, "query/key/value shapes disagree");

    Location loc = op.getLoc();
    if (!key)
      key = TransposeOp::create(rewriter, loc, keyT.getInput(), keyPerm);

    // Masks: proven-causal ones become the attribute; the rest are summed.
    bool causal = false;
    SmallVector<Value> masks;
    for (Value mask : m.additiveMasks) {
      if (detectCausal && isCausalAdditiveMask(mask, query, key))
        causal = true;
      else
        masks.push_back(mask);
    }
    for (WhereOp where : m.whereMasks) {
      if (detectCausal && isCausalCondition(where.getCondition(), query, key)) {
        causal = true;
        continue;
      }
      // Where(c, s, fill) == s + Where(c, 0, fill) after softmax for fill
      // <= kMaskFillLimit: both make the masked probabilities exactly 0.
      Value zero = scalarConstant(rewriter, loc, elementType, 0.0);
      masks.push_back(WhereOp::create(rewriter, loc, where.getCondition(), zero,
                                      where.getY()));
    }
    Value mask;
    for (Value piece : masks)
      mask = mask ? AddOp::create(rewriter, loc, mask, piece).getResult() : piece;
    if (mask) {
      auto maskType = dyn_cast<RankedTensorType>(mask.getType());
      SmallVector<int64_t> scores{dimOf(query, 0), dimOf(query, 1), dimOf(query, 2),
                                  keyDim(2)};
      auto merged = maskType ? broadcastShapes(scores, maskType.getShape()) : std::nullopt;
      if (!merged || merged->size() != 4 ||
          failed(verifyCompatibleShape(*merged, scores)))
        return rewriter.notifyMatchFailure(op, "mask does not broadcast to the scores");
    }

    rewriter.replaceOpWithNewOp<AttentionOp>(
        op, op.getType(), query, key, value, mask,
        rewriter.getF32FloatAttr(float(m.scale)), rewriter.getBoolAttr(causal),
        /*sparsity=*/nullptr);
    ++counters.fused;
    counters.causal += causal;
    counters.grouped += nRepK > 1;
    return success();
  }

  Counters &counters;
  bool detectCausal;
};

struct FuseAttentionPass : ternion::impl::TernFuseAttentionBase<FuseAttentionPass> {
  using TernFuseAttentionBase::TernFuseAttentionBase;

  void runOnOperation() override {
    Counters counters;
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseAttentionPattern>(&getContext(), counters, detectCausal);
    // In program order, so that the dims of later layers trace through the
    // already fused attention of earlier ones.
    walkAndApplyPatterns(getOperation(), std::move(patterns));
    // The walk driver leaves the replaced chains behind; drop them so the
    // output (and the unfused count) shows only what is still used.
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) { ops.push_back(op); });
    for (Operation *op : llvm::reverse(ops))
      if (isOpTriviallyDead(op))
        op->erase();
    int64_t unfused = 0;
    getOperation().walk([&](SoftmaxOp op) { unfused += !op->use_empty(); });
    numFused = counters.fused;
    numCausal = counters.causal;
    numGrouped = counters.grouped;
    numUnfused = unfused;
    if (report)
      getOperation().emitRemark()
          << "tern-fuse-attention: " << counters.fused << " fused (" << counters.causal
          << " causal, " << counters.grouped << " grouped-query); " << unfused
          << " softmax left unfused";
  }
};

} // namespace
