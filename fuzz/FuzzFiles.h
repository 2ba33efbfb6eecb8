//===- FuzzFiles.h - Scratch files for fuzzers of file readers --*- C++ -*-===//
//
// Some readers only take a path (SentencePiece, the artifact loader), so
// their fuzzers write each input to a file in one scratch directory per
// process, made on first use and removed at exit.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_FUZZ_FUZZFILES_H
#define TERNION_FUZZ_FUZZFILES_H

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <unistd.h>

namespace ternion::fuzz {

/// The scratch directory of this process.
inline const std::string &scratchDirectory() {
  static const std::string directory = [] {
    const char *base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") +
                          "/ternion-fuzz-XXXXXX";
    if (!::mkdtemp(pattern.data())) {
      std::perror("mkdtemp");
      std::abort();
    }
    return pattern;
  }();
  return directory;
}

/// Writes `bytes` to `name` in the scratch directory; returns its path.
inline std::string writeScratchFile(const std::string &name,
                                    std::string_view bytes) {
  std::string path = scratchDirectory() + "/" + name;
  std::FILE *file = std::fopen(path.c_str(), "wb");
  if (!file ||
      std::fwrite(bytes.data(), 1, bytes.size(), file) != bytes.size() ||
      std::fclose(file) != 0) {
    std::perror(path.c_str());
    std::abort();
  }
  return path;
}

/// Removes `name` from the scratch directory if it is there.
inline void removeScratchFile(const std::string &name) {
  ::unlink((scratchDirectory() + "/" + name).c_str());
}

} // namespace ternion::fuzz

#endif // TERNION_FUZZ_FUZZFILES_H
