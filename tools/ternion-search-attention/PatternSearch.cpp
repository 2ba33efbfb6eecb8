//===- PatternSearch.cpp - choosing a sparse pattern per head -------------===//
#include "PatternSearch.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numeric>

namespace ternion::search {
namespace {

constexpr int64_t kBlock = 64;
// MInference's rules, as in #tern.vertical_slash (TernAttributes.td).
constexpr int64_t kForcedVertical = 30, kForcedSlash = 100, kEstimateQueries = 64;
constexpr double kInf = std::numeric_limits<double>::infinity();

HeadPattern makePattern(HeadPatternKind kind, int64_t first, int64_t second) {
  HeadPattern pattern;
  pattern.kind = kind;
  pattern.first = first;
  pattern.second = second;
  return pattern;
}

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

double dot(const float *a, const float *b, int64_t n) {
  double sum = 0;
  for (int64_t i = 0; i < n; ++i)
    sum += double(a[i]) * b[i];
  return sum;
}

/// Ascending indices of the k largest of `scores`, the first `forced`
/// indices always in (they are +inf in the kernel), -inf never, ties to
/// the lower index: the kernel's top-k.
std::vector<int64_t> topK(const std::vector<double> &scores, int64_t k, int64_t forced) {
  forced = std::min<int64_t>({forced, k, int64_t(scores.size())});
  std::vector<int64_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  // Descending, ties to the lower index.
  std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
  });
  std::vector<int64_t> kept;
  for (int64_t i = 0; i < forced; ++i)
    kept.push_back(i);
  for (int64_t i : order) {
    if (int64_t(kept.size()) >= k)
      break;
    if (i >= forced && scores[i] > -kInf)
      kept.push_back(i);
  }
  std::sort(kept.begin(), kept.end());
  return kept;
}

/// Appends [start, end) to sorted ranges, merging overlapping or touching.
void appendRange(BlockKeys &keys, int64_t start, int64_t end) {
  if (!keys.ranges.empty() && start <= keys.ranges.back().second)
    keys.ranges.back().second = std::max(keys.ranges.back().second, end);
  else
    keys.ranges.push_back({start, end});
}

} // namespace

Estimate estimate(const HeadTensors &head) {
  int64_t S = head.queries, T = head.keys, offset = T - S;
  Estimate e;
  e.vertical.assign(T, 0.0);
  e.slash.assign(T, 0.0);
  int64_t last = std::min(kEstimateQueries, S);
  std::vector<double> row(T);
  for (int64_t r = S - last; r < S; ++r) {
    int64_t p = r + offset;
    double max = -kInf;
    for (int64_t j = 0; j <= p; ++j) {
      row[j] = head.scale * dot(head.query + r * head.depth, head.key + j * head.depth, head.depth);
      max = std::max(max, row[j]);
    }
    double sum = 0;
    for (int64_t j = 0; j <= p; ++j)
      sum += row[j] = std::exp(row[j] - max);
    for (int64_t j = 0; j <= p; ++j) {
      e.vertical[j] += row[j] / sum;
      e.slash[p - j] += row[j] / sum;
    }
  }
  auto pool = [&](const float *x, int64_t rows) {
    std::vector<std::vector<double>> pooled(ceilDiv(rows, kBlock),
                                            std::vector<double>(head.depth, 0.0));
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t d = 0; d < head.depth; ++d)
        pooled[r / kBlock][d] += x[r * head.depth + d];
    for (size_t b = 0; b < pooled.size(); ++b)
      for (double &v : pooled[b])
        v /= double(std::min<int64_t>(kBlock, rows - int64_t(b) * kBlock));
    return pooled;
  };
  auto queryPool = pool(head.query, S), keyPool = pool(head.key, T);
  e.blockScores.assign(queryPool.size(), std::vector<double>(keyPool.size()));
  for (size_t i = 0; i < queryPool.size(); ++i)
    for (size_t j = 0; j < keyPool.size(); ++j)
      e.blockScores[i][j] =
          std::inner_product(queryPool[i].begin(), queryPool[i].end(), keyPool[j].begin(), 0.0);
  return e;
}

