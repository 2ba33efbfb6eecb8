//===- OpImporters.cpp - one handler per ONNX op type ---------------------===//
//
// The table maps an ONNX op type to the opset versions where its semantics
// changed and to a handler that builds tern ops for any of them. Versions
// that only added element types are not listed: for types Ternion supports
// such versions behave like the previous one, and unsupported types are
// rejected by type import. A semantic version the handler does not
// implement is listed as unsupported and refused by name.
//
//===----------------------------------------------------------------------===//
#include "ImportContext.h"
#include "ternion/Import/OnnxImporter.h"

#include "dialects/tern/ConstantValues.h"
#include "dialects/tern/TernOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace ternion;
using namespace ternion::import;
namespace tn = ternion::tern;

//===----------------------------------------------------------------------===//
// NodeContext
//===----------------------------------------------------------------------===//

const onnx::AttributeProto *NodeContext::findAttr(StringRef name) const {
  for (const auto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

std::string import::getNodeDisplayName(const onnx::NodeProto &node) {
  if (!node.name().empty())
    return node.name();
  if (node.output_size() && !node.output(0).empty())
    return node.output(0);
  return "<unnamed " + node.op_type() + ">";
}

InFlightDiagnostic NodeContext::emitError() {
  return mlir::emitError(loc) << "node '" << getNodeDisplayName(node) << "' (" << node.op_type()
                              << "): ";
}

FailureOr<int64_t> NodeContext::getInt(StringRef name, int64_t defaultValue) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr)
    return defaultValue;
  if (attr->type() != onnx::AttributeProto::INT)
    return emitError() << "attribute '" << name << "' must be an int";
  return attr->i();
}

FailureOr<float> NodeContext::getFloat(StringRef name, float defaultValue) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr)
    return defaultValue;
  if (attr->type() != onnx::AttributeProto::FLOAT)
    return emitError() << "attribute '" << name << "' must be a float";
  return attr->f();
}

FailureOr<std::optional<SmallVector<int64_t>>> NodeContext::getInts(StringRef name) {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr)
    return std::optional<SmallVector<int64_t>>();
  if (attr->type() != onnx::AttributeProto::INTS)
    return emitError() << "attribute '" << name << "' must be a list of ints";
  return std::optional(SmallVector<int64_t>(attr->ints().begin(), attr->ints().end()));
}

int import::getSinceVersion(const OpInfo &info, int opset) {
  int since = 0;
  for (int v : info.semanticVersions)
    if (v <= opset)
      since = v;
  return since;
}

//===----------------------------------------------------------------------===//
// Building ops with inferred types
//===----------------------------------------------------------------------===//

