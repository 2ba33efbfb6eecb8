//===- Generate.h - ternion-run's LLM mode ----------------------*- C++ -*-===//
#ifndef TERNION_TOOLS_TERNION_RUN_GENERATE_H
#define TERNION_TOOLS_TERNION_RUN_GENERATE_H

#include "ternion/llm.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ternion::run {

struct GenerateOptions {
  std::string artifact;
  std::string prompt;
  /// The prompt as token ids (--prompt-ids), used instead of `prompt`; with
  /// them an artifact without a tokenizer can generate (ids only).
  std::optional<std::vector<int32_t>> promptIds;
  /// The function to drive ("" = main, else the first).
  std::string function;
  bool verifyWeights = true;
  /// Most tokens to generate (-n).
  int64_t maxNewTokens = 64;
  /// 0 = the manifest's generation.max_context, else 2048.
  int64_t maxContext = 0;
  tnx_sampler_options_t sampler;
  /// Print token ids instead of text (for comparisons with references).
  bool printIds = false;
  /// Print throughput, time to first token and peak RSS to stderr.
  bool bench = false;
  /// Draft tokens per target pass: -1 the artifact's, 0 the target alone.
  int32_t draftTokens = -1;
};

/// Runs text generation; returns the exit code (0, or 1 after printing an
/// error).
int runGenerateMode(const GenerateOptions &options);

} // namespace ternion::run

#endif // TERNION_TOOLS_TERNION_RUN_GENERATE_H