PatternIndex buildIndex(const HeadPattern &pattern, const Estimate &estimate, int64_t queries,
                        int64_t keys) {
  int64_t offset = keys - queries;
  std::vector<int64_t> verticals, slashes;
  if (pattern.kind == HeadPatternKind::VerticalSlash) {
    verticals = topK(estimate.vertical, pattern.first, kForcedVertical);
    slashes = topK(estimate.slash, pattern.second, kForcedSlash);
  }
  PatternIndex index;
  for (int64_t first = 0; first < queries; first += kBlock) {
    int64_t p0 = first + offset, p1 = std::min(first + kBlock, queries) - 1 + offset;
    int64_t keyEnd = p1 + 1;
    BlockKeys block;
    switch (pattern.kind) {
    case HeadPatternKind::Dense:
      appendRange(block, 0, keyEnd);
      break;
    case HeadPatternKind::AShape:
      appendRange(block, 0, std::min(pattern.first, keyEnd));
      appendRange(block, std::max<int64_t>(0, p0 + 1 - pattern.second), keyEnd);
      break;
    case HeadPatternKind::BlockSparse: {
      std::vector<double> row = estimate.blockScores[first / kBlock];
      for (int64_t c = 0; c < int64_t(row.size()); ++c) {
        if (c == 0 || c >= p0 / kBlock)
          row[c] = kInf;
        if (c > p1 / kBlock)
          row[c] = -kInf;
      }
      for (int64_t kept : topK(row, pattern.first, 0))
        appendRange(block, kept * kBlock, std::min(kept * kBlock + kBlock, keyEnd));
      break;
    }
    case HeadPatternKind::VerticalSlash: {
      for (auto it = slashes.rbegin(); it != slashes.rend(); ++it) {
        int64_t start = std::max<int64_t>(0, p0 - *it), end = std::min(keyEnd - *it, keyEnd);
        if (end > start)
          appendRange(block, start, end);
      }
      size_t r = 0;
      for (int64_t column : verticals) {
        while (r < block.ranges.size() && block.ranges[r].second <= column)
          ++r;
        bool covered = r < block.ranges.size() && block.ranges[r].first <= column;
        if (column < keyEnd && !covered)
          block.columns.push_back(column);
      }
      break;
    }
    }
    for (auto [start, end] : block.ranges)
      index.chunks += ceilDiv(end - start, kBlock);
    index.chunks += ceilDiv(int64_t(block.columns.size()), kBlock);
    index.blocks.push_back(std::move(block));
  }
  return index;
}

int64_t denseChunks(int64_t queries, int64_t keys) {
  int64_t chunks = 0, offset = keys - queries;
  for (int64_t first = 0; first < queries; first += kBlock)
    chunks += ceilDiv(std::min(first + kBlock, queries) + offset, kBlock);
  return chunks;
}

std::vector<float> attend(const HeadTensors &head, const PatternIndex *index) {
  int64_t S = head.queries, offset = head.keys - S;
  std::vector<float> out(S * head.valueDepth, 0.0f);
  std::vector<int64_t> keys;
  std::vector<double> weights, acc(head.valueDepth);
  for (int64_t r = 0; r < S; ++r) {
    int64_t p = r + offset;
    keys.clear();
    if (!index) {
      for (int64_t j = 0; j <= p; ++j)
        keys.push_back(j);
    } else {
      const BlockKeys &block = index->blocks[r / kBlock];
      for (auto [start, end] : block.ranges)
        for (int64_t j = start; j < end && j <= p; ++j)
          keys.push_back(j);
      for (int64_t j : block.columns)
        if (j <= p)
          keys.push_back(j);
    }
    weights.resize(keys.size());
    double max = -kInf, sum = 0;
    for (size_t i = 0; i < keys.size(); ++i) {
      weights[i] = head.scale *
                   dot(head.query + r * head.depth, head.key + keys[i] * head.depth, head.depth);
      max = std::max(max, weights[i]);
    }
    std::fill(acc.begin(), acc.end(), 0.0);
    for (size_t i = 0; i < keys.size(); ++i) {
      double w = std::exp(weights[i] - max);
      sum += w;
      const float *v = head.value + keys[i] * head.valueDepth;
      for (int64_t d = 0; d < head.valueDepth; ++d)
        acc[d] += w * v[d];
    }
    for (int64_t d = 0; d < head.valueDepth; ++d)
      out[r * head.valueDepth + d] = float(acc[d] / sum);
  }
  return out;
}

