//===- Acceptance.cpp - Speculative sampling's acceptance rule ------------===//
#include "llm/Acceptance.h"
#include "llm/Sampler.h"

#include <algorithm>

using namespace ternion::runtime;

namespace {

/// Index i with probability weights[i] / sum(weights).
int32_t draw(Pcg32 &random, const std::vector<double> &weights) {
  int32_t index = drawIndex(random, weights);
  // Every weight 0 cannot happen for a distribution; keep a valid id.
  return index < 0 ? 0 : index;
}

} // namespace

size_t ternion::runtime::acceptDraft(const std::vector<std::vector<double>> &target,
                                     const std::vector<std::vector<double>> &proposal,
                                     const std::vector<int32_t> &draft, Pcg32 &random,
                                     std::vector<double> &residual, int32_t &next) {
  size_t k = draft.size();
  for (size_t i = 0; i < k; ++i) {
    const std::vector<double> &p = target[i], &q = proposal[i];
    int32_t token = draft[i];
    // Accept with probability min(1, p/q): u < p/q, written without the
    // division. q(token) > 0, since the token was drawn from q.
    if (random.uniform() * q[token] < p[token])
      continue;
    residual.resize(p.size());
    double total = 0;
    for (size_t v = 0; v < p.size(); ++v) {
      residual[v] = std::max(0.0, p[v] - q[v]);
      total += residual[v];
    }
    // A rejection has probability sum(max(0, q - p)) = sum(max(0, p - q)):
    // when that is 0 (p == q up to rounding) rejection cannot happen in
    // exact arithmetic; draw from p then.
    next = total > 0 ? draw(random, residual) : draw(random, p);
    return i;
  }
  next = draw(random, target[k]);
  return k;
}
