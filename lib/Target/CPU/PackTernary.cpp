//===- PackTernary.cpp - the tern-cpu-pack-ternary pass -------------------===//
//
// Passes.td describes the layout; TernaryCodes.h defines it. Unpacking to
// {-1, 0, +1} and packing again keeps the one definition of every format.
//
//===----------------------------------------------------------------------===//
#include "ternion/Target/CPU/Passes.h"

#include "dialects/tern/ConstantValues.h"
#include "dialects/tern/TernOps.h"
#include "dialects/tern/TernaryCodes.h"
#include "mlir/IR/Builders.h"

namespace ternion {
#define GEN_PASS_DEF_TERNCPUPACKTERNARY
#include "ternion/Target/CPU/Passes.h.inc"
} // namespace ternion

using namespace mlir;
using namespace ternion::tern;

namespace ternion {
namespace {

struct PackTernaryPass : impl::TernCpuPackTernaryBase<PackTernaryPass> {
  using TernCpuPackTernaryBase::TernCpuPackTernaryBase;

  void runOnOperation() override {
    if (lanes < 1 || lanes > 256) {
      getOperation().emitError("tern-cpu-pack-ternary: lanes must be 1..256");
      return signalPassFailure();
    }
    int64_t repacked = 0;
    OpBuilder builder(&getContext());
    WalkResult result = getOperation().walk([&](TernaryLinearOp op) -> WalkResult {
      TernaryAttr from = op.getWeightFormat();
      if (from.getLanes() == lanes)
        return WalkResult::advance();
      ElementsAttr attr = getConstantAttr(op.getCodes());
      ArrayRef<uint8_t> bytes = attr ? getTernaryCodeBytes(attr) : ArrayRef<uint8_t>();
      if (bytes.empty())
        return op.emitError("tern-cpu-pack-ternary: the codes are not a constant whose "
                            "bytes are available");
      int64_t n = cast<ShapedType>(attr.getType()).getDimSize(0), k = op.getInputFeatures();
      SmallVector<int8_t> weights = unpackTernary(from, bytes, n, k);
      auto to = TernaryAttr::get(&getContext(), from.getPacking(), lanes);
      builder.setInsertionPoint(op);
      Value codes = ConstantOp::create(builder, op.getCodes().getLoc(),
                                       makeTernaryCodesAttr(&getContext(), to, weights, n, k));
      Value old = op.getCodes();
      op.getCodesMutable().assign(codes);
      op.setWeightFormatAttr(to);
      if (Operation *def = old.getDefiningOp(); def && def->use_empty())
        def->erase();
      ++repacked;
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return signalPassFailure();
    numRepacked = repacked;
  }
};

} // namespace
} // namespace ternion