namespace {

/// Creates `OpTy` and sets its result types by the op's own inference. The
/// inference reports bad shapes and attributes at the node's location; then
/// the op is erased and the import fails.
template <typename OpTy>
FailureOr<Operation *> build(NodeContext &nc, ValueRange operands,
                             ArrayRef<NamedAttribute> attrs = {}, unsigned numResults = 1) {
  for (Value v : operands)
    if (!v)
      return nc.emitError() << "a required input is missing";
  OperationState state(nc.loc, OpTy::getOperationName());
  state.addOperands(operands);
  state.addAttributes(attrs);
  state.addTypes(SmallVector<Type>(numResults, UnrankedTensorType::get(
                                                   nc.builder.getF32Type())));
  Operation *op = nc.builder.create(state);
  SmallVector<Type> types;
  if (failed(OpTy::inferReturnTypes(nc.getContext(), nc.loc, op->getOperands(),
                                    op->getRawDictionaryAttrs(), op->getPropertiesStorage(),
                                    op->getRegions(), types)) ||
      types.size() != numResults) {
    op->erase();
    return failure();
  }
  for (auto [result, type] : llvm::zip(op->getResults(), types))
    result.setType(type);
  return op;
}

NodeResults results(FailureOr<Operation *> op) {
  if (failed(op))
    return failure();
  return SmallVector<Value>((*op)->getResults());
}

template <typename OpTy>
NodeResults single(NodeContext &nc, ValueRange operands, ArrayRef<NamedAttribute> attrs = {}) {
  return results(build<OpTy>(nc, operands, attrs));
}

NamedAttribute named(NodeContext &nc, StringRef name, Attribute value) {
  return nc.builder.getNamedAttr(name, value);
}

/// A constant input's integer values (axes, split sizes): ONNX allows these
/// to be computed, Ternion requires them to be known at compile time.
FailureOr<SmallVector<int64_t>> constantInts(NodeContext &nc, unsigned index,
                                             StringRef what) {
  Value v = nc.input(index);
  auto values = tn::getConstantIntValues(v);
  if (!values)
    return nc.emitError() << what << " (input " << index
                          << ") must be a constant; computed " << what
                          << " are not supported";
  return *values;
}

Value constantI64(NodeContext &nc, ArrayRef<int64_t> values) {
  auto attr = tn::makeI64Elements(nc.getContext(), {int64_t(values.size())}, values);
  return tn::ConstantOp::create(nc.builder, nc.loc, attr);
}

//===----------------------------------------------------------------------===//
// Handlers
//===----------------------------------------------------------------------===//

template <typename OpTy>
NodeResults importBinary(NodeContext &nc) {
  return single<OpTy>(nc, {nc.input(0), nc.input(1)});
}

template <typename OpTy>
NodeResults importUnary(NodeContext &nc) {
  return single<OpTy>(nc, {nc.input(0)});
}

/// Min and Max are variadic in ONNX: fold them pairwise.
template <typename OpTy>
NodeResults importVariadic(NodeContext &nc) {
  if (nc.inputs.empty())
    return nc.emitError() << "needs at least one input";
  Value acc = nc.input(0);
  if (nc.inputs.size() == 1)
    return single<tn::IdentityOp>(nc, {acc});
  for (unsigned i = 1; i < nc.inputs.size(); ++i) {
    auto op = build<OpTy>(nc, {acc, nc.input(i)});
    if (failed(op))
      return failure();
    acc = (*op)->getResult(0);
  }
  return SmallVector<Value>{acc};
}

NodeResults importCast(NodeContext &nc) {
  auto to = nc.getInt("to", 0);
  if (failed(to))
    return failure();
  Type type = getElementType(nc.getContext(), int32_t(*to));
  if (!type)
    return nc.emitError() << "cannot cast to " << getDataTypeName(int32_t(*to));
  return single<tn::CastOp>(nc, {nc.input(0)}, {named(nc, "to", TypeAttr::get(type))});
}

/// CastLike: a Cast to the element type of the second input.
NodeResults importCastLike(NodeContext &nc) {
  if (!nc.input(1))
    return nc.emitError() << "a required input is missing";
  Type type = getElementTypeOrSelf(nc.input(1));
  return single<tn::CastOp>(nc, {nc.input(0)}, {named(nc, "to", TypeAttr::get(type))});
}

/// A rank-0 constant of `value` in the element type of `like`.
Value scalarLike(NodeContext &nc, Value like, double value) {
  Type element = getElementTypeOrSelf(like);
  auto type = RankedTensorType::get({}, element);
  return tn::ConstantOp::create(nc.builder, nc.loc,
                                DenseElementsAttr::get(type, FloatAttr::get(element, value)));
}

/// Sinh and Cosh: (exp(x) -/+ exp(-x)) / 2, as ONNX defines them; no
/// dedicated op, since models use them rarely and only in small tensors.
template <typename CombineOp>
NodeResults importHyperbolic(NodeContext &nc) {
  Value x = nc.input(0); // Present: the importer checks input 0 of every op.
  if (!isa<FloatType>(getElementTypeOrSelf(x)))
    return nc.emitError() << "needs a floating-point input";
  auto negated = build<tn::NegOp>(nc, {x});
  if (failed(negated))
    return failure();
  auto up = build<tn::ExpOp>(nc, {x});
  auto down = build<tn::ExpOp>(nc, {(*negated)->getResult(0)});
  if (failed(up) || failed(down))
    return failure();
  auto combined = build<CombineOp>(nc, {(*up)->getResult(0), (*down)->getResult(0)});
  if (failed(combined))
    return failure();
  return single<tn::MulOp>(nc, {(*combined)->getResult(0), scalarLike(nc, x, 0.5)});
}

/// Size: the number of elements, an int64 scalar; the product of the dims
/// read through Shape when some are dynamic.
NodeResults importSize(NodeContext &nc) {
  Value x = nc.input(0);
  auto type = dyn_cast<RankedTensorType>(x.getType());
  if (!type)
    return nc.emitError() << "the input's rank must be known";
  auto scalar = [&](int64_t v) -> Value {
    auto scalarType = RankedTensorType::get({}, nc.builder.getI64Type());
    return tn::ConstantOp::create(
        nc.builder, nc.loc, DenseElementsAttr::get(scalarType, nc.builder.getI64IntegerAttr(v)));
  };
  // Static shapes (a rank-0 one included) fold to their element count.
  if (type.hasStaticShape())
    return SmallVector<Value>{scalar(type.getNumElements())};
  auto shape = build<tn::ShapeOp>(nc, {x});
  if (failed(shape))
    return failure();
  Value product;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    auto dim = build<tn::GatherOp>(nc, {(*shape)->getResult(0), scalar(i)},
                                   {named(nc, "axis", nc.builder.getI64IntegerAttr(0))});
    if (failed(dim))
      return failure();
    if (!product) {
      product = (*dim)->getResult(0);
      continue;
    }
    auto next = build<tn::MulOp>(nc, {product, (*dim)->getResult(0)});
    if (failed(next))
      return failure();
    product = (*next)->getResult(0);
  }
  return SmallVector<Value>{product};
}

