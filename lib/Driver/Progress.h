//===- Progress.h - stage lines of a long compile ---------------*- C++ -*-===//
#ifndef TERNION_LIB_DRIVER_PROGRESS_H
#define TERNION_LIB_DRIVER_PROGRESS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <string>

namespace ternion {

/// Stage lines on stderr: what is running and how long the last one took.
class Progress {
public:
  Progress(bool enabled, llvm::StringRef toolName) : enabled(enabled), toolName(toolName) {}

  void stage(const llvm::Twine &what) {
    finish();
    if (!enabled)
      return;
    current = what.str();
    start = std::chrono::steady_clock::now();
    llvm::errs() << toolName << ": " << current << "...";
    llvm::errs().flush();
  }

  /// Ends the stage's line early, for a stage that prints lines of its own;
  /// finish() then names the stage again with its time.
  void breakLine() {
    if (!enabled || current.empty() || lineBroken)
      return;
    llvm::errs() << "\n";
    lineBroken = true;
  }

  void finish() {
    if (!enabled || current.empty())
      return;
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (lineBroken)
      llvm::errs() << toolName << ": " << current << ":";
    llvm::errs() << " " << llvm::format("%.2f", seconds) << " s\n";
    current.clear();
    lineBroken = false;
  }

private:
  bool enabled;
  std::string toolName;
  std::string current;
  bool lineBroken = false;
  std::chrono::steady_clock::time_point start;
};

} // namespace ternion

#endif // TERNION_LIB_DRIVER_PROGRESS_H
