//===- PatternFile.h - sparse attention pattern files -----------*- C++ -*-===//
//
// The JSON file that carries one sparse pattern per attention head from the
// offline search (ternion-search-attention) or the user's editor to
// tern-sparse-attention. docs/sparse-attention.md documents the format.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_PASSES_ATTENTION_PATTERNFILE_H
#define TERNION_PASSES_ATTENTION_PATTERNFILE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace ternion {

enum class HeadPatternKind { Dense, AShape, VerticalSlash, BlockSparse };

/// "dense", "a_shape", "vertical_slash" or "block_sparse".
llvm::StringRef patternKindName(HeadPatternKind kind);

struct HeadPattern {
  HeadPatternKind kind = HeadPatternKind::Dense;
  /// a_shape: sink and local tokens; vertical_slash: columns and diagonals;
  /// block_sparse: blocks (second unused).
  int64_t first = 0, second = 0;
  /// What the search measured (written, not needed to read): the recall of
  /// the attention output against dense attention, and the share of the
  /// causal blocks the pattern computes.
  std::optional<double> recall, density;
};

struct PatternFile {
  static constexpr llvm::StringLiteral kFormat = "ternion.attention-patterns";
  static constexpr int64_t kVersion = 1;
  /// The context the patterns were searched at (0: unknown).
  int64_t context = 0;
  /// Prefills shorter than this run dense (0: not given).
  int64_t minTokens = 0;
  /// Where the patterns came from (model, text), for people.
  std::string source;
  std::vector<std::vector<HeadPattern>> layers;
};

/// Parses a pattern file; errors name `fileName` and the entry
/// ("patterns.json: layers[1].heads[3]: ...").
llvm::Expected<PatternFile> parsePatternFile(llvm::StringRef text, llvm::StringRef fileName);

/// The file's JSON text, one head per line.
std::string printPatternFile(const PatternFile &file);

} // namespace ternion

#endif // TERNION_PASSES_ATTENTION_PATTERNFILE_H
