//===- MergeModules.cpp - every kernel in one gpu.module ------------------===//
//
// tern-gpu-merge-modules (Passes.td says why). Runs right after
// gpu-kernel-outlining, before any target attribute is attached.
//
//===----------------------------------------------------------------------===//
#include "ternion/Target/CUDA/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

namespace ternion {
#define GEN_PASS_DEF_GPUMERGEMODULES
#include "ternion/Target/CUDA/Passes.h.inc"
} // namespace ternion

using namespace mlir;

namespace ternion {
namespace {

constexpr llvm::StringLiteral kMergedName = "kernels";

struct GpuMergeModules : impl::GpuMergeModulesBase<GpuMergeModules> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Every loop should be a kernel by now; one left on the host would run
    // there, slowly, on memory the GPU owns. Say so instead.
    WalkResult hostLoops = module.walk([](scf::ParallelOp loop) {
      if (loop->getParentOfType<gpu::GPUModuleOp>())
        return WalkResult::advance();
      loop.emitError("this parallel loop was not mapped to the GPU (convert-parallel-loops-to-gpu "
                     "left it on the host)");
      return WalkResult::interrupt();
    });
    if (hostLoops.wasInterrupted())
      return signalPassFailure();
    SmallVector<gpu::GPUModuleOp> outlined(module.getOps<gpu::GPUModuleOp>());
    if (outlined.empty())
      return;
    for (gpu::GPUModuleOp kernels : outlined)
      if (kernels.getSymName() == kMergedName) {
        kernels.emitError("tern-gpu-merge-modules: a gpu.module is already named @") << kMergedName;
        return signalPassFailure();
      }
    OpBuilder b(outlined.front());
    auto merged = gpu::GPUModuleOp::create(b, module.getLoc(), kMergedName);
    SymbolTable mergedSymbols(merged);
    // Old kernel reference -> new one.
    llvm::DenseMap<Attribute, SymbolRefAttr> renamed;
    for (gpu::GPUModuleOp kernels : outlined) {
      for (Operation &op : llvm::make_early_inc_range(kernels.getBody()->without_terminator())) {
        auto function = dyn_cast<gpu::GPUFuncOp>(op);
        if (!function) {
          op.emitError("tern-gpu-merge-modules: expected only gpu.func in an outlined module");
          return signalPassFailure();
        }
        SymbolRefAttr before =
            SymbolRefAttr::get(kernels.getSymNameAttr(),
                               {FlatSymbolRefAttr::get(SymbolTable::getSymbolName(function))});
        function->remove();
        // The outlined module's name is unique; the function's is not.
        SymbolTable::setSymbolName(function, kernels.getSymNameAttr());
        mergedSymbols.insert(function);
        renamed[before] = SymbolRefAttr::get(merged.getSymNameAttr(),
                                             {FlatSymbolRefAttr::get(kernels.getSymNameAttr())});
      }
    }
    module.walk([&](gpu::LaunchFuncOp launch) {
      auto it = renamed.find(launch.getKernel());
      if (it != renamed.end())
        launch.setKernelAttr(it->second);
    });
    for (gpu::GPUModuleOp kernels : outlined)
      kernels.erase();
  }
};

} // namespace
} // namespace ternion
