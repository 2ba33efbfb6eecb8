//===- SamplerTest.cpp - Greedy, temperature, top-k, top-p ----------------===//
#include "TestArtifact.h"
#include "llm/Random.h"

#include "ternion/llm.h"

#include <cmath>
#include <map>
#include <set>

using namespace ternion::test;
using ::testing::HasSubstr;

namespace {

tnx_sampler_t *makeSampler(float temperature, int32_t topK, float topP,
                           uint64_t seed) {
  tnx_sampler_options_t options;
  tnx_sampler_options_init(&options);
  options.temperature = temperature;
  options.top_k = topK;
  options.top_p = topP;
  options.seed = seed;
  tnx_sampler_t *sampler = nullptr;
  tnx_status_t status = tnx_sampler_create(&options, &sampler);
  EXPECT_EQ(status, nullptr) << tnx_status_message(status);
  tnx_status_free(status);
  return sampler;
}

int32_t sampleOnce(tnx_sampler_t *sampler, const std::vector<float> &logits) {
  int32_t token = -1;
  tnx_status_t status =
      tnx_sampler_sample(sampler, logits.data(), logits.size(), &token);
  EXPECT_EQ(status, nullptr) << tnx_status_message(status);
  tnx_status_free(status);
  return token;
}

std::vector<int32_t> sampleMany(tnx_sampler_t *sampler,
                                const std::vector<float> &logits, int n) {
  std::vector<int32_t> tokens;
  for (int i = 0; i < n; ++i)
    tokens.push_back(sampleOnce(sampler, logits));
  return tokens;
}

/// Logits whose softmax is `probabilities`.
std::vector<float> logitsOf(const std::vector<double> &probabilities) {
  std::vector<float> logits;
  for (double p : probabilities)
    logits.push_back(static_cast<float>(std::log(p)));
  return logits;
}

std::map<int32_t, double> frequencies(const std::vector<int32_t> &tokens) {
  std::map<int32_t, double> result;
  for (int32_t token : tokens)
    result[token] += 1.0 / static_cast<double>(tokens.size());
  return result;
}

std::vector<float> randomLogits(ternion::runtime::Pcg32 &random, size_t n) {
  std::vector<float> logits(n);
  for (float &logit : logits)
    logit = static_cast<float>(random.uniform() * 20 - 10);
  return logits;
}

// The reference output of pcg32-demo (pcg-c-basic): seed 42, stream 54.
TEST(Pcg32Test, MatchesTheReferenceImplementation) {
  ternion::runtime::Pcg32 random(42, 54);
  const uint32_t expected[] = {0xa15c02b7, 0x7b47f409, 0xba1d3330,
                               0x83d2f293, 0xbfa4784b, 0xcbed606e};
  for (uint32_t value : expected)
    EXPECT_EQ(random.next(), value);
}

TEST(SamplerTest, GreedyTakesTheFirstMaximum) {
  tnx_sampler_t *sampler = makeSampler(0, 40, 0.95f, 0);
  EXPECT_EQ(sampleOnce(sampler, {1, 3, 2, 3}), 1);
  EXPECT_EQ(sampleOnce(sampler, {-INFINITY, -5, -7}), 1);
  EXPECT_EQ(sampleOnce(sampler, {0, INFINITY, INFINITY}), 1);
  tnx_sampler_release(sampler);
}

TEST(SamplerTest, TopKOfOneIsGreedy) {
  ternion::runtime::Pcg32 random(5);
  for (uint64_t seed = 0; seed < 20; ++seed) {
    tnx_sampler_t *sampler = makeSampler(1.5f, 1, 1.0f, seed);
    tnx_sampler_t *greedy = makeSampler(0, 0, 1.0f, seed);
    std::vector<float> logits = randomLogits(random, 100);
    EXPECT_EQ(sampleOnce(sampler, logits), sampleOnce(greedy, logits));
    tnx_sampler_release(sampler);
    tnx_sampler_release(greedy);
  }
}

TEST(SamplerTest, SameSeedSameTokens) {
  ternion::runtime::Pcg32 random(9);
  std::vector<float> logits = randomLogits(random, 50);
  tnx_sampler_t *a = makeSampler(1.0f, 0, 1.0f, 1234);
  tnx_sampler_t *b = makeSampler(1.0f, 0, 1.0f, 1234);
  tnx_sampler_t *c = makeSampler(1.0f, 0, 1.0f, 1235);
  std::vector<int32_t> first = sampleMany(a, logits, 200);
  EXPECT_EQ(first, sampleMany(b, logits, 200));
  EXPECT_NE(first, sampleMany(c, logits, 200));
  tnx_sampler_reseed(a, 1234);
  EXPECT_EQ(first, sampleMany(a, logits, 200));
  tnx_sampler_release(a);
  tnx_sampler_release(b);
  tnx_sampler_release(c);
}

// Pinned tokens: a change in the PRNG, the order of candidates or the
// arithmetic shows up here (and would change every seeded generation).
TEST(SamplerTest, SeededTokensArePinned) {
  tnx_sampler_t *sampler = makeSampler(1.0f, 0, 1.0f, 42);
  std::vector<int32_t> tokens =
      sampleMany(sampler, logitsOf({0.1, 0.2, 0.3, 0.4}), 12);
  tnx_sampler_release(sampler);
  EXPECT_THAT(tokens, ::testing::ElementsAreArray(
                          {2, 3, 1, 2, 2, 1, 1, 2, 2, 2, 3, 3}));
}

TEST(SamplerTest, TemperatureOneFollowsTheDistribution) {
  tnx_sampler_t *sampler = makeSampler(1.0f, 0, 1.0f, 7);
  auto seen =
      frequencies(sampleMany(sampler, logitsOf({0.5, 0.3, 0.2}), 20000));
  EXPECT_NEAR(seen[0], 0.5, 0.02);
  EXPECT_NEAR(seen[1], 0.3, 0.02);
  EXPECT_NEAR(seen[2], 0.2, 0.02);
  tnx_sampler_release(sampler);
}

TEST(SamplerTest, HighTemperatureFlattensLowSharpens) {
  tnx_sampler_t *hot = makeSampler(1000.0f, 0, 1.0f, 7);
  auto flat = frequencies(sampleMany(hot, logitsOf({0.7, 0.2, 0.1}), 20000));
  for (int32_t token = 0; token < 3; ++token)
    EXPECT_NEAR(flat[token], 1.0 / 3, 0.02);
  tnx_sampler_release(hot);
  // T = 0.5 squares the probabilities: 0.49 : 0.04 : 0.01.
  tnx_sampler_t *cold = makeSampler(0.5f, 0, 1.0f, 7);
  auto sharp = frequencies(sampleMany(cold, logitsOf({0.7, 0.2, 0.1}), 20000));
  EXPECT_NEAR(sharp[0], 0.49 / 0.54, 0.02);
  tnx_sampler_release(cold);
}

TEST(SamplerTest, TopKKeepsTheKMostLikely) {
  tnx_sampler_t *sampler = makeSampler(1.0f, 2, 1.0f, 3);
  auto seen =
      frequencies(sampleMany(sampler, logitsOf({0.1, 0.4, 0.2, 0.3}), 20000));
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_NEAR(seen[1], 0.4 / 0.7, 0.02);
  EXPECT_NEAR(seen[3], 0.3 / 0.7, 0.02);
  // Ties keep the lower ids.
  std::vector<int32_t> tied = sampleMany(sampler, {1, 1, 1, 0}, 200);
  EXPECT_EQ(std::set<int32_t>(tied.begin(), tied.end()),
            (std::set<int32_t>{0, 1}));
  tnx_sampler_release(sampler);
}

TEST(SamplerTest, TopPKeepsTheSmallestNucleus) {
  // Sorted: 0.5 (id 2), 0.3 (id 0), 0.15 (id 3), 0.05 (id 1). top_p 0.75
  // needs the first two (0.8); 0.85 needs three.
  std::vector<float> logits = logitsOf({0.3, 0.05, 0.5, 0.15});
  tnx_sampler_t *sampler = makeSampler(1.0f, 0, 0.75f, 11);
  auto seen = frequencies(sampleMany(sampler, logits, 20000));
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_NEAR(seen[2], 0.5 / 0.8, 0.02);
  EXPECT_NEAR(seen[0], 0.3 / 0.8, 0.02);
  tnx_sampler_release(sampler);

  sampler = makeSampler(1.0f, 0, 0.85f, 11);
  seen = frequencies(sampleMany(sampler, logits, 20000));
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen.count(1), 0u);
  tnx_sampler_release(sampler);

