//===- EntryPoints.h - the artifact ABI's C entry points ---------*- C++ -*-===//
#ifndef TERNION_ARTIFACT_ENTRYPOINTS_H
#define TERNION_ARTIFACT_ENTRYPOINTS_H

#include "ternion/Artifact/Manifest.h"

#include "llvm/Support/Error.h"

namespace llvm {
class Module;
} // namespace llvm

namespace ternion {

/// For each function, defines `void tnx_<name>(void **args)` over MLIR's
/// `_mlir_ciface_<name>` (docs/runtime.md: args[0..n) input descriptors,
/// args[n] the weights descriptor, args[n+1] the result descriptors), and
/// `int tnx_abi_version(void)`. Everything else gets internal linkage, so
/// the library exports exactly the ABI and LLVM may inline across it.
llvm::Error defineEntryPoints(llvm::Module &module,
                              llvm::ArrayRef<FunctionSignature> functions);

} // namespace ternion

#endif // TERNION_ARTIFACT_ENTRYPOINTS_H
