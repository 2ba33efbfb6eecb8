//===- LowerAllocaScopes.cpp - alloca scopes as stacksave/stackrestore ----===//
#include "ternion/Target/CPU/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

namespace ternion {
#define GEN_PASS_DEF_LOWERALLOCASCOPES
#include "ternion/Target/CPU/Passes.h.inc"
} // namespace ternion

using namespace mlir;

namespace ternion {
namespace {

struct LowerAllocaScopesPass : impl::LowerAllocaScopesBase<LowerAllocaScopesPass> {
  void runOnOperation() override {
    SmallVector<memref::AllocaScopeOp> scopes;
    // Post-order: inner scopes are inlined before the scopes around them.
    getOperation().walk([&](memref::AllocaScopeOp scope) { scopes.push_back(scope); });
    IRRewriter rewriter(&getContext());
    for (memref::AllocaScopeOp scope : scopes) {
      Region &body = scope.getBodyRegion();
      if (!body.hasOneBlock()) {
        scope.emitError("tern-lower-alloca-scopes: the scope has several blocks already; "
                        "run this pass before convert-scf-to-cf");
        return signalPassFailure();
      }
      Location loc = scope.getLoc();
      rewriter.setInsertionPoint(scope);
      Value stack = LLVM::StackSaveOp::create(rewriter, loc,
                                              LLVM::LLVMPointerType::get(&getContext()));
      Block &block = body.front();
      auto ret = cast<memref::AllocaScopeReturnOp>(block.getTerminator());
      SmallVector<Value> results(ret.getResults());
      rewriter.eraseOp(ret);
      rewriter.inlineBlockBefore(&block, scope);
      LLVM::StackRestoreOp::create(rewriter, loc, stack);
      rewriter.replaceOp(scope, results);
    }
  }
};

} // namespace
} // namespace ternion
