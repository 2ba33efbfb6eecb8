//===- AcceptanceTest.cpp - Speculative sampling keeps the target's law ---===//
//
// The acceptance rule of llm/Acceptance.h against the formulas: with a
// target distribution p and a draft distribution q that do not depend on
// the context, every token speculative decoding produces must be an
// independent draw from p, whatever q is, and the first draft token is
// accepted with probability sum_v min(p(v), q(v)). The samples come from
// fixed seeds, so the checks are deterministic; the chi-square bounds are
// at a false-alarm rate of about 1e-6 for an unbiased sampler.
//
// samplingDistribution (llm/Sampler.h) is checked against the sampler it
// describes: its probabilities are the frequencies tnx_sampler_sample
// draws with.
//
//===----------------------------------------------------------------------===//
#include "ChiSquare.h"
#include "llm/Acceptance.h"
#include "llm/Sampler.h"

#include "gtest/gtest.h"

#include <cmath>
#include <numeric>
#include <vector>

using namespace ternion::runtime;
using ternion::test::chiSquareBound;

namespace {

using Distribution = std::vector<double>;

/// Pearson's statistic of `counts` against `expected` probabilities over
/// `total` samples, over the cells with nonzero expectation; a count in a
/// cell of zero probability is infinitely unlikely.
double chiSquare(const std::vector<uint64_t> &counts, const Distribution &expected,
                 uint64_t total, size_t &cells) {
  double statistic = 0;
  cells = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    double e = expected[i] * static_cast<double>(total);
    if (e == 0) {
      if (counts[i] != 0)
        return INFINITY;
      continue;
    }
    ++cells;
    statistic += (counts[i] - e) * (counts[i] - e) / e;
  }
  return statistic;
}

Distribution normalized(std::vector<double> weights) {
  double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  for (double &w : weights)
    w /= total;
  return weights;
}

int32_t drawFrom(Pcg32 &random, const Distribution &d) {
  return drawIndex(random, d.data(), d.size(), 1.0);
}

/// Generates `tokens` tokens by speculative rounds of `k` draft tokens with
/// context-free p and q, and returns them.
std::vector<int32_t> speculate(const Distribution &p, const Distribution &q, size_t k,
                               size_t tokens, uint64_t seed, uint64_t &firstAccepted,
                               uint64_t &rounds) {
  Pcg32 random(seed);
  std::vector<std::vector<double>> target(k + 1, p), proposal(k, q);
  std::vector<int32_t> draft(k), out;
  std::vector<double> residual;
  firstAccepted = rounds = 0;
  while (out.size() < tokens) {
    for (size_t i = 0; i < k; ++i)
      draft[i] = drawFrom(random, q);
    int32_t next = -1;
    size_t accepted = acceptDraft(target, proposal, draft, random, residual, next);
    EXPECT_LE(accepted, k);
    firstAccepted += accepted > 0;
    ++rounds;
    out.insert(out.end(), draft.begin(), draft.begin() + accepted);
    out.push_back(next);
  }
  out.resize(tokens);
  return out;
}

struct Case {
  const char *name;
  Distribution p, q;
};

std::vector<Case> cases() {
  return {
      {"similar", normalized({5, 3, 1, 0.5, 0.5}), normalized({4, 4, 1, 0.6, 0.4})},
      {"draft misses a target token", normalized({2, 2, 2, 2, 2}), normalized({6, 3, 1, 0, 0})},
      {"draft proposes what the target never picks", normalized({0, 1, 3, 0, 6}),
       normalized({5, 1, 1, 2, 1})},
      {"disjoint", normalized({1, 1, 0, 0, 0}), normalized({0, 0, 1, 1, 1})},
      {"identical", normalized({3, 1, 2, 2, 2}), normalized({3, 1, 2, 2, 2})},
  };
}

TEST(AcceptanceTest, EveryTokenIsAnIndependentDrawFromTheTarget) {
  const size_t tokens = 200000;
  for (const Case &c : cases())
    for (size_t k : {1, 3, 6}) {
      SCOPED_TRACE(std::string(c.name) + ", k = " + std::to_string(k));
      uint64_t firstAccepted = 0, rounds = 0;
      std::vector<int32_t> out = speculate(c.p, c.q, k, tokens, 42 + k, firstAccepted, rounds);
      size_t vocab = c.p.size(), cells = 0;
      // Marginal: each token ~ p.
      std::vector<uint64_t> counts(vocab, 0);
      for (int32_t t : out)
        ++counts[t];
      double statistic = chiSquare(counts, c.p, out.size(), cells);
      EXPECT_LT(statistic, chiSquareBound(cells - 1)) << "marginal";
      // Consecutive pairs ~ p x p: no dependence within or across rounds.
      std::vector<uint64_t> pairs(vocab * vocab, 0);
      Distribution product(vocab * vocab);
      for (size_t a = 0; a < vocab; ++a)
        for (size_t b = 0; b < vocab; ++b)
          product[a * vocab + b] = c.p[a] * c.p[b];
      for (size_t i = 0; i + 1 < out.size(); i += 2)
        ++pairs[out[i] * vocab + out[i + 1]];
      statistic = chiSquare(pairs, product, out.size() / 2, cells);
      EXPECT_LT(statistic, chiSquareBound(cells - 1)) << "pairs";
      // The first draft token is accepted with probability sum min(p, q).
      double expected = 0;
      for (size_t v = 0; v < vocab; ++v)
        expected += std::min(c.p[v], c.q[v]);
      double rate = static_cast<double>(firstAccepted) / rounds;
      double sigma = std::sqrt(expected * (1 - expected) / rounds);
      EXPECT_NEAR(rate, expected, 5 * sigma + 1e-12);
    }
}

