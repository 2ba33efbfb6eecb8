//===- SharedObjectLinker.cpp - object -> model.so ------------------------===//
//
// The only step outside the process: the clang driver knows the system's
// crt files and library paths, and lld links in a fraction of a second.
//
// Parallel loops call LLVM's OpenMP runtime (__kmpc_*): libomp is linked
// --as-needed (a model without parallel loops does not depend on it) with a
// run path to its directory, which is not on the loader's default path, so
// the runtime's dlopen(RTLD_NOW) of model.so finds it. OMP_NUM_THREADS sets
// the number of threads.
//
//===----------------------------------------------------------------------===//
#include "ternion/Target/CPU/MachineCode.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

using namespace llvm;

#ifndef TERNION_OPENMP_LIBRARY
#error "TERNION_OPENMP_LIBRARY (the path of libomp.so) must be defined"
#endif

#ifndef TERNION_DEFAULT_LINKER
#define TERNION_DEFAULT_LINKER "clang"
#endif

namespace ternion::cpu {

Error linkSharedObject(StringRef objectPath, StringRef outputPath) {
  std::string linker = TERNION_DEFAULT_LINKER;
  if (const char *env = std::getenv("TERNION_LINKER"); env && *env)
    linker = env;
  if (!sys::path::is_absolute(linker)) {
    ErrorOr<std::string> found = sys::findProgramByName(linker);
    if (!found)
      return createStringError("cannot find the linker driver '" + linker +
                               "' (install clang-22 and lld-22, or set TERNION_LINKER)");
    linker = *found;
  }
  SmallString<128> logPath;
  if (std::error_code ec = sys::fs::createTemporaryFile("ternion-link", "log", logPath))
    return createStringError("cannot create a temporary file: " + ec.message());
  FileRemover removeLog(logPath);
  StringRef openmp = TERNION_OPENMP_LIBRARY;
  std::string runPath = ("-Wl,-rpath," + sys::path::parent_path(openmp)).str();
  SmallVector<StringRef> args{linker,     "-shared",          "-fuse-ld=lld",
                              "-Wl,--no-undefined", "-o",     outputPath,
                              objectPath, "-lm",              "-Wl,--as-needed",
                              openmp,     "-Wl,--no-as-needed", runPath};
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(logPath), StringRef(logPath)};
  std::string error;
  int rc = sys::ExecuteAndWait(linker, args, std::nullopt, redirects, 0, 0, &error);
  if (rc != 0) {
    std::string log;
    if (auto buffer = MemoryBuffer::getFile(logPath))
      log = (*buffer)->getBuffer().trim().str();
    return createStringError("linking '" + outputPath.str() + "' with '" + linker +
                             "' failed" + (error.empty() ? "" : ": " + error) +
                             (log.empty() ? "" : "\n" + log));
  }
  return Error::success();
}

} // namespace ternion::cpu
