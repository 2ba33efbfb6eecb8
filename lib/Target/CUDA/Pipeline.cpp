//===- Pipeline.cpp - the CUDA lowering: buffers -> gpu -> LLVM -----------===//
//
// Upstream's GPU path, stage by stage, as textual pipelines so that
// --mlir-print-ir-after-all names every step:
//
//   buffers --(every copy a linalg.copy; linalg -> scf.parallel; inline
//   polynomials for exp/tanh/erf/log, so no libdevice is needed for them;
//   tern-gpu-map-parallel-loops; convert-parallel-loops-to-gpu;
//   gpu-kernel-outlining; tern-gpu-merge-modules)--> gpu stage [--emit=gpu]
//   gpu stage --(scf -> cf, strided metadata, nvvm-attach-target;
//   gpu.module: tern-gpu-native-math, convert-gpu-to-nvvm; gpu-to-llvm for
//   the host launches;
//   gpu-module-to-binary: LLVM's NVPTX backend, then ptxas and fatbinary
//   when a toolkit is given)--> LLVM dialect                  [--emit=mlir]
//
// Kernels and host code share the flat loops of the CPU's generic path;
// the CPU's kernel passes (tiles, packed weights) are not used here.
//
//===----------------------------------------------------------------------===//
#include "Pipeline.h"

#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

namespace ternion::cuda {
namespace {

std::string attachTarget(const DeviceCodeOptions &options) {
  return "nvvm-attach-target{chip=" + options.chip + " features=" + options.features + " O=3}";
}

// What both the full lowering and --emit=ptx run first: the kernels to
// NVVM. tern-lower-expand-shape runs before expand-strided-metadata, which
// cannot expand a group with several dynamic sizes (Conversion/Passes.td).
std::string deviceLowering(const DeviceCodeOptions &options) {
  return "func.func(tern-lower-expand-shape), convert-scf-to-cf, expand-strided-metadata,"
         " lower-affine, " +
         attachTarget(options) +
         ", gpu.module(tern-gpu-native-math, convert-gpu-to-nvvm, canonicalize, cse,"
         " reconcile-unrealized-casts)";
}

// The host side once the kernels are gone from it (or, emulated, are
// host loops): what the CPU's generic path runs last.
constexpr const char *kHostToLLVM =
    "finalize-memref-to-llvm, convert-math-to-llvm, convert-math-to-libm, convert-arith-to-llvm,"
    " convert-index-to-llvm, convert-func-to-llvm, convert-cf-to-llvm, reconcile-unrealized-casts";

// PTX alone is checked for calls nothing will link: without a toolkit,
// libdevice is not linked.
std::string moduleToBinary(const DeviceCodeOptions &options, bool assemblyOnly) {
  bool assembly = assemblyOnly || options.toolkit.empty();
  std::string pass = "gpu-module-to-binary{format=";
  pass += assembly ? "isa" : "fatbin";
  if (!options.toolkit.empty())
    pass += " toolkit=" + options.toolkit;
  pass += "}";
  if (assembly)
    pass += ", tern-gpu-check-device-calls";
  return pass;
}

// Up to gpu.launch ops in the host functions: what the GPU lowering and
// its host emulation share.
std::string buffersToLaunches(const DeviceCodeOptions &options) {
  return "convert-bufferization-to-memref,"
         "func.func(tern-strided-copies-to-linalg{all-copies}, canonicalize, "
         "scf-forall-to-parallel,"
         " convert-linalg-to-parallel-loops, tern-approximate-math,"
         " tern-gpu-map-parallel-loops{block-size=" +
         std::to_string(options.blockSize) + "}, convert-parallel-loops-to-gpu, canonicalize)";
}

} // namespace

LogicalResult buildBuffersToGpuPipeline(OpPassManager &pm, const DeviceCodeOptions &options) {
  return parsePassPipeline(buffersToLaunches(options) +
                               ", gpu-launch-sink-index-computations, gpu-kernel-outlining,"
                               " tern-gpu-merge-modules, canonicalize, cse",
                           pm);
}

LogicalResult buildEmulationPipeline(OpPassManager &pm, const DeviceCodeOptions &options) {
  return parsePassPipeline(
      buffersToLaunches(options) +
          ", func.func(tern-gpu-launch-to-loops, canonicalize, tern-lower-expand-shape),"
          " convert-scf-to-cf, expand-strided-metadata, lower-affine, " +
          kHostToLLVM,
      pm);
}

LogicalResult buildGpuToLLVMPipeline(OpPassManager &pm, const DeviceCodeOptions &options) {
  return parsePassPipeline(deviceLowering(options) + ", gpu-to-llvm, " +
                               moduleToBinary(options, /*assemblyOnly=*/false) + ", " + kHostToLLVM,
                           pm);
}

LogicalResult buildGpuToAssemblyPipeline(OpPassManager &pm, const DeviceCodeOptions &options) {
  return parsePassPipeline(
      deviceLowering(options) + ", " + moduleToBinary(options, /*assemblyOnly=*/true), pm);
}

} // namespace ternion::cuda
