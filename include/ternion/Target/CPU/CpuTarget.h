//===- CpuTarget.h - the x86-64 CPU target ----------------------*- C++ -*-===//
#ifndef TERNION_TARGET_CPU_CPUTARGET_H
#define TERNION_TARGET_CPU_CPUTARGET_H

#include "ternion/Target/Target.h"

namespace ternion::cpu {

/// The CPU target: LLVM's TargetMachine for --mcpu, kernel tiles shaped to
/// its vector registers, weights in column panels, flash-attention tiles,
/// OpenMP parallel loops, linked with the system's clang driver.
llvm::Expected<std::unique_ptr<TargetBackend>> createCpuTarget(const TargetOptions &options);

} // namespace ternion::cpu

#endif // TERNION_TARGET_CPU_CPUTARGET_H