NodeResults importClip(NodeContext &nc) {
  Value input = nc.input(0), min, max;
  if (nc.sinceVersion < 11) {
    auto scalar = [&](StringRef name) -> FailureOr<Value> {
      if (!nc.findAttr(name))
        return Value();
      auto v = nc.getFloat(name, 0);
      if (failed(v))
        return failure();
      return scalarLike(nc, input, *v);
    };
    auto lo = scalar("min"), hi = scalar("max");
    if (failed(lo) || failed(hi))
      return failure();
    min = *lo;
    max = *hi;
  } else {
    min = nc.input(1);
    max = nc.input(2);
  }
  SmallVector<Value> operands{input};
  if (min)
    operands.push_back(min);
  if (max)
    operands.push_back(max);
  return single<tn::ClipOp>(
      nc, operands,
      {named(nc, "operandSegmentSizes",
             nc.builder.getDenseI32ArrayAttr({1, min ? 1 : 0, max ? 1 : 0}))});
}

NodeResults importGemm(NodeContext &nc) {
  auto alpha = nc.getFloat("alpha", 1), beta = nc.getFloat("beta", 1);
  auto ta = nc.getInt("transA", 0), tb = nc.getInt("transB", 0);
  if (failed(alpha) || failed(beta) || failed(ta) || failed(tb))
    return failure();
  SmallVector<Value> operands{nc.input(0), nc.input(1)};
  if (nc.input(2))
    operands.push_back(nc.input(2));
  return single<tn::GemmOp>(nc, operands,
                            {named(nc, "alpha", nc.builder.getF32FloatAttr(*alpha)),
                             named(nc, "beta", nc.builder.getF32FloatAttr(*beta)),
                             named(nc, "trans_a", nc.builder.getBoolAttr(*ta)),
                             named(nc, "trans_b", nc.builder.getBoolAttr(*tb))});
}

NodeResults importMatMulInteger(NodeContext &nc) {
  SmallVector<Value> operands{nc.input(0), nc.input(1)};
  for (unsigned i : {2u, 3u})
    if (nc.input(i))
      operands.push_back(nc.input(i));
  return single<tn::MatMulIntegerOp>(
      nc, operands,
      {named(nc, "operandSegmentSizes",
             nc.builder.getDenseI32ArrayAttr(
                 {1, 1, nc.input(2) ? 1 : 0, nc.input(3) ? 1 : 0}))});
}

/// Softmax and LogSoftmax: opset 13 normalizes one axis (default -1); older
/// versions flatten to 2-D at `axis` (default 1) and normalize each row.
template <typename OpTy>
NodeResults importSoftmax(NodeContext &nc) {
  bool legacy = nc.sinceVersion < 13;
  auto axis = nc.getInt("axis", legacy ? 1 : -1);
  if (failed(axis))
    return failure();
  Value input = nc.input(0);
  auto type = dyn_cast<RankedTensorType>(input.getType());
  if (!legacy || (type && (*axis == type.getRank() - 1 || *axis == -1)))
    return single<OpTy>(nc, {input}, {named(nc, "axis", nc.builder.getI64IntegerAttr(*axis))});
  auto flat = build<tn::FlattenOp>(nc, {input},
                                   {named(nc, "axis", nc.builder.getI64IntegerAttr(*axis))});
  if (failed(flat))
    return failure();
  auto normalized = build<OpTy>(nc, {(*flat)->getResult(0)},
                                {named(nc, "axis", nc.builder.getI64IntegerAttr(-1))});
  auto shape = build<tn::ShapeOp>(nc, {input});
  if (failed(normalized) || failed(shape))
    return failure();
  return single<tn::ReshapeOp>(nc, {(*normalized)->getResult(0), (*shape)->getResult(0)});
}