double outputRecall(const std::vector<float> &sparse, const std::vector<float> &dense) {
  double error = 0, norm = 0;
  for (size_t i = 0; i < dense.size(); ++i) {
    error += (double(sparse[i]) - dense[i]) * (double(sparse[i]) - dense[i]);
    norm += double(dense[i]) * dense[i];
  }
  return norm > 0 ? 1.0 - std::sqrt(error / norm) : 1.0;
}

HeadChoice searchHead(const HeadTensors &head, double density, double minRecall) {
  int64_t S = head.queries, T = head.keys;
  std::vector<float> dense = attend(head, nullptr);
  double denseCost = double(denseChunks(S, T));
  double target = density * denseCost;
  Estimate e = estimate(head);
  HeadChoice choice;
  auto evaluate = [&](HeadPattern pattern) {
    PatternIndex index = buildIndex(pattern, e, S, T);
    pattern.recall = outputRecall(attend(head, &index), dense);
    pattern.density = double(index.chunks) / denseCost;
    choice.candidates.push_back(pattern);
  };
  // The largest budget in [lo, hi] whose kernel cost stays within the
  // target (cost grows with the budget), or lo when none does.
  auto largestWithin = [&](int64_t lo, int64_t hi, auto makePattern) {
    while (lo < hi) {
      int64_t mid = lo + (hi - lo + 1) / 2;
      if (double(buildIndex(makePattern(mid), e, S, T).chunks) <= target)
        lo = mid;
      else
        hi = mid - 1;
    }
    return makePattern(lo);
  };
  int64_t sink = std::min<int64_t>(kBlock, T);
  evaluate(largestWithin(
      1, T, [&](int64_t local) { return makePattern(HeadPatternKind::AShape, sink, local); }));
  evaluate(largestWithin(2, std::max<int64_t>(2, ceilDiv(T, kBlock)), [&](int64_t blocks) {
    return makePattern(HeadPatternKind::BlockSparse, blocks, 0);
  }));
  // Vertical-slash at a few splits of the cost between columns and
  // diagonals: as many diagonals as fit next to T/32, T/8 or T/2 columns.
  for (int64_t columns : {T / 32, T / 8, T / 2}) {
    HeadPattern pattern = largestWithin(1, T, [&](int64_t slash) {
      return makePattern(HeadPatternKind::VerticalSlash, columns, slash);
    });
    if (double(buildIndex(pattern, e, S, T).chunks) <= target)
      evaluate(pattern);
  }
  choice.chosen = *std::max_element(
      choice.candidates.begin(), choice.candidates.end(),
      [](const HeadPattern &a, const HeadPattern &b) { return *a.recall < *b.recall; });
  if (*choice.chosen.recall < minRecall) {
    choice.chosen = makePattern(HeadPatternKind::Dense, 0, 0);
    choice.chosen.recall = 1.0;
    choice.chosen.density = 1.0;
  }
  return choice;
}

std::vector<float> pooledAttention(const HeadTensors &head, int64_t cells) {
  int64_t S = head.queries, T = head.keys, offset = T - S;
  std::vector<double> sums(cells * cells, 0.0), counts(cells * cells, 0.0);
  std::vector<double> row(T);
  for (int64_t r = 0; r < S; ++r) {
    int64_t p = r + offset;
    double max = -kInf, sum = 0;
    for (int64_t j = 0; j <= p; ++j) {
      row[j] = head.scale * dot(head.query + r * head.depth, head.key + j * head.depth, head.depth);
      max = std::max(max, row[j]);
    }
    for (int64_t j = 0; j <= p; ++j)
      sum += row[j] = std::exp(row[j] - max);
    int64_t cellRow = r * cells / S;
    for (int64_t j = 0; j < T; ++j) {
      int64_t cell = cellRow * cells + j * cells / T;
      sums[cell] += j <= p ? row[j] / sum : 0.0;
      counts[cell] += 1;
    }
  }
  std::vector<float> pooled(cells * cells);
  for (size_t i = 0; i < pooled.size(); ++i)
    pooled[i] = counts[i] > 0 ? float(sums[i] / counts[i]) : 0.0f;
  return pooled;
}

} // namespace ternion::search
