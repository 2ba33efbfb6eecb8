//===- Acceptance.h - Speculative sampling's acceptance rule ----*- C++ -*-===//
//
// The rule that makes speculative decoding with sampling lossless
// (Leviathan et al., 2023; Chen et al., 2023): draft token d_i, drawn from
// the draft's distribution q_i, is accepted with probability
// min(1, p_i(d_i) / q_i(d_i)), p_i being the target's distribution at the
// same position; at the first rejection the next token is drawn from the
// residual max(0, p_i - q_i), normalized; when every draft token is
// accepted, a bonus token is drawn from the target's next distribution.
// Every token produced then has exactly the target's distribution.
//
// Kept apart from the generator so that unit tests can check it against
// the formulas on small vocabularies.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_RUNTIME_LIB_LLM_ACCEPTANCE_H
#define TERNION_RUNTIME_LIB_LLM_ACCEPTANCE_H

#include "llm/Random.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ternion::runtime {

/// Applies the rule to `draft.size()` = k tokens. `target` holds k + 1
/// distributions (p_0 .. p_k over the same vocabulary, p_i after the
/// context and draft[0..i)), `proposal` the k draft distributions q_i the
/// tokens were drawn from. Returns how many draft tokens are accepted and
/// sets `next` to the token that follows them (residual or bonus draw).
/// `residual` is scratch.
size_t acceptDraft(const std::vector<std::vector<double>> &target,
                   const std::vector<std::vector<double>> &proposal,
                   const std::vector<int32_t> &draft, Pcg32 &random, std::vector<double> &residual,
                   int32_t &next);

} // namespace ternion::runtime

#endif // TERNION_RUNTIME_LIB_LLM_ACCEPTANCE_H