/// LayerNormalization whose Mean / InvStdDev outputs are used (training
/// graphs, ONNX's tests) as ONNX's own function body: mean and variance by
/// ReduceMean, InvStdDev = 1 / sqrt(var + epsilon). Inference graphs use
/// only Y and get the single tern.layer_norm.
NodeResults importLayerNormWithStats(NodeContext &nc, int64_t axis, float eps) {
  auto type = dyn_cast<RankedTensorType>(nc.input(0).getType());
  if (!type)
    return nc.emitError() << "the Mean and InvStdDev outputs need an input of known rank";
  int64_t rank = type.getRank();
  if (axis < -rank || axis >= rank)
    return nc.emitError() << "axis " << axis << " is out of range for rank " << rank;
  if (axis < 0)
    axis += rank;
  SmallVector<int64_t> axes;
  for (int64_t i = axis; i < rank; ++i)
    axes.push_back(i);
  auto reduceAttrs = [&] {
    return SmallVector<NamedAttribute>{
        named(nc, "axes", nc.builder.getI64ArrayAttr(axes)),
        named(nc, "keepdims", nc.builder.getBoolAttr(true))};
  };
  auto value = [](FailureOr<Operation *> op) {
    return failed(op) ? Value() : (*op)->getResult(0);
  };
  Value x = nc.input(0);
  Value mean = value(build<tn::ReduceMeanOp>(nc, {x}, reduceAttrs()));
  Value centered = mean ? value(build<tn::SubOp>(nc, {x, mean})) : Value();
  Value squared = centered ? value(build<tn::MulOp>(nc, {centered, centered})) : Value();
  Value variance = squared ? value(build<tn::ReduceMeanOp>(nc, {squared}, reduceAttrs()))
                           : Value();
  if (!variance)
    return failure();
  Type element = type.getElementType();
  auto epsAttr = DenseElementsAttr::get(RankedTensorType::get({}, element),
                                        nc.builder.getFloatAttr(element, eps));
  Value epsilon = tn::ConstantOp::create(nc.builder, nc.loc, epsAttr);
  Value shifted = value(build<tn::AddOp>(nc, {variance, epsilon}));
  Value stddev = shifted ? value(build<tn::SqrtOp>(nc, {shifted})) : Value();
  Value invStdDev = stddev ? value(build<tn::ReciprocalOp>(nc, {stddev})) : Value();
  Value normalized = invStdDev ? value(build<tn::MulOp>(nc, {centered, invStdDev})) : Value();
  Value y = normalized ? value(build<tn::MulOp>(nc, {normalized, nc.input(1)})) : Value();
  if (y && nc.input(2))
    y = value(build<tn::AddOp>(nc, {y, nc.input(2)}));
  if (!y)
    return failure();
  return SmallVector<Value>{y, mean, invStdDev};
}

NodeResults importLayerNorm(NodeContext &nc) {
  auto axis = nc.getInt("axis", -1);
  auto eps = nc.getFloat("epsilon", 1e-5f);
  auto stash = nc.getInt("stash_type", 1);
  if (failed(axis) || failed(eps) || failed(stash))
    return failure();
  if (*stash != 1)
    return nc.emitError() << "stash_type " << *stash << " is not supported (only 1, float)";
  bool statsUsed = false;
  for (int i = 1; i < nc.node.output_size(); ++i)
    statsUsed |= !nc.node.output(i).empty();
  if (statsUsed)
    return importLayerNormWithStats(nc, *axis, *eps);
  SmallVector<Value> operands{nc.input(0), nc.input(1)};
  if (nc.input(2))
    operands.push_back(nc.input(2));
  return single<tn::LayerNormOp>(nc, operands,
                                 {named(nc, "axis", nc.builder.getI64IntegerAttr(*axis)),
                                  named(nc, "epsilon", nc.builder.getF32FloatAttr(*eps))});
}

/// Reductions: axes were an attribute until opset 13 (ReduceSum) or 18
/// (ReduceMean, ReduceMax), then an optional input.
template <typename OpTy, int AxesInputSince>
NodeResults importReduce(NodeContext &nc) {
  auto keepdims = nc.getInt("keepdims", 1);
  auto noop = nc.getInt("noop_with_empty_axes", 0);
  if (failed(keepdims) || failed(noop))
    return failure();
  std::optional<SmallVector<int64_t>> axes;
  if (nc.sinceVersion >= AxesInputSince) {
    if (nc.input(1)) {
      auto values = constantInts(nc, 1, "axes");
      if (failed(values))
        return failure();
      axes = *values;
    }
  } else {
    auto values = nc.getInts("axes");
    if (failed(values))
      return failure();
    axes = *values;
  }
  SmallVector<NamedAttribute> attrs{
      named(nc, "keepdims", nc.builder.getBoolAttr(*keepdims)),
      named(nc, "noop_with_empty_axes", nc.builder.getBoolAttr(*noop))};
  if (axes)
    attrs.push_back(named(nc, "axes", nc.builder.getI64ArrayAttr(*axes)));
  return single<OpTy>(nc, {nc.input(0)}, attrs);
}

