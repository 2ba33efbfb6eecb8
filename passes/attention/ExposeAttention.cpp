//===- ExposeAttention.cpp - the tern-expose-attention pass ---------------===//
//
// Passes.td describes the pass; ternion-search-attention is its user.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "dialects/tern/TernOps.h"

namespace ternion {
#define GEN_PASS_DEF_TERNEXPOSEATTENTION
#include "passes/Passes.h.inc"
} // namespace ternion

using namespace mlir;

namespace ternion {
namespace {

class TernExposeAttention : public impl::TernExposeAttentionBase<TernExposeAttention> {
public:
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    if (fn.getSymName() != function || fn.isExternal())
      return;
    SmallVector<tern::AttentionOp> attentions;
    fn.walk([&](tern::AttentionOp op) { attentions.push_back(op); });
    if (attentions.empty())
      return;
    auto returnOp = cast<func::ReturnOp>(fn.getBody().back().getTerminator());
    SmallVector<Value> results(returnOp.getOperands());
    SmallVector<std::string> names;
    for (auto [i, op] : llvm::enumerate(attentions)) {
      for (auto [role, value] : {std::pair{"query", op.getQuery()}, std::pair{"key", op.getKey()},
                                 std::pair{"value", op.getValue()}}) {
        results.push_back(value);
        names.push_back("attention." + std::to_string(i) + "." + role);
      }
      // The scale is an attribute; the search needs it as a value.
      OpBuilder b(returnOp);
      auto scaleType = RankedTensorType::get({1}, b.getF32Type());
      results.push_back(arith::ConstantOp::create(
          b, op.getLoc(), DenseElementsAttr::get(scaleType, op.getScale())));
      names.push_back("attention." + std::to_string(i) + ".scale");
    }
    MLIRContext *ctx = fn.getContext();
    SmallVector<DictionaryAttr> resultAttrs;
    for (unsigned i = 0, e = fn.getNumResults(); i < e; ++i)
      resultAttrs.push_back(fn.getResultAttrDict(i) ? fn.getResultAttrDict(i)
                                                    : DictionaryAttr::get(ctx));
    for (const std::string &name : names)
      resultAttrs.push_back(DictionaryAttr::get(
          ctx, {NamedAttribute(StringAttr::get(ctx, "tern.name"), StringAttr::get(ctx, name))}));
    returnOp->setOperands(results);
    SmallVector<Type> types;
    for (Value v : results)
      types.push_back(v.getType());
    fn.setFunctionType(FunctionType::get(ctx, fn.getArgumentTypes(), types));
    fn.setAllResultAttrs(resultAttrs);
  }
};

} // namespace
} // namespace ternion
