//===- Ternarize.cpp - the tern-ternarize pass ----------------------------===//
//
// Passes.td describes what is recognized and why by value. The layer is
// rewritten only when both sides are proven: the weight is exactly ternary
// (evaluated) and the input is the exported absmax quantization whose scale
// also divides the layer's result, so the replacement computes what the
// graph computes. The codes are packed in the plain order (lanes = 1); the
// target repacks them for its vectors.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"
#include "passes/ternary/ConstantEvaluator.h"

#include "dialects/tern/ConstantValues.h"
#include "dialects/tern/TernOps.h"
#include "dialects/tern/TernaryCodes.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cmath>

namespace ternion {
#define GEN_PASS_DEF_TERNTERNARIZE
#include "passes/Passes.h.inc"
} // namespace ternion

using namespace mlir;
using namespace ternion;
using namespace ternion::tern;

namespace {

/// BitNet's epsilon for absmax and absmean (mode=force).
constexpr float kBitNetEps = 1e-5f;

bool isScalarConstant(Value v, double expected) {
  std::optional<double> value = getConstantScalarFloat(v);
  return value && *value == expected;
}

/// The exported absmax quantization of a layer's input.
struct ActivationQuant {
  /// The float input, before quantization.
  Value input;
  /// s = 127 / max(amax, eps): the Div that ends the layer divides by it.
  Value scale;
  float eps = 0;
};

/// Matches s = 127 * Reciprocal(m) | Reciprocal(m) * 127 | 127 / m with
/// m = Clip(ReduceMax(Abs(x), axes = [-1], keepdims), eps) or the bare
/// ReduceMax; returns x and eps.
std::optional<std::pair<Value, float>> matchAbsmaxScale(Value s) {
  Value m;
  if (auto mul = s.getDefiningOp<MulOp>()) {
    for (auto [r, c] : {std::pair(mul.getLhs(), mul.getRhs()), std::pair(mul.getRhs(), mul.getLhs())})
      if (auto reciprocal = r.getDefiningOp<ReciprocalOp>(); reciprocal && isScalarConstant(c, 127))
        m = reciprocal.getInput();
  } else if (auto div = s.getDefiningOp<DivOp>()) {
    if (isScalarConstant(div.getLhs(), 127))
      m = div.getRhs();
  }
  if (!m)
    return std::nullopt;
  float eps = 0;
  if (auto clip = m.getDefiningOp<ClipOp>()) {
    if (clip.getMax() || !clip.getMin())
      return std::nullopt;
    std::optional<double> lo = getConstantScalarFloat(clip.getMin());
    if (!lo || *lo < 0)
      return std::nullopt;
    eps = static_cast<float>(*lo);
    m = clip.getInput();
  }
  auto max = m.getDefiningOp<ReduceMaxOp>();
  if (!max || !max.getKeepdims())
    return std::nullopt;
  auto abs = max.getInput().getDefiningOp<AbsOp>();
  if (!abs)
    return std::nullopt;
  auto xType = dyn_cast<RankedTensorType>(abs.getInput().getType());
  std::optional<ArrayAttr> axes = max.getAxes();
  if (!xType || !axes || axes->size() != 1)
    return std::nullopt;
  int64_t axis = cast<IntegerAttr>((*axes)[0]).getInt();
  if (axis != -1 && axis != xType.getRank() - 1)
    return std::nullopt;
  return std::pair(abs.getInput(), eps);
}

/// q = Clip(Round(x * s), -128, 127) with s the absmax scale of x.
std::optional<ActivationQuant> matchQuantizedInput(Value q) {
  auto clip = q.getDefiningOp<ClipOp>();
  if (!clip || !clip.getMin() || !clip.getMax() || !isScalarConstant(clip.getMin(), -128) ||
      !isScalarConstant(clip.getMax(), 127))
    return std::nullopt;
  auto round = clip.getInput().getDefiningOp<RoundOp>();
  auto mul = round ? round.getInput().getDefiningOp<MulOp>() : nullptr;
  if (!mul)
    return std::nullopt;
  for (auto [x, s] : {std::pair(mul.getLhs(), mul.getRhs()), std::pair(mul.getRhs(), mul.getLhs())}) {
    std::optional<std::pair<Value, float>> absmax = matchAbsmaxScale(s);
    if (absmax && absmax->first == x)
      return ActivationQuant{x, s, absmax->second};
  }
  return std::nullopt;
}

/// The single Div(y, s) a quantized layer's result feeds.
DivOp matchDequantize(Value y, Value scale) {
  if (!y.hasOneUse())
    return {};
  auto div = dyn_cast<DivOp>(*y.getUsers().begin());
  if (!div || div.getLhs() != y || div.getRhs() != scale)
    return {};
  return div;
}

/// Weights in {-a, 0, a}: the codes and a; nullopt when they are not.
std::optional<std::pair<SmallVector<int8_t>, float>> asTernary(ArrayRef<float> w) {
  float a = 0;
  for (float v : w)
    if (v != 0) {
      a = std::fabs(v);
      break;
    }
  if (a == 0 || !std::isfinite(a))
    return std::nullopt;
  SmallVector<int8_t> codes(w.size());
  for (size_t i = 0; i < w.size(); ++i) {
    if (w[i] == 0)
      codes[i] = 0;
    else if (w[i] == a)
      codes[i] = 1;
    else if (w[i] == -a)
      codes[i] = -1;
    else
      return std::nullopt;
  }
  return std::pair(std::move(codes), a);
}

/// False when `weight` is an f32 constant with two different nonzero
/// magnitudes: read in place up to the first pair, so an ordinary model's
/// layers cost a few reads instead of an evaluation of every weight. True
/// otherwise (a computed weight is evaluated to find out).
bool mayBeTernary(Value weight) {
  ElementsAttr attr = getConstantAttr(weight);
  if (!attr || !attr.getElementType().isF32())
    return true;
  std::optional<ArrayRef<char>> bytes = getRawBytes(attr);
  if (!bytes || bytes->size() != size_t(attr.getNumElements()) * sizeof(float))
    return true;
  ArrayRef<float> values(reinterpret_cast<const float *>(bytes->data()), attr.getNumElements());
  float magnitude = 0;
  for (float v : values) {
    float a = std::fabs(v);
    if (a == 0)
      continue;
    if (magnitude == 0)
      magnitude = a;
    else if (a != magnitude)
      return false;
  }
  return true;
}

/// BitNet's absmean rule: scale = mean |W|, T = Clip(Round(W / scale), -1, 1).
std::pair<SmallVector<int8_t>, float> absmeanTernary(ArrayRef<float> w) {
  double sum = 0;
  for (float v : w)
    sum += std::fabs(v);
  float scale = std::max(static_cast<float>(sum / double(w.size())), kBitNetEps);
  SmallVector<int8_t> codes(w.size());
  for (size_t i = 0; i < w.size(); ++i)
    codes[i] = static_cast<int8_t>(std::clamp(std::nearbyint(w[i] / scale), -1.0f, 1.0f));
  return {std::move(codes), scale};
}

/// One linear layer the pass considers: its input, bias, result and [N, K]
/// weight values.
struct Candidate {
  Value input;
  Value bias;
  Value result;
  /// [N, K] row-major.
  std::vector<float> weight;
  int64_t n = 0, k = 0;
};

/// The layer's weight values: evaluated only when the layer could become
/// ternary (`force`, or a weight that may be ternary).
std::optional<Candidate> getCandidate(Operation *op, ConstantEvaluator &evaluator, bool force) {
  if (auto linear = dyn_cast<LinearOp>(op)) {
    if (linear.getWeightFormatAttr() && !isa<RowsAttr>(linear.getWeightFormatAttr()))
      return std::nullopt;
    if (!force && !mayBeTernary(linear.getWeight()))
      return std::nullopt;
    std::optional<FloatTensor> w = evaluator.evaluate(linear.getWeight());
    if (!w || w->shape.size() != 2)
      return std::nullopt;
    return Candidate{linear.getInput(), linear.getBias(), linear.getOutput(),
                     std::move(w->values), w->shape[0], w->shape[1]};
  }
  auto matmul = dyn_cast<MatMulOp>(op);
  if (!matmul)
    return std::nullopt;
  auto rhsType = dyn_cast<RankedTensorType>(matmul.getRhs().getType());
  if (!rhsType || rhsType.getRank() != 2 || !rhsType.hasStaticShape())
    return std::nullopt;
  if (!force && !mayBeTernary(matmul.getRhs()))
    return std::nullopt;
  std::optional<FloatTensor> w = evaluator.evaluate(matmul.getRhs());
  if (!w || w->shape.size() != 2)
    return std::nullopt;
  // MatMul's right-hand side is [K, N].
  int64_t k = w->shape[0], n = w->shape[1];
  std::vector<float> nk(w->values.size());
  for (int64_t r = 0; r < k; ++r)
    for (int64_t c = 0; c < n; ++c)
      nk[c * k + r] = w->values[r * n + c];
  return Candidate{matmul.getLhs(), Value(), matmul.getOutput(), std::move(nk), n, k};
}

bool feedsFunctionResult(Value v) {
  for (Operation *user : v.getUsers())
    if (isa<func::ReturnOp>(user))
      return true;
  return false;
}

struct TernarizePass : ternion::impl::TernTernarizeBase<TernarizePass> {
  using TernTernarizeBase::TernTernarizeBase;

  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    bool force = mode == "force";
    if (mode != "auto" && !force) {
      fn.emitError() << "tern-ternarize: mode must be auto or force, not '" << mode << "'";
      return signalPassFailure();
    }
    std::optional<TernaryPacking> packing = symbolizeTernaryPacking(format);
    // pairs is the lookup-table kernels' layout, which targets repack to.
    if (!packing || *packing == TernaryPacking::Pairs) {
      fn.emitError() << "tern-ternarize: format must be i2 or base3, not '" << format << "'";
      return signalPassFailure();
    }
    MLIRContext *ctx = &getContext();
    auto ternaryFormat = TernaryAttr::get(ctx, *packing, /*lanes=*/1);
    ConstantEvaluator evaluator;
    int64_t exact = 0, forced = 0, floatActivations = 0;
    SmallVector<Operation *> layers;
    fn.walk([&](Operation *op) {
      if (isa<LinearOp, MatMulOp>(op))
        layers.push_back(op);
    });
    OpBuilder builder(ctx);
    for (Operation *op : layers) {
      auto inputType = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
      if (!inputType || inputType.getRank() < 1 || inputType.isDynamicDim(inputType.getRank() - 1) ||
          !inputType.getElementType().isF32())
        continue;
      std::optional<Candidate> layer = getCandidate(op, evaluator, force);
      if (!layer)
        continue;
      std::optional<ActivationQuant> quant = matchQuantizedInput(layer->input);
      DivOp dequantize = quant ? matchDequantize(layer->result, quant->scale) : DivOp();
      if (!dequantize)
        quant.reset();
      std::optional<std::pair<SmallVector<int8_t>, float>> ternary = asTernary(layer->weight);
      Value input;
      Value replaced;
      float eps;
      if (ternary && quant) {
        input = quant->input;
        replaced = dequantize.getOutput();
        eps = quant->eps;
        ++exact;
      } else if (force && !feedsFunctionResult(layer->result)) {
        if (!ternary)
          ternary = absmeanTernary(layer->weight);
        input = quant ? quant->input : layer->input;
        replaced = quant ? dequantize.getOutput() : layer->result;
        eps = quant ? quant->eps : kBitNetEps;
        ++forced;
      } else {
        if (ternary)
          ++floatActivations;
        continue;
      }
      Operation *last = replaced.getDefiningOp();
      builder.setInsertionPoint(last);
      Value codes = ConstantOp::create(
          builder, op->getLoc(),
          makeTernaryCodesAttr(ctx, ternaryFormat, ternary->first, layer->n, layer->k));
      auto resultType = cast<RankedTensorType>(replaced.getType());
      auto ternaryLinear = TernaryLinearOp::create(
          builder, last->getLoc(), resultType, input, codes, layer->bias, ternaryFormat,
          builder.getF32FloatAttr(ternary->second), builder.getF32FloatAttr(eps));
      replaced.replaceAllUsesWith(ternaryLinear.getOutput());
    }
    numTernarized = exact;
    numForced = forced;
    numFloatActivations = floatActivations;
    if (force && forced > 0)
      fn.emitWarning() << "tern-ternarize: mode=force rounded " << forced
                       << " f32 linear layers to ternary weights and int8 inputs; the "
                          "model's outputs change (lossy)";
    if (report)
      fn.emitRemark() << "tern-ternarize: " << exact << " ternary layers, " << forced
                      << " forced, " << floatActivations
                      << " ternary weights left f32 (float inputs)";
  }
};

} // namespace