NodeResults importArgMax(NodeContext &nc) {
  auto axis = nc.getInt("axis", 0), keepdims = nc.getInt("keepdims", 1),
       last = nc.getInt("select_last_index", 0);
  if (failed(axis) || failed(keepdims) || failed(last))
    return failure();
  return single<tn::ArgMaxOp>(nc, {nc.input(0)},
                              {named(nc, "axis", nc.builder.getI64IntegerAttr(*axis)),
                               named(nc, "keepdims", nc.builder.getBoolAttr(*keepdims)),
                               named(nc, "select_last_index", nc.builder.getBoolAttr(*last))});
}

NodeResults importCumSum(NodeContext &nc) {
  auto axis = constantInts(nc, 1, "axis");
  auto exclusive = nc.getInt("exclusive", 0), reverse = nc.getInt("reverse", 0);
  if (failed(axis) || failed(exclusive) || failed(reverse))
    return failure();
  if (axis->size() != 1)
    return nc.emitError() << "axis must be a scalar";
  return single<tn::CumSumOp>(nc, {nc.input(0)},
                              {named(nc, "axis", nc.builder.getI64IntegerAttr((*axis)[0])),
                               named(nc, "exclusive", nc.builder.getBoolAttr(*exclusive)),
                               named(nc, "reverse", nc.builder.getBoolAttr(*reverse))});
}

NodeResults importTranspose(NodeContext &nc) {
  auto perm = nc.getInts("perm");
  if (failed(perm))
    return failure();
  SmallVector<int64_t> order;
  if (*perm) {
    order = **perm;
  } else {
    auto type = dyn_cast<RankedTensorType>(nc.input(0).getType());
    if (!type)
      return nc.emitError() << "Transpose without perm needs an input of known rank";
    for (int64_t i = type.getRank() - 1; i >= 0; --i)
      order.push_back(i);
  }
  return single<tn::TransposeOp>(nc, {nc.input(0)},
                                 {named(nc, "perm", nc.builder.getDenseI64ArrayAttr(order))});
}

NodeResults importReshape(NodeContext &nc) {
  auto allowzero = nc.getInt("allowzero", 0);
  if (failed(allowzero))
    return failure();
  return single<tn::ReshapeOp>(nc, {nc.input(0), nc.input(1)},
                               {named(nc, "allowzero", nc.builder.getBoolAttr(*allowzero))});
}

NodeResults importFlatten(NodeContext &nc) {
  auto axis = nc.getInt("axis", 1);
  if (failed(axis))
    return failure();
  return single<tn::FlattenOp>(nc, {nc.input(0)},
                               {named(nc, "axis", nc.builder.getI64IntegerAttr(*axis))});
}

/// Squeeze/Unsqueeze: axes attribute before opset 13, input from 13.
template <typename OpTy, bool AxesRequired>
NodeResults importSqueezeLike(NodeContext &nc) {
  std::optional<SmallVector<int64_t>> axes;
  if (nc.sinceVersion >= 13) {
    if (nc.input(1)) {
      auto values = constantInts(nc, 1, "axes");
      if (failed(values))
        return failure();
      axes = *values;
    }
  } else {
    auto values = nc.getInts("axes");
    if (failed(values))
      return failure();
    axes = *values;
  }
  if (AxesRequired && !axes)
    return nc.emitError() << "axes are required";
  SmallVector<NamedAttribute> attrs;
  if (axes)
    attrs.push_back(named(nc, "axes", nc.builder.getI64ArrayAttr(*axes)));
  return single<OpTy>(nc, {nc.input(0)}, attrs);
}

NodeResults importConcat(NodeContext &nc) {
  auto axis = nc.getInt("axis", 0);
  if (failed(axis))
    return failure();
  if (!nc.findAttr("axis"))
    return nc.emitError() << "attribute 'axis' is required";
  return single<tn::ConcatOp>(nc, nc.inputs,
                              {named(nc, "axis", nc.builder.getI64IntegerAttr(*axis))});
}

