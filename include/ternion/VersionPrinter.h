//===- VersionPrinter.h - the --version line of the LLVM-based tools -*- C++ -*-===//
#ifndef TERNION_VERSIONPRINTER_H
#define TERNION_VERSIONPRINTER_H

#include "ternion/Version.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

namespace ternion {

/// Adds Ternion's and LLVM's versions to --version (ternion-opt,
/// ternion-translate, ternion-compile; ternion-run prints its own, without
/// LLVM).
inline void registerTernionVersionPrinter() {
  llvm::cl::AddExtraVersionPrinter([](llvm::raw_ostream &os) {
    os << "Ternion version " << TERNION_VERSION << " (LLVM/MLIR " << TERNION_LLVM_VERSION
       << ")\n";
  });
}

} // namespace ternion

#endif // TERNION_VERSIONPRINTER_H
