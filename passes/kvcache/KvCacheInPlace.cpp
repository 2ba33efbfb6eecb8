//===- KvCacheInPlace.cpp - the tern-kv-cache-in-place pass ---------------===//
//
// Passes.td describes the rewrite. The runtime side (which buffer it passes,
// how it checks the capacity) is in docs/runtime.md.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "dialects/tern/TernOps.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"

namespace ternion {
#define GEN_PASS_DEF_TERNKVCACHEINPLACE
#include "passes/Passes.h.inc"
} // namespace ternion

using namespace mlir;

namespace ternion {
namespace {

constexpr llvm::StringLiteral kNameAttr = "tern.name";
constexpr llvm::StringLiteral kDimParamsAttr = "tern.dim_params";
constexpr llvm::StringLiteral kKvCacheAttr = "tern.kv_cache";

StringRef argName(func::FuncOp fn, unsigned i) {
  auto name = fn.getArgAttrOfType<StringAttr>(i, kNameAttr);
  return name ? name.getValue() : StringRef();
}

/// One present.N.* result and what produces it.
struct CachePair {
  unsigned result;
  unsigned arg;
  tern::ConcatOp concat;
};

/// Matches `present.<rest> = concat(past_key_values.<rest>, new, axis=2)`
/// where the past argument has no other use. Returns a reason on failure.
std::string matchPair(func::FuncOp fn, func::ReturnOp ret, unsigned result, CachePair &pair) {
  Value value = ret.getOperand(result);
  auto concat = value.getDefiningOp<tern::ConcatOp>();
  if (!concat || concat.getInputs().size() != 2)
    return "it is not a Concat of the past cache and the new rows";
  auto type = dyn_cast<RankedTensorType>(concat.getType());
  if (!type || type.getRank() != 4)
    return "it is not a rank-4 [batch, heads, sequence, head_dim] tensor";
  // The ODS getter of an I64Attr returns it unsigned.
  auto axis = static_cast<int64_t>(concat.getAxis());
  if (axis != 2 && axis != -2)
    return "its Concat is along axis " + std::to_string(axis) + ", not 2";
  auto past = dyn_cast<BlockArgument>(concat.getInputs()[0]);
  if (!past || past.getOwner() != &fn.getBody().front())
    return "its Concat's first operand is not a function argument";
  auto resultName = fn.getResultAttrOfType<StringAttr>(result, kNameAttr);
  std::string expected =
      "past_key_values." + resultName.getValue().drop_front(strlen("present.")).str();
  if (argName(fn, past.getArgNumber()) != expected)
    return "its Concat's first operand is '" + argName(fn, past.getArgNumber()).str() +
           "', not '" + expected + "'";
  if (!past.hasOneUse())
    return "'" + expected + "' has uses besides the Concat";
  pair = {result, past.getArgNumber(), concat};
  return "";
}

struct KvCacheInPlacePass : impl::TernKvCacheInPlaceBase<KvCacheInPlacePass> {
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    if (fn.isExternal() || !fn.getBody().hasOneBlock())
      return;
    auto ret = cast<func::ReturnOp>(fn.getBody().front().getTerminator());

    SmallVector<CachePair> pairs;
    for (unsigned i = 0, e = fn.getNumResults(); i < e; ++i) {
      auto name = fn.getResultAttrOfType<StringAttr>(i, kNameAttr);
      if (!name || !name.getValue().starts_with("present."))
        continue;
      CachePair pair;
      std::string reason = matchPair(fn, ret, i, pair);
      if (!reason.empty()) {
        fn.emitError() << "cannot update the KV cache in place: output '" << name.getValue()
                       << "': " << reason;
        return signalPassFailure();
      }
      pairs.push_back(pair);
    }
    if (pairs.empty())
      return;

    std::optional<unsigned> maskArg;
    for (unsigned i = 0, e = fn.getNumArguments(); i < e; ++i)
      if (argName(fn, i) == "attention_mask")
        maskArg = i;
    if (!maskArg || cast<ShapedType>(fn.getArgument(*maskArg).getType()).getRank() != 2) {
      fn.emitError("cannot update the KV cache in place: the function has no rank-2 "
                   "'attention_mask' input to take the past length from");
      return signalPassFailure();
    }

