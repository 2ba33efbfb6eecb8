//===- PackLinearWeights.cpp - the tern-pack-linear-weights pass ----------===//
//
// Passes.td describes the layout and why. The packing itself is a
// compile-time copy of the constant (tern::packConstantPanels); the lowering
// of a packed tern.linear is in ContractionToLinalg.cpp and its kernel in
// Kernels/PanelKernel.cpp, which dispatches on the #tern.panels format.
//
//===----------------------------------------------------------------------===//
#include "ternion/Target/CPU/Passes.h"

#include "dialects/tern/ConstantValues.h"
#include "dialects/tern/TernOps.h"
#include "dialects/tern/WeightTransforms.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringSwitch.h"

namespace ternion {
#define GEN_PASS_DEF_TERNPACKLINEARWEIGHTS
#include "ternion/Target/CPU/Passes.h.inc"
} // namespace ternion

using namespace mlir;
using namespace ternion::tern;

namespace ternion {
namespace {

struct PackLinearWeightsPass : impl::TernPackLinearWeightsBase<PackLinearWeightsPass> {
  using TernPackLinearWeightsBase::TernPackLinearWeightsBase;

  void runOnOperation() override {
    if (panelWidth < 1) {
      getOperation().emitError("tern-pack-linear-weights: panel-width must be positive");
      return signalPassFailure();
    }
    MLIRContext *ctx = &getContext();
    FloatType storage = llvm::StringSwitch<FloatType>(elementType)
                            .Case("f32", Float32Type::get(ctx))
                            .Case("f16", Float16Type::get(ctx))
                            .Case("bf16", BFloat16Type::get(ctx))
                            .Default(nullptr);
    if (!storage) {
      getOperation().emitError() << "tern-pack-linear-weights: element-type '" << elementType
                                 << "' is not f32, f16 or bf16";
      return signalPassFailure();
    }
    int64_t packed = 0, kept = 0;
    getOperation().walk([&](LinearOp linear) {
      if (linear.getWeightFormatAttr())
        return;
      Value weight = linear.getWeight();
      ElementsAttr attr = getConstantAttr(weight);
      ElementsAttr panels;
      if (attr && attr.getElementType().isF32())
        panels = packConstantPanels(attr, panelWidth, storage);
      if (!panels) {
        ++kept;
        return;
      }
      replaceConstantOperand(linear.getWeightMutable(), panels);
      linear.setWeightFormatAttr(PanelsAttr::get(&getContext(), panelWidth));
      ++packed;
    });
    numPacked = packed;
    numKept = kept;
    if (report)
      getOperation().emitRemark() << "tern-pack-linear-weights: " << packed
                                  << " weights packed into panels of "
                                  << static_cast<int64_t>(panelWidth)
                                  << (storage.isF32() ? "" : " as " + elementType)
                                  << ", " << kept << " kept [N, K]";
  }
};

} // namespace
} // namespace ternion
