//===- AtomicOutput.h - outputs that appear whole or not at all -*- C++ -*-===//
//
// A failed or interrupted compile must not leave a half-written file or
// artifact that a later run would load: files are written under a temporary
// name and renamed into place, artifacts are built in a staging directory
// that is renamed when complete and removed otherwise.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_LIB_DRIVER_ATOMICOUTPUT_H
#define TERNION_LIB_DRIVER_ATOMICOUTPUT_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace ternion {

/// Writes `contents` to `path` through a temporary file and a rename.
/// "-" is stdout.
llvm::Error writeFileAtomically(llvm::StringRef path, llvm::StringRef contents);

/// An artifact directory under construction; removed unless committed,
/// also when the compile is interrupted (SIGINT, SIGTERM, SIGHUP).
class StagingDirectory {
public:
  StagingDirectory() = default;
  StagingDirectory(const StagingDirectory &) = delete;
  StagingDirectory &operator=(const StagingDirectory &) = delete;
  ~StagingDirectory();

  /// Creates `<finalPath>.partial-XXXXXX`.
  llvm::Error create(llvm::StringRef finalPath);
  /// The path of `name` inside the staging directory.
  std::string file(llvm::StringRef name) const;
  /// Moves the directory to the final path, replacing an existing artifact
  /// there in one atomic exchange; refuses to replace anything that is not
  /// an artifact.
  llvm::Error commit();

private:
  /// Stops tracking the directory (committed or removed).
  void forget();

  std::string target, path;
};

} // namespace ternion

#endif // TERNION_LIB_DRIVER_ATOMICOUTPUT_H
