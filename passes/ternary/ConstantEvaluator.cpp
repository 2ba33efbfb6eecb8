//===- ConstantEvaluator.cpp - evaluate constant weight subgraphs ---------===//
#include "passes/ternary/ConstantEvaluator.h"

#include "dialects/tern/ConstantValues.h"
#include "dialects/tern/TernOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace ternion::tern;

namespace ternion {
namespace {

using TensorPtr = std::shared_ptr<FloatTensor>;

int64_t numElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

TensorPtr fromConstant(Value value) {
  ElementsAttr attr = getConstantAttr(value);
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!attr || !type || !type.hasStaticShape())
    return nullptr;
  auto result = std::make_shared<FloatTensor>();
  result->shape.assign(type.getShape().begin(), type.getShape().end());
  if (auto floats = getFloatValues(attr)) {
    result->values.assign(floats->begin(), floats->end());
  } else if (auto ints = getIntValues(attr)) {
    result->values.reserve(ints->size());
    for (int64_t v : *ints)
      result->values.push_back(static_cast<float>(v));
  } else {
    return nullptr;
  }
  if (int64_t(result->values.size()) != numElements(result->shape)) {
    // A splat: getFloatValues/getIntValues give one value.
    if (result->values.size() != 1)
      return nullptr;
    result->values.assign(numElements(result->shape), result->values[0]);
  }
  return result;
}

TensorPtr unary(const TensorPtr &in, float (*fn)(float)) {
  auto out = std::make_shared<FloatTensor>(*in);
  for (float &v : out->values)
    v = fn(v);
  return out;
}

/// Same shapes, or one side a single element.
TensorPtr binary(const TensorPtr &a, const TensorPtr &b, float (*fn)(float, float)) {
  bool aScalar = a->values.size() == 1, bScalar = b->values.size() == 1;
  if (!aScalar && !bScalar && a->shape != b->shape)
    return nullptr;
  const TensorPtr &big = aScalar && !bScalar ? b : a;
  auto out = std::make_shared<FloatTensor>();
  // The result's rank is the larger one (numpy broadcasting of a scalar).
  out->shape = a->shape.size() >= b->shape.size() ? a->shape : b->shape;
  if (numElements(out->shape) != int64_t(big->values.size()))
    return nullptr;
  out->values.resize(big->values.size());
  for (size_t i = 0; i < out->values.size(); ++i)
    out->values[i] = fn(a->values[aScalar ? 0 : i], b->values[bScalar ? 0 : i]);
  return out;
}

} // namespace

std::optional<FloatTensor> ConstantEvaluator::evaluate(Value value) {
  TensorPtr result = eval(value, 0);
  // The cache serves values one weight's subgraph uses twice (a training
  // form's scale); kept across weights it would hold every weight of the
  // model.
  cache.clear();
  if (result)
    return std::move(*result);
  return std::nullopt;
}

