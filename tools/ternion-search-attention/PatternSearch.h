//===- PatternSearch.h - choosing a sparse pattern per head -----*- C++ -*-===//
//
// The offline half of MInference for one attention head: given its query,
// key and value on real text, compute dense attention, then for each
// pattern the budget that computes about as many key blocks as the target
// (the kernel's cost: 64-key chunks of each range and of the gathered
// columns, per block of 64 queries), and the recall of the attention output
// it gives. The rules for which keys a pattern keeps are those of the CPU
// kernel (lib/Target/CPU/SparseAttention.cpp; docs/sparse-attention.md),
// implemented again here in plain loops.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_TOOLS_SEARCHATTENTION_PATTERNSEARCH_H
#define TERNION_TOOLS_SEARCHATTENTION_PATTERNSEARCH_H

#include "passes/attention/PatternFile.h"

#include <cstdint>
#include <vector>

namespace ternion::search {

/// One head's tensors, row-major: query [S, D], key [T, D], value [T, Dv].
struct HeadTensors {
  const float *query, *key, *value;
  int64_t queries, keys, depth, valueDepth;
  float scale;
};

/// The keys one block of 64 queries attends to: sorted, disjoint ranges
/// [start, end) and columns outside them.
struct BlockKeys {
  std::vector<std::pair<int64_t, int64_t>> ranges;
  std::vector<int64_t> columns;
};

/// What a head's pattern keeps, per query block, and what that costs.
struct PatternIndex {
  std::vector<BlockKeys> blocks;
  /// Key chunks of 64 the kernel computes, over all query blocks.
  int64_t chunks = 0;
};

/// The estimate of a head (the per-prompt half of MInference), computed
/// once and shared by every budget tried.
struct Estimate {
  /// Column and diagonal sums of the last 64 queries' attention.
  std::vector<double> vertical, slash;
  /// Mean-pooled block scores [query block][key block].
  std::vector<std::vector<double>> blockScores;
};

Estimate estimate(const HeadTensors &head);
PatternIndex buildIndex(const HeadPattern &pattern, const Estimate &estimate, int64_t queries,
                        int64_t keys);
/// Attention output [S, Dv] over the keys of `index` (every causal key when
/// `index` is null).
std::vector<float> attend(const HeadTensors &head, const PatternIndex *index);
/// 1 - |sparse - dense| / |dense| (Frobenius norms).
double outputRecall(const std::vector<float> &sparse, const std::vector<float> &dense);
/// Key chunks dense attention computes (the denominator of a density).
int64_t denseChunks(int64_t queries, int64_t keys);

/// The best pattern of each kind at about `density` of the dense cost, and
/// the one chosen (highest recall; dense when none reaches `minRecall`).
struct HeadChoice {
  HeadPattern chosen;
  std::vector<HeadPattern> candidates;
};
HeadChoice searchHead(const HeadTensors &head, double density, double minRecall);

/// Softmax probabilities of dense attention pooled to `cells` x `cells`
/// (the mean over each cell), for pictures.
std::vector<float> pooledAttention(const HeadTensors &head, int64_t cells);

} // namespace ternion::search

#endif // TERNION_TOOLS_SEARCHATTENTION_PATTERNSEARCH_H
