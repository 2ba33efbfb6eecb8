//===- Pipelines.cpp - Ternion's named pass pipelines ---------------------===//
#include "passes/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace ternion {

void buildCleanupPipeline(OpPassManager &pm) {
  OpPassManager &fn = pm.nest<func::FuncOp>();
  fn.addPass(createCanonicalizerPass());
  fn.addPass(createTernInferShapes());
  fn.addPass(createCanonicalizerPass());
  fn.addPass(createCSEPass());
}

void buildOptimizePipeline(OpPassManager &pm) {
  buildCleanupPipeline(pm);
  OpPassManager &fn = pm.nest<func::FuncOp>();
  // 16-bit weights become f32 weights first, so the fusions see constants.
  fn.addPass(createTernWidenWeights());
  fn.addPass(createTernFuseLinear());
  fn.addPass(createTernFuseAttention());
  fn.addPass(createCanonicalizerPass());
  fn.addPass(createCSEPass());
}

void registerAllPassesAndPipelines() {
  registerTernPasses();
  PassPipelineRegistration<>("tern-cleanup",
                             "Canonicalize, refine shapes and CSE after import",
                             buildCleanupPipeline);
  PassPipelineRegistration<>("tern-optimize",
                             "Clean up, widen 16-bit weights, then fuse linear layers and attention",
                             buildOptimizePipeline);
}

} // namespace ternion
