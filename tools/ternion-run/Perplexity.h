//===- Perplexity.h - ternion-run's perplexity mode -------------*- C++ -*-===//
#ifndef TERNION_TOOLS_TERNION_RUN_PERPLEXITY_H
#define TERNION_TOOLS_TERNION_RUN_PERPLEXITY_H

#include <cstdint>
#include <string>

namespace ternion::run {

struct PerplexityOptions {
  std::string artifact;
  /// The function to drive ("" = main, else the first).
  std::string function;
  bool verifyWeights = true;
  /// The text file to score.
  std::string textFile;
  /// Tokens per window (--context); 0 = the manifest's max_context, else 512.
  int64_t context = 0;
  /// Score at most this many windows (--chunks); 0 = all.
  int64_t maxWindows = 0;
};

/// Scores `textFile` with the artifact's model and tokenizer and prints
/// "perplexity: P over N tokens"; returns the exit code (0, or 1 after
/// printing an error).
int runPerplexityMode(const PerplexityOptions &options);

} // namespace ternion::run

#endif // TERNION_TOOLS_TERNION_RUN_PERPLEXITY_H