TensorPtr ConstantEvaluator::eval(Value value, int depth) {
  if (auto it = cache.find(value); it != cache.end())
    return it->second;
  // Weight subgraphs are a handful of ops deep; this bounds the recursion.
  if (depth > 32)
    return nullptr;
  auto sub = [&](Value v) { return v ? eval(v, depth + 1) : nullptr; };
  Operation *op = value.getDefiningOp();
  if (!op)
    return nullptr;
  TensorPtr result =
      llvm::TypeSwitch<Operation *, TensorPtr>(op)
          .Case<ConstantOp>([&](auto) { return fromConstant(value); })
          .Case<CastOp>([&](CastOp cast) -> TensorPtr {
            if (!cast.getTo().isF32())
              return nullptr;
            return sub(cast.getInput());
          })
          .Case<TransposeOp>([&](TransposeOp transpose) -> TensorPtr {
            TensorPtr in = sub(transpose.getInput());
            if (!in || in->shape.size() != 2 ||
                transpose.getPerm() != ArrayRef<int64_t>{1, 0})
              return nullptr;
            auto out = std::make_shared<FloatTensor>();
            int64_t rows = in->shape[0], cols = in->shape[1];
            out->shape = {cols, rows};
            out->values.resize(in->values.size());
            for (int64_t r = 0; r < rows; ++r)
              for (int64_t c = 0; c < cols; ++c)
                out->values[c * rows + r] = in->values[r * cols + c];
            return out;
          })
          .Case<AbsOp>([&](AbsOp o) -> TensorPtr {
            TensorPtr in = sub(o.getInput());
            return in ? unary(in, [](float v) { return std::fabs(v); }) : nullptr;
          })
          .Case<NegOp>([&](NegOp o) -> TensorPtr {
            TensorPtr in = sub(o.getInput());
            return in ? unary(in, [](float v) { return -v; }) : nullptr;
          })
          .Case<RoundOp>([&](RoundOp o) -> TensorPtr {
            TensorPtr in = sub(o.getInput());
            // ONNX Round is half to even: the default rounding mode.
            return in ? unary(in, [](float v) { return std::nearbyint(v); }) : nullptr;
          })
          .Case<ReciprocalOp>([&](ReciprocalOp o) -> TensorPtr {
            TensorPtr in = sub(o.getInput());
            return in ? unary(in, [](float v) { return 1.0f / v; }) : nullptr;
          })
          .Case<AddOp>([&](AddOp o) -> TensorPtr {
            TensorPtr a = sub(o.getLhs()), b = sub(o.getRhs());
            return a && b ? binary(a, b, [](float x, float y) { return x + y; }) : nullptr;
          })
          .Case<SubOp>([&](SubOp o) -> TensorPtr {
            TensorPtr a = sub(o.getLhs()), b = sub(o.getRhs());
            return a && b ? binary(a, b, [](float x, float y) { return x - y; }) : nullptr;
          })
          .Case<MulOp>([&](MulOp o) -> TensorPtr {
            TensorPtr a = sub(o.getLhs()), b = sub(o.getRhs());
            return a && b ? binary(a, b, [](float x, float y) { return x * y; }) : nullptr;
          })
          .Case<DivOp>([&](DivOp o) -> TensorPtr {
            TensorPtr a = sub(o.getLhs()), b = sub(o.getRhs());
            return a && b ? binary(a, b, [](float x, float y) { return x / y; }) : nullptr;
          })
          .Case<ClipOp>([&](ClipOp o) -> TensorPtr {
            TensorPtr in = sub(o.getInput());
            TensorPtr lo = o.getMin() ? sub(o.getMin()) : nullptr;
            TensorPtr hi = o.getMax() ? sub(o.getMax()) : nullptr;
            if (!in || (o.getMin() && (!lo || lo->values.size() != 1)) ||
                (o.getMax() && (!hi || hi->values.size() != 1)))
              return nullptr;
            auto out = std::make_shared<FloatTensor>(*in);
            for (float &v : out->values) {
              if (lo && v < lo->values[0])
                v = lo->values[0];
              if (hi && v > hi->values[0])
                v = hi->values[0];
            }
            return out;
          })
          .Case<ReduceMeanOp>([&](ReduceMeanOp o) -> TensorPtr {
            TensorPtr in = sub(o.getInput());
            if (!in || in->values.empty())
              return nullptr;
            // Only the mean of all elements (BitNet's absmean).
            if (std::optional<ArrayAttr> axes = o.getAxes();
                axes && int64_t(axes->size()) != int64_t(in->shape.size()))
              return nullptr;
            double sum = 0;
            for (float v : in->values)
              sum += v;
            auto out = std::make_shared<FloatTensor>();
            if (o.getKeepdims())
              out->shape.assign(in->shape.size(), 1);
            out->values = {static_cast<float>(sum / double(in->values.size()))};
            return out;
          })
          .Default([](Operation *) { return nullptr; });
  cache[value] = result;
  return result;
}

} // namespace ternion
