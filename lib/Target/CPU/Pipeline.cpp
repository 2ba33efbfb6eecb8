//===- Pipeline.cpp - the CPU lowering: tern -> LLVM dialect --------------===//
//
// The CPU lowering spine. Each stage is an upstream pass except the first,
// so a better contraction or attention lowering replaces one pattern set in
// convert-tern-to-linalg (or adds a transform step) without touching the
// rest. Function boundaries use identity-layout memrefs so the C interface
// the runtime calls stays a plain memref descriptor.
//
//===----------------------------------------------------------------------===//
#include "ternion/Target/CPU/Pipeline.h"

#include "ternion/Conversion/Passes.h"
#include "ternion/Target/CPU/Passes.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

namespace ternion::cpu {

// Kept as textual pipelines so `ternion-opt --tern-lower-to-llvm` and
// --mlir-print-ir-after-all show exactly these stages by name. The split
// point is bufferized, deallocated IR: ternion-compile moves the weights into
// the artifact's weights file there (tern-externalize-weights).
// cse merges the identical lowerings of layers that read one input (a
// ternary q, k and v projection each quantize the same activations).
// tern-fuse-elementwise is linalg-fuse-elementwise-ops except that
// contractions keep the 2-D form tern-contraction-kernels takes.
static constexpr const char *kLowerToBuffers =
    "func.func(tern-cpu-flash-attention, convert-tern-to-linalg, canonicalize,"
    " cse, tern-fuse-elementwise),"
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map allow-return-allocs-from-loops},"
    "buffer-deallocation-pipeline";

// The second half starts with the kernels (tern-cpu-ternary-kernels: byte
// dot products over packed ternary codes; tern-cpu-quantized-kernels: fused
// dequantizing FMAs over packed group-quantized codes; tern-contraction-kernels: tiled,
// vectorized, parallel contractions on buffers); what they leave is cut into
// parallel chunks when large (tern-parallelize-loops), gets inline
// polynomials for exp, tanh, erf and log (tern-approximate-math, so LLVM can
// vectorize the loops) and is lowered to plain loops. Their scf.forall tiles
// become scf.parallel, then an OpenMP parallel loop (libomp; OMP_NUM_THREADS
// sets the thread count). Vectors are 1-D, so convert-vector-to-llvm lowers
// them directly; reductions may
// reassociate (the kernels' sums are reassociated already). The canonicalize
// after convert-scf-to-openmp inlines the memref.alloca_scope it wraps loop
// bodies in where it can, and tern-lower-alloca-scopes turns the others
// (bodies with stack allocations and loops, e.g. flash-attention tiles) into
// stacksave/stackrestore before convert-scf-to-cf splits them into blocks,
// which the op does not allow. The kernel options go between the braces of
// tern-contraction-kernels. convert-bufferization-to-memref lowers the clones
// deallocation makes of buffers a function returns without owning them (an
// identity function returns its argument).
static constexpr const char *kBuffersToLLVMHead =
    "convert-bufferization-to-memref,"
    "func.func(tern-cpu-ternary-kernels{";
static constexpr const char *kBuffersToLLVMQuantized = "}, tern-cpu-quantized-kernels{";
static constexpr const char *kBuffersToLLVMMiddle = "}, tern-contraction-kernels{";
static constexpr const char *kBuffersToLLVMTail =
    "}, canonicalize, tern-strided-copies-to-linalg, tern-parallelize-loops,"
    " tern-approximate-math, scf-forall-to-parallel,"
    " convert-linalg-to-loops, lower-affine, tern-lower-expand-shape),"
    "convert-scf-to-openmp, canonicalize, func.func(tern-lower-alloca-scopes),"
    "func.func(convert-scf-to-cf),"
    "expand-strided-metadata, lower-affine,"
    "convert-vector-to-llvm{reassociate-fp-reductions},"
    "finalize-memref-to-llvm, convert-math-to-llvm, convert-math-to-libm,"
    "convert-arith-to-llvm, convert-index-to-llvm, convert-func-to-llvm,"
    "convert-cf-to-llvm, convert-openmp-to-llvm, reconcile-unrealized-casts";

LogicalResult buildLowerToBuffersPipeline(OpPassManager &pm) {
  return parsePassPipeline(kLowerToBuffers, pm);
}

LogicalResult buildBuffersToLLVMPipeline(OpPassManager &pm, llvm::StringRef kernelOptions,
                                         llvm::StringRef ternaryOptions,
                                         llvm::StringRef quantizedOptions) {
  if (kernelOptions.contains('}') || ternaryOptions.contains('}') ||
      quantizedOptions.contains('}'))
    return failure();
  return parsePassPipeline((kBuffersToLLVMHead + ternaryOptions + kBuffersToLLVMQuantized +
                            quantizedOptions + kBuffersToLLVMMiddle + kernelOptions +
                            kBuffersToLLVMTail)
                               .str(),
                           pm);
}

LogicalResult buildLowerToLLVMPipeline(OpPassManager &pm) {
  if (failed(buildLowerToBuffersPipeline(pm)))
    return failure();
  return buildBuffersToLLVMPipeline(pm, "");
}

void registerLowerToLLVMPipeline() {
  auto add = [](const char *name, const char *summary,
                LogicalResult (*build)(OpPassManager &)) {
    PassPipelineRegistration<>(name, summary, [name, build](OpPassManager &pm) {
      if (failed(build(pm)))
        llvm::report_fatal_error(llvm::Twine(name) + ": invalid built-in pipeline");
    });
  };
  add("tern-lower-to-llvm",
      "Lower tern (after tern-optimize) through linalg and bufferization to the LLVM dialect",
      buildLowerToLLVMPipeline);
  add("tern-lower-to-buffers",
      "First half of tern-lower-to-llvm: tern to bufferized, deallocated memref IR",
      buildLowerToBuffersPipeline);
  add("tern-buffers-to-llvm",
      "Second half of tern-lower-to-llvm: bufferized memref IR to the LLVM dialect",
      [](OpPassManager &pm) { return buildBuffersToLLVMPipeline(pm); });
}

} // namespace ternion::cpu