NodeResults importSplit(NodeContext &nc) {
  auto axis = nc.getInt("axis", 0);
  if (failed(axis))
    return failure();
  std::optional<SmallVector<int64_t>> sizes;
  if (nc.sinceVersion >= 13) {
    if (nc.input(1)) {
      auto values = constantInts(nc, 1, "split");
      if (failed(values))
        return failure();
      sizes = *values;
    }
  } else {
    auto values = nc.getInts("split");
    if (failed(values))
      return failure();
    sizes = *values;
  }
  unsigned outputs = nc.node.output_size();
  SmallVector<NamedAttribute> attrs{named(nc, "axis", nc.builder.getI64IntegerAttr(*axis))};
  if (sizes) {
    if (sizes->size() != outputs)
      return nc.emitError() << "split has " << sizes->size() << " sizes for " << outputs
                            << " outputs";
    attrs.push_back(named(nc, "split", nc.builder.getDenseI64ArrayAttr(*sizes)));
  } else {
    if (nc.sinceVersion >= 18) {
      auto n = nc.getInt("num_outputs", outputs);
      if (failed(n))
        return failure();
      if (*n != int64_t(outputs))
        return nc.emitError() << "num_outputs " << *n << " differs from " << outputs
                              << " outputs";
    }
    attrs.push_back(named(nc, "num_outputs", nc.builder.getI64IntegerAttr(outputs)));
  }
  return results(build<tn::SplitOp>(nc, {nc.input(0)}, attrs, outputs));
}

NodeResults importSlice(NodeContext &nc) {
  SmallVector<Value> operands{nc.input(0)};
  Value axes, steps;
  if (nc.sinceVersion < 10) {
    auto starts = nc.getInts("starts"), ends = nc.getInts("ends"), ax = nc.getInts("axes");
    if (failed(starts) || failed(ends) || failed(ax))
      return failure();
    if (!*starts || !*ends)
      return nc.emitError() << "attributes 'starts' and 'ends' are required";
    operands.push_back(constantI64(nc, **starts));
    operands.push_back(constantI64(nc, **ends));
    if (*ax)
      axes = constantI64(nc, **ax);
  } else {
    operands.push_back(nc.input(1));
    operands.push_back(nc.input(2));
    axes = nc.input(3);
    steps = nc.input(4);
  }
  if (axes)
    operands.push_back(axes);
  if (steps)
    operands.push_back(steps);
  return single<tn::SliceOp>(
      nc, operands,
      {named(nc, "operandSegmentSizes",
             nc.builder.getDenseI32ArrayAttr({1, 1, 1, axes ? 1 : 0, steps ? 1 : 0}))});
}

NodeResults importGather(NodeContext &nc) {
  auto axis = nc.getInt("axis", 0);
  if (failed(axis))
    return failure();
  return single<tn::GatherOp>(nc, {nc.input(0), nc.input(1)},
                              {named(nc, "axis", nc.builder.getI64IntegerAttr(*axis))});
}

NodeResults importGatherElements(NodeContext &nc) {
  auto axis = nc.getInt("axis", 0);
  if (failed(axis))
    return failure();
  return single<tn::GatherElementsOp>(nc, {nc.input(0), nc.input(1)},
                                      {named(nc, "axis", nc.builder.getI64IntegerAttr(*axis))});
}

NodeResults importGatherND(NodeContext &nc) {
  auto batchDims = nc.getInt("batch_dims", 0);
  if (failed(batchDims))
    return failure();
  return single<tn::GatherNDOp>(
      nc, {nc.input(0), nc.input(1)},
      {named(nc, "batch_dims", nc.builder.getI64IntegerAttr(*batchDims))});
}

NodeResults importShape(NodeContext &nc) {
  auto start = nc.getInt("start", 0);
  if (failed(start))
    return failure();
  SmallVector<NamedAttribute> attrs{named(nc, "start", nc.builder.getI64IntegerAttr(*start))};
  if (nc.findAttr("end")) {
    auto end = nc.getInt("end", 0);
    if (failed(end))
      return failure();
    attrs.push_back(named(nc, "end", nc.builder.getI64IntegerAttr(*end)));
  }
  return single<tn::ShapeOp>(nc, {nc.input(0)}, attrs);
}

NodeResults importTrilu(NodeContext &nc) {
  auto upper = nc.getInt("upper", 1);
  if (failed(upper))
    return failure();
  SmallVector<Value> operands{nc.input(0)};
  if (nc.input(1))
    operands.push_back(nc.input(1));
  return single<tn::TriluOp>(nc, operands, {named(nc, "upper", nc.builder.getBoolAttr(*upper))});
}

