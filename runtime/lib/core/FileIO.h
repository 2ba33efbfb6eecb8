//===- FileIO.h - Reading the files of an artifact --------------*- C++ -*-===//
//
// POSIX file reading shared by the artifact loader (manifest.json, weights)
// and the tokenizers (tokenizer.json), so that every file error reads the
// same way: "<file>: cannot open: <reason>".
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_RUNTIME_LIB_CORE_FILEIO_H
#define TERNION_RUNTIME_LIB_CORE_FILEIO_H

#include "ternion/runtime.h"

#include <string>
#include <sys/stat.h>

namespace ternion::runtime {

/// strerror(errno).
std::string errnoText();

/// Closes a file descriptor on scope exit.
struct FdCloser {
  int fd;
  ~FdCloser();
};

/// Opens `file` read-only and stats it; the caller owns `fd` on success.
/// IO_ERROR naming the file otherwise.
tnx_status_t openAndStat(const std::string &file, int &fd, struct stat &info);

/// openAndStat for a file that must be a regular one: anything else (a
/// folder, a device) fails with `badFileCode` naming the file as `name`.
tnx_status_t openRegularFile(const std::string &file, const std::string &name,
                             tnx_status_code_t badFileCode, int &fd,
                             struct stat &info);

/// Reads the whole of `file`, a regular file of at most `maxSize` bytes.
/// A file that is not regular or is larger fails with `badFileCode` (the
/// caller says whose fault that is); errors name the file.
tnx_status_t readSmallFile(const std::string &file, size_t maxSize,
                           tnx_status_code_t badFileCode, std::string &text);

/// Resolves `name`, a file of the artifact in `directory`, through any
/// symbolic links and checks that the file reached is still inside the
/// directory: an artifact's links cannot point the loader at other files.
/// `resolved` is the real path. IO_ERROR if it cannot be resolved,
/// INVALID_ARTIFACT if it leads outside; both name the file.
tnx_status_t resolveInsideDirectory(const std::string &directory,
                                    const std::string &name,
                                    std::string &resolved);

} // namespace ternion::runtime

#endif // TERNION_RUNTIME_LIB_CORE_FILEIO_H
