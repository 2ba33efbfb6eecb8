//===- LaunchToLoops.cpp - gpu.launch bodies as host loops -----------------===//
//
// tern-gpu-launch-to-loops (Passes.td says what and why): the CUDA
// lowering's decisions, run on the CPU so that they can be checked against
// reference outputs on machines without a GPU.
//
//===----------------------------------------------------------------------===//
#include "ternion/Target/CUDA/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"

namespace ternion {
#define GEN_PASS_DEF_GPULAUNCHTOLOOPS
#include "ternion/Target/CUDA/Passes.h.inc"
} // namespace ternion

using namespace mlir;

namespace ternion {
namespace {

LogicalResult checkEmulable(gpu::LaunchOp launch) {
  if (launch.hasClusterSize())
    return launch.emitError("tern-gpu-launch-to-loops: clusters cannot run as host loops");
  if (launch.getDynamicSharedMemorySize())
    return launch.emitError("tern-gpu-launch-to-loops: shared memory cannot run as host loops");
  if (launch.getAsyncToken() || !launch.getAsyncDependencies().empty())
    return launch.emitError("tern-gpu-launch-to-loops: asynchronous launches are not supported");
  WalkResult walk = launch.getBody().walk([](Operation *op) {
    if (isa<gpu::BarrierOp, gpu::LaunchOp>(op))
      return WalkResult::interrupt();
    if (auto alloc = dyn_cast<memref::AllocaOp>(op))
      if (gpu::GPUDialect::hasWorkgroupMemoryAddressSpace(alloc.getType()))
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return launch.emitError(
        "tern-gpu-launch-to-loops: barriers, shared memory and nested launches need a GPU");
  return success();
}

struct GpuLaunchToLoops : impl::GpuLaunchToLoopsBase<GpuLaunchToLoops> {
  void runOnOperation() override {
    SmallVector<gpu::LaunchOp> launches;
    getOperation().walk([&](gpu::LaunchOp launch) { launches.push_back(launch); });
    for (gpu::LaunchOp launch : launches) {
      if (failed(checkEmulable(launch)))
        return signalPassFailure();
      emulate(launch);
    }
  }

  void emulate(gpu::LaunchOp launch) {
    OpBuilder b(launch);
    Location loc = launch.getLoc();
    gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
    gpu::KernelDim3 block = launch.getBlockSizeOperandValues();
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    // Outermost first: block z, y, x, then thread z, y, x.
    SmallVector<Value> upper{grid.z, grid.y, grid.x, block.z, block.y, block.x};
    auto loop = scf::ParallelOp::create(b, loc, SmallVector<Value>(6, zero), upper,
                                        SmallVector<Value>(6, one));
    SmallVector<Value> ivs(loop.getBody()->getArguments());
    gpu::KernelDim3 blockIds = launch.getBlockIds(), threadIds = launch.getThreadIds();
    gpu::KernelDim3 gridSizes = launch.getGridSize(), blockSizes = launch.getBlockSize();
    IRMapping mapping;
    std::pair<Value, Value> replacements[] = {
        {blockIds.z, ivs[0]},    {blockIds.y, ivs[1]},    {blockIds.x, ivs[2]},
        {threadIds.z, ivs[3]},   {threadIds.y, ivs[4]},   {threadIds.x, ivs[5]},
        {gridSizes.x, grid.x},   {gridSizes.y, grid.y},   {gridSizes.z, grid.z},
        {blockSizes.x, block.x}, {blockSizes.y, block.y}, {blockSizes.z, block.z}};
    for (auto [from, to] : replacements)
      mapping.map(from, to);
    b.setInsertionPoint(loop.getBody()->getTerminator());
    for (Operation &op : launch.getBody().front().without_terminator())
      b.clone(op, mapping);
    // Ids the body reads through ops rather than block arguments.
    loop.getBody()->walk([&](Operation *op) {
      Value replacement;
      auto pick = [&](gpu::Dimension dim, Value x, Value y, Value z) {
        return dim == gpu::Dimension::x ? x : dim == gpu::Dimension::y ? y : z;
      };
      if (auto id = dyn_cast<gpu::BlockIdOp>(op))
        replacement = pick(id.getDimension(), ivs[2], ivs[1], ivs[0]);
      else if (auto id = dyn_cast<gpu::ThreadIdOp>(op))
        replacement = pick(id.getDimension(), ivs[5], ivs[4], ivs[3]);
      else if (auto size = dyn_cast<gpu::GridDimOp>(op))
        replacement = pick(size.getDimension(), grid.x, grid.y, grid.z);
      else if (auto size = dyn_cast<gpu::BlockDimOp>(op))
        replacement = pick(size.getDimension(), block.x, block.y, block.z);
      if (replacement) {
        op->getResult(0).replaceAllUsesWith(replacement);
        op->erase();
      }
    });
    launch.erase();
  }
};

} // namespace
} // namespace ternion