NodeResults importConstant(NodeContext &nc) {
  if (nc.node.attribute_size() != 1)
    return nc.emitError() << "needs exactly one value attribute, has "
                          << nc.node.attribute_size();
  const onnx::AttributeProto &attr = nc.node.attribute(0);
  onnx::TensorProto tensor;
  tensor.set_name(nc.node.output_size() ? nc.node.output(0) : nc.node.name());
  StringRef name = attr.name();
  if (name == "value" && attr.type() == onnx::AttributeProto::TENSOR) {
    tensor = attr.t();
    if (tensor.name().empty() && nc.node.output_size())
      tensor.set_name(nc.node.output(0));
  } else if (name == "value_float" && attr.type() == onnx::AttributeProto::FLOAT) {
    tensor.set_data_type(onnx::TensorProto::FLOAT);
    tensor.add_float_data(attr.f());
  } else if (name == "value_floats" && attr.type() == onnx::AttributeProto::FLOATS) {
    tensor.set_data_type(onnx::TensorProto::FLOAT);
    tensor.add_dims(attr.floats_size());
    for (float f : attr.floats())
      tensor.add_float_data(f);
  } else if (name == "value_int" && attr.type() == onnx::AttributeProto::INT) {
    tensor.set_data_type(onnx::TensorProto::INT64);
    tensor.add_int64_data(attr.i());
  } else if (name == "value_ints" && attr.type() == onnx::AttributeProto::INTS) {
    tensor.set_data_type(onnx::TensorProto::INT64);
    tensor.add_dims(attr.ints_size());
    for (int64_t i : attr.ints())
      tensor.add_int64_data(i);
  } else {
    return nc.emitError() << "value attribute '" << name
                          << "' is not supported (sparse and string constants are not)";
  }
  ElementsAttr value = importTensor(tensor, nc.source, nc.loc);
  if (!value)
    return failure();
  return SmallVector<Value>{tn::ConstantOp::create(nc.builder, nc.loc, value)};
}

NodeResults importConstantOfShape(NodeContext &nc) {
  ElementsAttr value;
  if (const onnx::AttributeProto *attr = nc.findAttr("value")) {
    if (attr->type() != onnx::AttributeProto::TENSOR)
      return nc.emitError() << "attribute 'value' must be a tensor";
    onnx::TensorProto tensor = attr->t();
    value = importTensor(tensor, nc.source, nc.loc);
    if (!value)
      return failure();
  } else {
    auto type = RankedTensorType::get({1}, nc.builder.getF32Type());
    value = DenseElementsAttr::get(type, 0.0f);
  }
  if (value.getNumElements() != 1)
    return nc.emitError() << "attribute 'value' must have one element";
  return single<tn::ConstantOfShapeOp>(nc, {nc.input(0)}, {named(nc, "value", value)});
}

NodeResults importRange(NodeContext &nc) {
  return single<tn::RangeOp>(nc, {nc.input(0), nc.input(1), nc.input(2)});
}

template <typename OpTy>
NodeResults importQuantize(NodeContext &nc) {
  auto axis = nc.getInt("axis", 1);
  if (failed(axis))
    return failure();
  if (const onnx::AttributeProto *block = nc.findAttr("block_size"); block && block->i() != 0)
    return nc.emitError() << "blocked quantization (block_size) is not supported";
  SmallVector<Value> operands{nc.input(0), nc.input(1)};
  if (nc.input(2))
    operands.push_back(nc.input(2));
  return single<OpTy>(nc, operands, {named(nc, "axis", nc.builder.getI64IntegerAttr(*axis))});
}

NodeResults importDynamicQuantize(NodeContext &nc) {
  return results(build<tn::DynamicQuantizeLinearOp>(nc, {nc.input(0)}, {}, 3));
}

} // namespace