TEST(AcceptanceTest, IdenticalDistributionsAcceptEverything) {
  Distribution p = normalized({1, 2, 3});
  Pcg32 random(7);
  std::vector<std::vector<double>> target(5, p), proposal(4, p);
  std::vector<double> residual;
  for (int round = 0; round < 1000; ++round) {
    std::vector<int32_t> draft;
    for (int i = 0; i < 4; ++i)
      draft.push_back(drawFrom(random, p));
    int32_t next = -1;
    ASSERT_EQ(acceptDraft(target, proposal, draft, random, residual, next), 4u);
    ASSERT_GE(next, 0);
    ASSERT_LT(next, 3);
  }
}

TEST(AcceptanceTest, RejectionDrawsFromTheResidual) {
  // p puts everything on 0, q on 1: the draft token 1 is always rejected
  // and the residual max(0, p - q) is all on 0.
  Distribution p = {1, 0, 0}, q = {0, 1, 0};
  Pcg32 random(3);
  std::vector<std::vector<double>> target(3, p), proposal(2, q);
  std::vector<double> residual;
  int32_t next = -1;
  EXPECT_EQ(acceptDraft(target, proposal, {1, 1}, random, residual, next), 0u);
  EXPECT_EQ(next, 0);
}

tnx_sampler makeSampler(float temperature, int32_t topK, float topP, uint64_t seed) {
  tnx_sampler sampler;
  tnx_sampler_options_init(&sampler.options);
  sampler.options.temperature = temperature;
  sampler.options.top_k = topK;
  sampler.options.top_p = topP;
  sampler.random.reseed(seed);
  return sampler;
}

TEST(SamplingDistributionTest, IsWhatTheSamplerDrawsFrom) {
  std::vector<float> logits = {1.5f, 0.2f, 3.0f, -1.0f, 2.0f, 2.0f, 0.0f, -INFINITY};
  struct Options {
    float temperature;
    int32_t topK;
    float topP;
  };
  for (Options o : {Options{1.0f, 0, 1.0f}, Options{0.7f, 4, 1.0f}, Options{1.3f, 0, 0.8f},
                    Options{0.9f, 5, 0.9f}}) {
    SCOPED_TRACE("temperature " + std::to_string(o.temperature) + ", top_k " +
                 std::to_string(o.topK) + ", top_p " + std::to_string(o.topP));
    tnx_sampler sampler = makeSampler(o.temperature, o.topK, o.topP, 11);
    Distribution d;
    ASSERT_EQ(samplingDistribution(sampler, logits.data(), logits.size(), d), nullptr);
    ASSERT_EQ(d.size(), logits.size());
    EXPECT_NEAR(std::accumulate(d.begin(), d.end(), 0.0), 1.0, 1e-12);
    EXPECT_EQ(d[7], 0.0); // -inf
    const uint64_t samples = 100000;
    std::vector<uint64_t> counts(logits.size(), 0);
    for (uint64_t i = 0; i < samples; ++i) {
      int32_t token = -1;
      ASSERT_EQ(tnx_sampler_sample(&sampler, logits.data(), logits.size(), &token), nullptr);
      ++counts[token];
    }
    size_t cells = 0;
    double statistic = chiSquare(counts, d, samples, cells);
    EXPECT_LT(statistic, chiSquareBound(cells - 1));
  }
}

TEST(SamplingDistributionTest, GreedyIsOneHotAtTheFirstArgmax) {
  std::vector<float> logits = {0.5f, 2.0f, 2.0f, 1.0f};
  tnx_sampler sampler = makeSampler(0.0f, 40, 0.95f, 0);
  Distribution d;
  ASSERT_EQ(samplingDistribution(sampler, logits.data(), logits.size(), d), nullptr);
  EXPECT_EQ(d, (Distribution{0, 1, 0, 0}));
  EXPECT_TRUE(isGreedy(sampler));
}

TEST(SamplingDistributionTest, RefusesWhatTheSamplerRefuses) {
  std::vector<float> logits = {0.5f, NAN};
  tnx_sampler sampler = makeSampler(1.0f, 0, 1.0f, 0);
  Distribution d;
  tnx_status_t status = samplingDistribution(sampler, logits.data(), logits.size(), d);
  ASSERT_NE(status, nullptr);
  EXPECT_NE(std::string(tnx_status_message(status)).find("NaN"), std::string::npos);
  tnx_status_free(status);
}

} // namespace
