//===- Speculative.h - Speculative decoding with a draft model --*- C++ -*-===//
//
// A generator over an artifact compiled with a draft model (ternion-compile
// --draft; the manifest's "speculative" section) produces several tokens
// per target pass. Each round (speculate):
//
//   1. the draft's cache set catches up with the context, and the draft
//      proposes K tokens, one step each;
//   2. the target runs once over its pending token and the proposals, and
//      reads the logits of every position;
//   3. the proposals are accepted up to the first the target would not
//      have produced, and the target's own token follows them: exact match
//      of the target's choice (greedy, and string-level matching), or the
//      rejection rule of Acceptance.h (sampling over a shared vocabulary);
//   4. both cache sets are truncated to what was accepted.
//
// With different vocabularies (SLEM, Timor et al., ICML'25) the draft reads
// the context as text re-encoded with its own tokenizer, and its proposals
// reach the target as text re-encoded with the target's, starting a few
// tokens back at a word boundary so that the boundary tokenizes as the
// context did. The tokens produced are always the target's: greedy
// decoding gives exactly the target's tokens, sampling its distribution.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_RUNTIME_LIB_LLM_SPECULATIVE_H
#define TERNION_RUNTIME_LIB_LLM_SPECULATIVE_H

#include "llm/CacheSet.h"
#include "llm/LlmModel.h"
#include "llm/Logits.h"

#include "ternion/llm.h"

#include <string>
#include <vector>

struct tnx_generator;

namespace ternion::runtime {

/// The draft side of a generator that speculates.
struct Speculation {
  LlmModel *draft = nullptr;
  CacheSet *draftCache = nullptr;
  /// Tokens the draft proposes per round (K).
  int32_t draftTokens = 0;
  /// SLEM: proposals reach the target as text, through both tokenizers
  /// (references held).
  bool stringLevel = false;
  tnx_tokenizer *targetTokenizer = nullptr;
  tnx_tokenizer *draftTokenizer = nullptr;
  tnx_speculative_stats_t stats = {};
  /// The OpenMP runtime's thread-count calls, from the artifact's library
  /// (null without one): the draft runs on one thread (Speculative.cpp).
  void (*setThreads)(int) = nullptr;
  int (*getThreads)() = nullptr;

  /// Scratch kept across rounds, so that a round allocates nothing once
  /// the first has sized it.
  StepLogits draftLogits;
  std::vector<int32_t> context, draftContext, proposed, candidates, encoded;
  std::vector<std::vector<double>> proposal, target;
  std::vector<double> residual;
  std::string text;

  Speculation() = default;
  Speculation(const Speculation &) = delete;
  Speculation &operator=(const Speculation &) = delete;
  ~Speculation();
};

/// Sets up speculation for `gen` (whose target model and cache set exist)
/// with `draftTokens` (1..16) proposals per round, from its artifact's
/// "speculative" section: the draft model, a cache set for it, and for
/// SLEM both tokenizers.
tnx_status_t startSpeculation(tnx_generator &gen, int32_t draftTokens);

/// One round, when `gen.pending` holds exactly the one token the target has
/// not run yet: appends the tokens produced (the accepted proposals and the
/// target's next token) to `gen.ready`. Leaves `gen.ready` empty when no
/// round fits (the context is full, or the draft has no proposal the target
/// can read); the caller then takes an ordinary step.
tnx_status_t speculate(tnx_generator &gen);

} // namespace ternion::runtime

#endif // TERNION_RUNTIME_LIB_LLM_SPECULATIVE_H
