//===- Target.h - what a code-generation target provides --------*- C++ -*-===//
//
// The seam between the target-neutral compiler (import, the tern graph
// passes, convert-tern-to-linalg) and a target: everything below that line
// is the target's to decide. A technique is a target-neutral pass that
// records its decision as an attribute on a tern op, plus per-target kernels
// that dispatch on it; the target chooses weight formats, tiles, kernels,
// the lowering to the LLVM dialect and how machine code is made and linked.
//
// lib/Target/CPU implements it for x86-64 (LLVM's TargetMachine and the
// CPU kernels); a CUDA target (NVVM -> PTX through LLVM's NVPTX backend,
// embedded in the host shared object) implements the same interface next
// to it. The driver (lib/Driver) only ever talks to this interface.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_TARGET_TARGET_H
#define TERNION_TARGET_TARGET_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <memory>
#include <string>
#include <vector>

namespace llvm {
class Module;
} // namespace llvm

namespace mlir {
class ModuleOp;
class OpPassManager;
} // namespace mlir

namespace ternion {

/// How linear-layer weights are stored when no technique (ternary,
/// quantization) has chosen a format: the target's fastest, or plain rows.
enum class LinearWeightLayout { TargetDefault, Rows };

/// What the user asked of the target (ternion-compile's target options).
struct TargetOptions {
  /// The target's name: "cpu" or "cuda".
  std::string name = "cpu";
  /// CPU: an LLVM CPU name or "host". CUDA: the CPU of the host code that
  /// launches the kernels ("host" means portable x86-64 there).
  std::string cpu = "host";
  /// CUDA: the GPU's compute capability as sm_NN (--gpu-arch).
  std::string gpuArch = "sm_90";
  /// CUDA: the toolkit whose ptxas makes a cubin and whose libdevice
  /// provides math functions; empty means $CUDA_HOME, then /usr/local/cuda.
  /// Without one the artifact carries PTX only, which the driver compiles
  /// when it loads the module.
  std::string cudaToolkit;
  /// CUDA: run the kernels' loops on the host instead (a CPU artifact that
  /// checks the CUDA lowering where there is no GPU; tern-gpu-launch-to-loops).
  bool cudaEmulateOnHost = false;
  /// Empty: the host's triple.
  std::string triple;
  /// LLVM optimization level 0..3 (-O<n>).
  unsigned optLevel = 3;
  LinearWeightLayout linearWeights = LinearWeightLayout::TargetDefault;
  /// How the target's layout stores the float weights of linear layers:
  /// "f32", or "f16" / "bf16" (half the bytes; kernels widen in registers).
  std::string linearWeightType = "f32";
  /// Extra options of the target's kernel passes, after its own tuning (so
  /// these win), e.g. "tile-m=32 dot-cols=8" for the CPU.
  std::string kernelOptions;
  /// The same for the ternary kernels, e.g. "isa=avx2 rows=2" for the CPU
  /// (--ternary-kernel-options).
  std::string ternaryKernelOptions;
  /// The ternary kernel family (--ternary-kernel): "mad" (byte dot
  /// products) or "lut" (lookup tables over pairs of weights).
  std::string ternaryKernel = "mad";
};

class TargetBackend {
public:
  virtual ~TargetBackend();

  /// --target's value ("cpu", "cuda").
  virtual llvm::StringRef getName() const = 0;
  /// Where the artifact's code runs: the manifest's "device"
  /// (TNX_DEVICE_CPU or TNX_DEVICE_CUDA).
  virtual llvm::StringRef getDevice() const { return "cpu"; }
  /// One line for progress and errors, e.g. "znver5 (x86_64-pc-linux-gnu)".
  virtual std::string getDescription() const = 0;
  /// Correct-but-slow choices the user should hear about (a CPU without FMA).
  virtual std::vector<std::string> getWarnings() const { return {}; }

  /// The target's decisions on tern IR once the graph passes have run:
  /// weight formats (#tern.panels for the CPU's GEMM), layouts, tilings
  /// recorded as attributes.
  virtual void addTernPasses(mlir::OpPassManager &pm) const = 0;
  /// tern -> bufferized, deallocated memref IR: the point where the driver
  /// moves weights into the artifact's weights file.
  virtual mlir::LogicalResult addLowerToBuffersPasses(mlir::OpPassManager &pm) const = 0;
  /// Bufferized memref IR -> kernels -> the LLVM dialect. Fails on invalid
  /// kernel options. A GPU target adds addBuffersToGpuPasses and then
  /// addGpuToLLVMPasses here.
  virtual mlir::LogicalResult addBuffersToLLVMPasses(mlir::OpPassManager &pm) const = 0;

  /// GPU targets split the last lowering at the gpu dialect: host functions
  /// that launch outlined `gpu.module` kernels (--emit=gpu). CPU targets
  /// have no such stage.
  virtual bool hasGpuStage() const { return false; }
  /// Bufferized memref IR -> host code launching gpu.module kernels.
  virtual mlir::LogicalResult addBuffersToGpuPasses(mlir::OpPassManager &pm) const;
  /// The gpu stage -> the LLVM dialect, device code embedded as a binary.
  virtual mlir::LogicalResult addGpuToLLVMPasses(mlir::OpPassManager &pm) const;
  /// The device assembly (PTX) of a module at the gpu stage, one text per
  /// gpu.module (--emit=ptx). Leaves `module` unchanged.
  virtual llvm::Expected<std::string> emitDeviceAssembly(mlir::ModuleOp module) const;

  /// Sets the module's triple and data layout and optimizes it (-O<n>).
  virtual void optimize(llvm::Module &module) const = 0;
  /// Machine code for the host module (for a GPU target: host code with the
  /// device code embedded).
  virtual llvm::Error emitObject(llvm::Module &module,
                                 llvm::SmallVectorImpl<char> &object) const = 0;
  /// Links the object into the artifact's shared object.
  virtual llvm::Error linkSharedObject(llvm::StringRef objectPath,
                                       llvm::StringRef sharedObjectPath) const = 0;

  /// What the manifest's compile_options record about the target.
  virtual void describe(llvm::json::Object &compileOptions) const = 0;
};

/// The targets this build of Ternion can generate code for.
std::vector<std::string> getTargetNames();

/// Resolves `options` into a target. Errors name an unknown target, CPU or
/// triple, or a target this build does not include.
llvm::Expected<std::unique_ptr<TargetBackend>> createTarget(const TargetOptions &options);

} // namespace ternion

#endif // TERNION_TARGET_TARGET_H
