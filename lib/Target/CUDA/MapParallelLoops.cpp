//===- MapParallelLoops.cpp - scf.parallel -> blocks x threads -------------===//
//
// tern-gpu-map-parallel-loops (Passes.td says what and why). Runs on
// buffers after convert-linalg-to-parallel-loops, before
// convert-parallel-loops-to-gpu, which reads the mapping set here.
//
//===----------------------------------------------------------------------===//
#include "ternion/Target/CUDA/Passes.h"

#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/Support/MathExtras.h"

namespace ternion {
#define GEN_PASS_DEF_GPUMAPPARALLELLOOPS
#include "ternion/Target/CUDA/Passes.h.inc"
} // namespace ternion

using namespace mlir;

namespace ternion {
namespace {

using gpu::Processor;

/// The static trip count of dim `dim` of `loop`, if it has one.
std::optional<int64_t> getStaticTripCount(scf::ParallelOp loop, unsigned dim) {
  std::optional<int64_t> lower = getConstantIntValue(loop.getLowerBound()[dim]);
  std::optional<int64_t> upper = getConstantIntValue(loop.getUpperBound()[dim]);
  std::optional<int64_t> step = getConstantIntValue(loop.getStep()[dim]);
  if (!lower || !upper || !step || *step <= 0)
    return std::nullopt;
  return llvm::divideCeil(std::max<int64_t>(*upper - *lower, 0), *step);
}

LogicalResult setMapping(scf::ParallelOp loop, llvm::ArrayRef<Processor> processors) {
  MLIRContext *ctx = loop.getContext();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(1, ctx);
  SmallVector<gpu::ParallelLoopDimMappingAttr> mapping;
  for (Processor processor : processors)
    mapping.push_back(gpu::ParallelLoopDimMappingAttr::get(ctx, processor, identity, identity));
  return gpu::setMappingAttr(loop, mapping);
}

struct GpuMapParallelLoops : impl::GpuMapParallelLoopsBase<GpuMapParallelLoops> {
  using Base::Base;

  void runOnOperation() override {
    if (blockSize < 32 || blockSize > 1024 || blockSize % 32 != 0) {
      getOperation().emitError() << "tern-gpu-map-parallel-loops: block-size "
                                 << static_cast<int64_t>(blockSize)
                                 << " is not a multiple of 32 in 32..1024";
      return signalPassFailure();
    }
    SmallVector<scf::ParallelOp> outermost;
    getOperation().walk([&](scf::ParallelOp loop) {
      if (!loop->getParentOfType<scf::ParallelOp>())
        outermost.push_back(loop);
    });
    for (scf::ParallelOp loop : outermost)
      if (failed(mapLoop(loop)))
        return signalPassFailure();
  }

  LogicalResult mapLoop(scf::ParallelOp loop) {
    unsigned rank = loop.getNumLoops();
    int64_t threads = blockSize;
    // A short innermost dim gets a smaller block, but never below a warp:
    // the other lanes would idle anyway.
    if (std::optional<int64_t> trip = getStaticTripCount(loop, rank - 1))
      threads = std::clamp<int64_t>(llvm::PowerOf2Ceil(*trip), 32, blockSize);
    SmallVector<int64_t> tiles(rank, 1);
    tiles[rank - 1] = threads;
    auto [grid, block] = scf::tileParallelLoop(loop, tiles, /*noMinMaxBounds=*/true);

    // The grid: innermost dim -> x, then y, z; the rest loop in the kernel.
    const Processor gridProcessors[] = {Processor::BlockX, Processor::BlockY, Processor::BlockZ};
    SmallVector<Processor> gridMapping(rank, Processor::Sequential);
    for (unsigned k = 0; k < std::min(rank, 3u); ++k)
      gridMapping[rank - 1 - k] = gridProcessors[k];
    SmallVector<Processor> blockMapping(rank, Processor::Sequential);
    blockMapping[rank - 1] = Processor::ThreadX;
    if (failed(setMapping(grid, gridMapping)) || failed(setMapping(block, blockMapping)))
      return grid.emitError("cannot map this loop to GPU blocks and threads");
    // Parallel loops inside a thread's work run sequentially: as scf.for,
    // since convert-parallel-loops-to-gpu maps only the two outer levels.
    SmallVector<scf::ParallelOp> nested;
    block.getBody()->walk([&](scf::ParallelOp inner) { nested.push_back(inner); });
    for (scf::ParallelOp inner : nested) // innermost first
      if (failed(makeSequential(inner)))
        return failure();
    ++mappedLoops;
    return success();
  }

  static LogicalResult makeSequential(scf::ParallelOp loop) {
    if (loop.getNumResults() != 0)
      return loop.emitError("tern-gpu-map-parallel-loops: a parallel reduction inside a GPU "
                            "thread is not supported");
    OpBuilder b(loop);
    scf::buildLoopNest(b, loop.getLoc(), loop.getLowerBound(), loop.getUpperBound(), loop.getStep(),
                       [&](OpBuilder &nb, Location, ValueRange ivs) {
                         IRMapping mapping;
                         mapping.map(loop.getInductionVars(), ivs);
                         for (Operation &op : loop.getBody()->without_terminator())
                           nb.clone(op, mapping);
                       });
    loop.erase();
    return success();
  }
};

} // namespace
} // namespace ternion
