//===- PatternSearchTest.cpp - the pattern file and the search's rules ----===//
//
// The pattern file round-trips and names the entry it refuses; the
// search's own implementation of the patterns (PatternSearch.cpp, which
// must agree with the CPU kernel's rules) keeps every causal key at full
// budgets, builds the ranges docs/sparse-attention.md states, and prices
// them as the kernel computes them.
//
//===----------------------------------------------------------------------===//
#include "PatternSearch.h"
#include "passes/attention/PatternFile.h"

#include <gtest/gtest.h>

#include <random>

using namespace ternion;
using namespace ternion::search;

namespace {

HeadPattern pattern(HeadPatternKind kind, int64_t first, int64_t second = 0) {
  HeadPattern p;
  p.kind = kind;
  p.first = first;
  p.second = second;
  return p;
}

TEST(PatternFileTest, RoundTrips) {
  PatternFile file;
  file.context = 8192;
  file.minTokens = 4096;
  file.source = "a \"quoted\" source";
  HeadPattern measured = pattern(HeadPatternKind::AShape, 64, 1024);
  measured.recall = 0.9712;
  measured.density = 0.141;
  file.layers = {{measured, pattern(HeadPatternKind::VerticalSlash, 1000, 200)},
                 {pattern(HeadPatternKind::BlockSparse, 16), pattern(HeadPatternKind::Dense, 0)}};
  llvm::Expected<PatternFile> parsed = parsePatternFile(printPatternFile(file), "p.json");
  ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
  EXPECT_EQ(parsed->context, 8192);
  EXPECT_EQ(parsed->minTokens, 4096);
  EXPECT_EQ(parsed->source, file.source);
  ASSERT_EQ(parsed->layers.size(), 2u);
  EXPECT_EQ(parsed->layers[0][0].kind, HeadPatternKind::AShape);
  EXPECT_EQ(parsed->layers[0][0].second, 1024);
  EXPECT_NEAR(*parsed->layers[0][0].recall, 0.9712, 1e-9);
  EXPECT_EQ(parsed->layers[0][1].first, 1000);
  EXPECT_EQ(parsed->layers[1][0].first, 16);
  EXPECT_EQ(parsed->layers[1][1].kind, HeadPatternKind::Dense);
}

TEST(PatternFileTest, NamesTheEntry) {
  auto error = [](const char *text) {
    llvm::Expected<PatternFile> parsed = parsePatternFile(text, "p.json");
    EXPECT_FALSE(bool(parsed));
    return parsed ? std::string() : llvm::toString(parsed.takeError());
  };
  const char *head = R"({"format": "ternion.attention-patterns", "version": 1, "layers": )";
  EXPECT_EQ(
      error(
          (std::string(head) +
           R"([{"heads": [{"pattern": "dense"}]}, {"heads": [{"pattern": "a_shape", "sink": "64", "local": 8}]}]})")
              .c_str()),
      "p.json: layers[1].heads[0]: 'sink' must be an integer");
  EXPECT_EQ(
      error((std::string(head) + R"([{"heads": []}]})").c_str()),
      "p.json: layers[0]: a layer must be {\"heads\": [...]} with one pattern per query head");
  EXPECT_EQ(error((std::string(head) + R"([]})").c_str()),
            "p.json: missing \"layers\": one {\"heads\": [...]} per attention layer");
  EXPECT_EQ(
      error(
          R"({"format": "ternion.attention-patterns", "version": 1, "context": -5, "layers": [{"heads": [{"pattern": "dense"}]}]})"),
      "p.json: 'context' must not be negative");
}

/// A random head of S queries over T keys (the queries at the end).
struct RandomHead {
  std::vector<float> q, k, v;
  HeadTensors tensors;
  RandomHead(int64_t queries, int64_t keys, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    for (auto [data, rows] : {std::pair{&q, queries}, std::pair{&k, keys}, std::pair{&v, keys}})
      for (int64_t i = 0; i < rows * 8; ++i)
        data->push_back(normal(rng));
    tensors = {q.data(), k.data(), v.data(), queries, keys, 8, 8, 0.35f};
  }
};

TEST(PatternSearchTest, FullBudgetsAreDense) {
  RandomHead head(300, 460, 1); // a KV-cache step: queries at 160..459
  std::vector<float> dense = attend(head.tensors, nullptr);
  Estimate e = estimate(head.tensors);
  for (HeadPattern p : {pattern(HeadPatternKind::AShape, 0, 1 << 20),
                        pattern(HeadPatternKind::BlockSparse, 1 << 20),
                        pattern(HeadPatternKind::VerticalSlash, 0, 1 << 20),
                        pattern(HeadPatternKind::VerticalSlash, 1 << 20, 1)}) {
    PatternIndex index = buildIndex(p, e, 300, 460);
    std::vector<float> out = attend(head.tensors, &index);
    EXPECT_NEAR(outputRecall(out, dense), 1.0, 1e-6) << patternKindName(p.kind).str();
  }
  // Ranges cost their 64-key chunks: every causal key in one range per block.
  EXPECT_EQ(buildIndex(pattern(HeadPatternKind::AShape, 0, 1 << 20), e, 300, 460).chunks,
            denseChunks(300, 460));
}

TEST(PatternSearchTest, RangesFollowTheRules) {
  RandomHead head(512, 512, 2);
  Estimate e = estimate(head.tensors);
  // A-shape: [0, sink) and (p0 - local, p1] per block of 64 queries.
  PatternIndex a = buildIndex(pattern(HeadPatternKind::AShape, 64, 100), e, 512, 512);
  ASSERT_EQ(a.blocks.size(), 8u);
  using Ranges = std::vector<std::pair<int64_t, int64_t>>;
  EXPECT_EQ(a.blocks[0].ranges, (Ranges{{0, 64}}));
  EXPECT_EQ(a.blocks[5].ranges, (Ranges{{0, 64}, {221, 384}}));
  // Chunks: [0,64); [0,128); [0,192); then [0,64) + a 163-key window (1 + 3).
  EXPECT_EQ(a.chunks, 1 + 2 + 3 + 5 * 4);
}

TEST(PatternSearchTest, BlockSparseKeepsSinkAndDiagonal) {
  RandomHead head(640, 640, 3);
  Estimate e = estimate(head.tensors);
  PatternIndex index = buildIndex(pattern(HeadPatternKind::BlockSparse, 3), e, 640, 640);
  for (size_t b = 0; b < index.blocks.size(); ++b) {
    const auto &ranges = index.blocks[b].ranges;
    ASSERT_FALSE(ranges.empty());
    EXPECT_EQ(ranges.front().first, 0) << "block " << b;
    EXPECT_EQ(ranges.back().second, int64_t(b + 1) * 64) << "block " << b;
    int64_t keys = 0;
    for (auto [start, end] : ranges)
      keys += end - start;
    EXPECT_EQ(keys, std::min<int64_t>(3, b + 1) * 64) << "block " << b;
  }
}

TEST(PatternSearchTest, VerticalSlashKeepsTheLocalDiagonalsAndListsOtherColumns) {
  RandomHead head(640, 640, 4);
  Estimate e = estimate(head.tensors);
  // 100 forced diagonals (the whole budget) merge into one range; the 30
  // forced columns and 10 estimated ones are listed unless a range has them.
  PatternIndex index = buildIndex(pattern(HeadPatternKind::VerticalSlash, 40, 100), e, 640, 640);
  const BlockKeys &last = index.blocks.back(); // queries 576..639
  using Ranges = std::vector<std::pair<int64_t, int64_t>>;
  EXPECT_EQ(last.ranges, (Ranges{{477, 640}}));
  ASSERT_GE(last.columns.size(), 30u);
  EXPECT_LE(last.columns.size(), 40u);
  for (int64_t i = 0; i < 30; ++i)
    EXPECT_EQ(last.columns[i], i);
  for (int64_t column : last.columns)
    EXPECT_LT(column, 477);
}

} // namespace