    MLIRContext *ctx = &getContext();
    OpBuilder b(ctx);
    SmallVector<Value> updates;
    for (CachePair &pair : pairs)
      updates.push_back(rewritePair(b, fn, pair, fn.getArgument(*maskArg)));

    // Keep the updates alive where the old results were returned, then drop
    // those results.
    b.setInsertionPoint(ret);
    for (auto [pair, update] : llvm::zip(pairs, updates)) {
      auto materialize = bufferization::MaterializeInDestinationOp::create(
          b, ret.getLoc(), TypeRange(), update, fn.getArgument(pair.arg));
      materialize.setRestrict(true);
      materialize.setWritable(true);
    }
    llvm::BitVector dropped(fn.getNumResults());
    for (CachePair &pair : pairs)
      dropped.set(pair.result);
    ret->eraseOperands(dropped);
    if (failed(fn.eraseResults(dropped))) {
      fn.emitError("cannot drop the present.N results");
      return signalPassFailure();
    }
    fn.setFunctionType(FunctionType::get(ctx, fn.getBody().front().getArgumentTypes(),
                                         fn.getResultTypes()));
    for (CachePair &pair : pairs)
      if (pair.concat->use_empty())
        pair.concat->erase();
    numCaches += pairs.size();
  }

  /// Turns `pair`'s argument into the cache buffer and replaces the Concat's
  /// uses with a view of its first past + sequence rows. Returns the updated
  /// cache tensor.
  Value rewritePair(OpBuilder &b, func::FuncOp fn, CachePair &pair, Value mask) {
    Location loc = pair.concat.getLoc();
    BlockArgument past = fn.getArgument(pair.arg);
    auto pastType = cast<RankedTensorType>(past.getType());
    Value rows = pair.concat.getInputs()[1];

    // The argument becomes a buffer whose dim 2 is the capacity.
    auto bufferType = MemRefType::get(pastType.getShape(), pastType.getElementType());
    past.setType(bufferType);
    if (auto params = fn.getArgAttrOfType<ArrayAttr>(pair.arg, kDimParamsAttr)) {
      SmallVector<Attribute> names(params.begin(), params.end());
      if (names.size() == 4)
        names[2] = b.getStringAttr("max_context");
      fn.setArgAttr(pair.arg, kDimParamsAttr, b.getArrayAttr(names));
    }
    fn.setArgAttr(pair.arg, kKvCacheAttr,
                  fn.getResultAttrOfType<StringAttr>(pair.result, kNameAttr));

    b.setInsertionPoint(pair.concat);
    auto dim = [&](Value value, int64_t i) -> OpFoldResult {
      auto type = cast<ShapedType>(value.getType());
      if (!type.isDynamicDim(i))
        return b.getIndexAttr(type.getDimSize(i));
      return tensor::DimOp::create(b, loc, value, i).getResult();
    };
    Value total = tensor::DimOp::create(b, loc, mask, 1);
    Value sequence = getValueOrCreateConstantIndexOp(b, loc, dim(rows, 2));
    Value pastLength = arith::SubIOp::create(b, loc, total, sequence);
    auto full = bufferization::ToTensorOp::create(b, loc, pastType, past, /*restrict=*/true,
                                                  /*writable=*/true);
    OpFoldResult zero = b.getIndexAttr(0), one = b.getIndexAttr(1);
    SmallVector<OpFoldResult> strides(4, one);
    auto update = tensor::InsertSliceOp::create(
        b, loc, rows, full, ArrayRef<OpFoldResult>{zero, zero, pastLength, zero},
        ArrayRef<OpFoldResult>{dim(rows, 0), dim(rows, 1), sequence, dim(rows, 3)}, strides);
    Value view = tensor::ExtractSliceOp::create(
        b, loc, update, ArrayRef<OpFoldResult>{zero, zero, zero, zero},
        ArrayRef<OpFoldResult>{dim(rows, 0), dim(rows, 1), total, dim(rows, 3)}, strides);
    if (view.getType() != pair.concat.getType())
      view = tensor::CastOp::create(b, loc, pair.concat.getType(), view);
    Operation *ret = fn.getBody().front().getTerminator();
    pair.concat.getResult().replaceUsesWithIf(
        view, [&](OpOperand &use) { return use.getOwner() != ret; });
    return update;
  }
};

} // namespace
} // namespace ternion