const llvm::StringMap<OpInfo> &import::getOpTable() {
  static const llvm::StringMap<OpInfo> table = [] {
    llvm::StringMap<OpInfo> t;
    auto add = [&](StringRef op, std::initializer_list<int> versions, NodeHandler h,
                   std::initializer_list<int> unsupported = {}) {
      t[op] = OpInfo{op, versions, unsupported, h};
    };
    // Elementwise. Versions 7 (broadcasting) onward; later ones added types.
    add("Add", {7}, importBinary<tn::AddOp>);
    add("Sub", {7}, importBinary<tn::SubOp>);
    add("Mul", {7}, importBinary<tn::MulOp>);
    add("Div", {7}, importBinary<tn::DivOp>);
    add("Pow", {7}, importBinary<tn::PowOp>);
    add("Equal", {7}, importBinary<tn::EqualOp>);
    add("Less", {7}, importBinary<tn::LessOp>);
    add("Greater", {7}, importBinary<tn::GreaterOp>);
    add("And", {7}, importBinary<tn::AndOp>);
    add("Or", {7}, importBinary<tn::OrOp>);
    add("Where", {9}, [](NodeContext &nc) {
      return single<tn::WhereOp>(nc, {nc.input(0), nc.input(1), nc.input(2)});
    });
    add("Min", {6, 8}, importVariadic<tn::MinOp>);
    add("Max", {6, 8}, importVariadic<tn::MaxOp>);
    add("Sqrt", {6}, importUnary<tn::SqrtOp>);
    add("Neg", {6}, importUnary<tn::NegOp>);
    add("Abs", {6}, importUnary<tn::AbsOp>);
    add("Exp", {6}, importUnary<tn::ExpOp>);
    add("Log", {6}, importUnary<tn::LogOp>);
    add("Reciprocal", {6}, importUnary<tn::ReciprocalOp>);
    add("Erf", {9}, importUnary<tn::ErfOp>);
    add("Tanh", {6}, importUnary<tn::TanhOp>);
    add("Sigmoid", {6}, importUnary<tn::SigmoidOp>);
    add("Relu", {6}, importUnary<tn::ReluOp>);
    add("Sin", {7}, importUnary<tn::SinOp>);
    add("Cos", {7}, importUnary<tn::CosOp>);
    add("Round", {11}, importUnary<tn::RoundOp>);
    add("Not", {1}, importUnary<tn::NotOp>);
    add("Identity", {1}, importUnary<tn::IdentityOp>);
    add("Cast", {6}, importCast);
    add("CastLike", {15}, importCastLike);
    add("Sinh", {9}, importHyperbolic<tn::SubOp>);
    add("Cosh", {9}, importHyperbolic<tn::AddOp>);
    add("Clip", {6, 11}, importClip);
    // Contractions and normalizations.
    add("MatMul", {1}, importBinary<tn::MatMulOp>);
    add("Gemm", {7, 11}, importGemm);
    add("MatMulInteger", {10}, importMatMulInteger);
    add("Softmax", {1, 11, 13}, importSoftmax<tn::SoftmaxOp>);
    add("LogSoftmax", {1, 11, 13}, importSoftmax<tn::LogSoftmaxOp>);
    add("LayerNormalization", {17}, importLayerNorm);
    // Reductions.
    add("ReduceMean", {1, 11, 13, 18}, importReduce<tn::ReduceMeanOp, 18>);
    add("ReduceSum", {1, 11, 13}, importReduce<tn::ReduceSumOp, 13>);
    add("ReduceMax", {1, 11, 12, 13, 18}, importReduce<tn::ReduceMaxOp, 18>);
    add("ArgMax", {1, 11, 12, 13}, importArgMax);
    add("CumSum", {11}, importCumSum);
    // Shape and data movement.
    add("Transpose", {1}, importTranspose);
    add("Reshape", {5, 14}, importReshape);
    add("Flatten", {1, 9, 11}, importFlatten);
    add("Squeeze", {1, 11, 13}, importSqueezeLike<tn::SqueezeOp, false>);
    add("Unsqueeze", {1, 11, 13}, importSqueezeLike<tn::UnsqueezeOp, true>);
    add("Concat", {4, 11}, importConcat);
    add("Split", {2, 11, 13, 18}, importSplit);
    add("Slice", {1, 10, 11}, importSlice);
    add("Gather", {1, 11}, importGather);
    add("GatherElements", {11}, importGatherElements);
    add("GatherND", {11, 12}, importGatherND);
    add("Expand", {8}, [](NodeContext &nc) {
      return single<tn::ExpandOp>(nc, {nc.input(0), nc.input(1)});
    });
    add("Shape", {1, 15}, importShape);
    add("Size", {1}, importSize);
    add("Trilu", {14}, importTrilu);
    // Constants and generators.
    add("Constant", {1, 9, 11, 12}, importConstant);
    add("ConstantOfShape", {9}, importConstantOfShape);
    add("Range", {11}, importRange);
    // Quantization.
    add("QuantizeLinear", {10, 13, 21}, importQuantize<tn::QuantizeLinearOp>);
    add("DequantizeLinear", {10, 13, 21}, importQuantize<tn::DequantizeLinearOp>);
    add("DynamicQuantizeLinear", {11}, importDynamicQuantize);
    return t;
  }();
  return table;
}

std::vector<std::string> ternion::getSupportedOnnxOpTypes() {
  std::vector<std::string> ops;
  for (const auto &entry : import::getOpTable())
    ops.push_back(entry.getKey().str());
  llvm::sort(ops);
  return ops;
}
