//===- MachineCode.h - the CPU target: LLVM IR to a shared object -*- C++ -*-===//
//
// In-process code generation through LLVM's TargetMachine, the optimization
// pipeline of `-O<n>`, and the one external step: linking the object into
// the artifact's shared library.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_TARGET_CPU_MACHINECODE_H
#define TERNION_TARGET_CPU_MACHINECODE_H

#include "ternion/Target/Target.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace ternion::cpu {

/// The resolved CPU: LLVM's TargetMachine plus what the kernels and the
/// manifest need to know about it.
struct Machine {
  // Out of line: TargetMachine stays an incomplete type in this header.
  Machine();
  Machine(Machine &&);
  Machine &operator=(Machine &&);
  ~Machine();

  std::unique_ptr<llvm::TargetMachine> machine;
  std::string triple;
  std::string cpu;
  std::string features;
  /// f32 lanes of the widest vector registers: 16 with AVX-512 (which has 32
  /// of them), 8 with AVX, 4 otherwise (16 registers either way).
  unsigned vectorLanes = 4;
  /// Fused multiply-add instructions: without them every vector.fma of the
  /// kernels becomes calls to fmaf, correct but far slower.
  bool hasFma = true;
  /// The byte dot products of the ternary kernel (tern-cpu-ternary-kernels'
  /// `isa`): avx512-vnni, avx512bw, avx-vnni, avx2 or generic.
  std::string int8Dot = "generic";
};

/// The register-tile shapes of the CPU kernels for a target: the panel
/// width tern-pack-linear-weights packs weights in, and the options of
/// tern-contraction-kernels (empty: its defaults, tuned for 32 registers of
/// 16 lanes). The tiles must fit the register file, or every FMA spills.
struct KernelTuning {
  int64_t panelWidth = 64;
  std::string kernelOptions;
  /// Bytes per register of the byte dot products: the lanes ternary codes
  /// are packed for (tern-cpu-pack-ternary).
  int64_t ternaryLanes = 16;
  /// Options of tern-cpu-ternary-kernels.
  std::string ternaryKernelOptions;
  /// f32 lanes per vector register: the lanes group-quantized codes are
  /// packed for (tern-cpu-pack-quantized).
  int64_t quantizedLanes = 16;
  /// Options of tern-cpu-quantized-kernels.
  std::string quantizedKernelOptions;
};
KernelTuning kernelTuningFor(const Machine &target);

/// Creates the TargetMachine (PIC, for a shared object). Errors name an
/// unknown triple or CPU.
/// (From `options`: cpu, triple and optLevel.)
llvm::Expected<Machine> createMachine(const TargetOptions &options);

/// Sets the module's triple and data layout, and runs LLVM's default
/// per-module pipeline at the target's optimization level.
void optimizeModule(llvm::Module &module, const Machine &target, unsigned optLevel);

/// Emits an ELF object for `module`.
llvm::Error emitObject(llvm::Module &module, const Machine &target,
                       llvm::SmallVectorImpl<char> &object);

/// Links `objectPath` into a shared object at `outputPath` (with libm), with
/// the clang driver Ternion was configured with (TERNION_LINKER overrides).
llvm::Error linkSharedObject(llvm::StringRef objectPath, llvm::StringRef outputPath);

} // namespace ternion::cpu

#endif // TERNION_TARGET_CPU_MACHINECODE_H