  // A tiny top_p still keeps the most likely token.
  sampler = makeSampler(1.0f, 0, 0.01f, 11);
  std::vector<int32_t> tokens = sampleMany(sampler, logits, 100);
  EXPECT_EQ(std::set<int32_t>(tokens.begin(), tokens.end()),
            (std::set<int32_t>{2}));
  tnx_sampler_release(sampler);
}

TEST(SamplerTest, TopKThenTopP) {
  // top_k 3 keeps 0.5, 0.3, 0.15 (renormalized 0.526, 0.316, 0.158); top_p
  // 0.8 then keeps the first two (0.842).
  tnx_sampler_t *sampler = makeSampler(1.0f, 3, 0.8f, 5);
  auto seen =
      frequencies(sampleMany(sampler, logitsOf({0.3, 0.05, 0.5, 0.15}), 5000));
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen.count(3), 0u);
  tnx_sampler_release(sampler);
}

TEST(SamplerTest, Errors) {
  tnx_sampler_t *sampler = makeSampler(1.0f, 0, 1.0f, 0);
  int32_t token = 0;
  float nan[] = {0, NAN, 1};
  tnx_status_t status = tnx_sampler_sample(sampler, nan, 3, &token);
  EXPECT_EQ(tnx_status_code(status), TNX_STATUS_INVALID_ARGUMENT);
  EXPECT_THAT(tnx_status_message(status), HasSubstr("logit 1 is NaN"));
  tnx_status_free(status);
  float minusInf[] = {-INFINITY, -INFINITY};
  status = tnx_sampler_sample(sampler, minusInf, 2, &token);
  EXPECT_THAT(tnx_status_message(status), HasSubstr("every logit is -inf"));
  tnx_status_free(status);
  status = tnx_sampler_sample(sampler, nan, 0, &token);
  EXPECT_THAT(tnx_status_message(status), HasSubstr("no logits"));
  tnx_status_free(status);
  tnx_sampler_release(sampler);

  tnx_sampler_options_t options;
  tnx_sampler_options_init(&options);
  options.top_p = 0;
  status = tnx_sampler_create(&options, &sampler);
  EXPECT_THAT(tnx_status_message(status), HasSubstr("top_p is 0"));
  tnx_status_free(status);
  tnx_sampler_options_init(&options);
  options.top_k = -1;
  status = tnx_sampler_create(&options, &sampler);
  EXPECT_THAT(tnx_status_message(status), HasSubstr("top_k is -1"));
  tnx_status_free(status);
}

} // namespace
