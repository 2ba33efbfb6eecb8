//===- SpeculativeTest.cpp - Speculative decoding through the C API -------===//
//
// A generator with a draft model must produce the target's tokens: exactly
// under greedy decoding, in distribution when sampling. These tests run
// compiled pairs (ternion-compile --draft) that EndToEnd/speculative.test
// builds and names in TERNION_SPECULATIVE_ARTIFACT (llama with the draft
// sharing its tokenizer) and TERNION_SLEM_ARTIFACT (llama with the
// byte-level draft); without them they are skipped.
//
//===----------------------------------------------------------------------===//
#include "ChiSquare.h"
#include "TestArtifact.h"

#include "ternion/llm.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <numeric>
#include <string>
#include <vector>

using namespace ternion::test;

namespace {

const char *const Prompts[] = {
    "In the beginning God created",
    "And the LORD spake unto Moses, saying,",
    "Blessed are the",
    "Jesus answered and said unto them,",
    "For God so loved the world,",
};

tnx_artifact_t *openFromEnvironment(const char *variable) {
  const char *path = std::getenv(variable);
  if (!path || !*path)
    return nullptr;
  std::string error;
  tnx_artifact_t *artifact = openArtifact(path, &error);
  EXPECT_NE(artifact, nullptr) << error;
  return artifact;
}

#define ARTIFACT_OR_SKIP(artifact, variable)                                   \
  tnx_artifact_t *artifact = openFromEnvironment(variable);                    \
  if (!artifact)                                                               \
    GTEST_SKIP() << "set " variable " to a compiled pair "                     \
                    "(EndToEnd/speculative.test does)";

tnx_generator_t *makeGenerator(tnx_artifact_t *artifact, int32_t draftTokens,
                               float temperature = 0, int32_t topK = 40, uint64_t seed = 0,
                               int64_t maxContext = 0) {
  tnx_generator_options_t options;
  tnx_generator_options_init(&options);
  options.draft_tokens = draftTokens;
  options.max_context = maxContext;
  options.sampler.temperature = temperature;
  options.sampler.top_k = topK;
  options.sampler.top_p = 1;
  options.sampler.seed = seed;
  tnx_generator_t *generator = nullptr;
  tnx_status_t status = tnx_generator_create(artifact, &options, &generator);
  EXPECT_EQ(status, nullptr) << tnx_status_message(status);
  tnx_status_free(status);
  return generator;
}

std::vector<int32_t> encode(tnx_artifact_t *artifact, const std::string &text) {
  tnx_tokenizer_t *tokenizer = nullptr;
  tnx_status_t status = tnx_artifact_tokenizer(artifact, &tokenizer);
  EXPECT_EQ(status, nullptr) << tnx_status_message(status);
  tnx_status_free(status);
  int32_t *ids = nullptr;
  size_t count = 0;
  status = tnx_tokenizer_encode(tokenizer, text.data(), text.size(), -1, &ids, &count);
  EXPECT_EQ(status, nullptr) << tnx_status_message(status);
  tnx_status_free(status);
  std::vector<int32_t> out(ids, ids + count);
  tnx_free(ids);
  tnx_tokenizer_release(tokenizer);
  return out;
}

/// Prefills `prompt` (unless empty) and returns the next `count` tokens.
std::vector<int32_t> generate(tnx_generator_t *generator, const std::vector<int32_t> &prompt,
                              size_t count) {
  std::vector<int32_t> out;
  tnx_status_t status = nullptr;
  if (!prompt.empty()) {
    status = tnx_generator_prefill(generator, prompt.data(), prompt.size());
    EXPECT_EQ(status, nullptr) << tnx_status_message(status);
    tnx_status_free(status);
  }
  for (size_t i = 0; i < count; ++i) {
    int32_t token = -1;
    status = tnx_generator_next(generator, &token);
    EXPECT_EQ(status, nullptr) << tnx_status_message(status);
    tnx_status_free(status);
    out.push_back(token);
  }
  return out;
}

void expectGreedyIsTheTargets(tnx_artifact_t *artifact) {
  tnx_generator_t *alone = makeGenerator(artifact, 0);
  ASSERT_EQ(tnx_generator_draft_tokens(alone), 0);
  for (int32_t k : {1, 3, 8}) {
    tnx_generator_t *paired = makeGenerator(artifact, k);
    ASSERT_EQ(tnx_generator_draft_tokens(paired), k);
    for (const char *text : Prompts)
      for (size_t length : {1, 7, 40}) {
        SCOPED_TRACE(std::string(text) + ", " + std::to_string(length) + " tokens, k = " +
                     std::to_string(k));
        std::vector<int32_t> prompt = encode(artifact, text);
        tnx_generator_reset(alone);
        tnx_generator_reset(paired);
        EXPECT_EQ(generate(paired, prompt, length), generate(alone, prompt, length));
        EXPECT_EQ(tnx_generator_context_length(paired), prompt.size() + length);
      }
    tnx_speculative_stats_t stats;
    stats.struct_size = sizeof(stats);
    TNX_ASSERT_OK(tnx_generator_speculative_stats(paired, &stats));
    EXPECT_GT(stats.target_passes, 0u);
    EXPECT_EQ(stats.produced_tokens, stats.accepted_tokens + stats.target_passes);
    // Every token came from a round or a plain step (one after each prefill
    // at least); a round may produce tokens past the last one asked for.
    EXPECT_GE(stats.produced_tokens + stats.plain_steps, 5u * (1 + 7 + 40));
    EXPECT_GE(stats.plain_steps, 5u * 3);
    EXPECT_LE(stats.accepted_tokens, stats.drafted_tokens);
    EXPECT_GT(stats.target_seconds, 0);
    tnx_generator_release(paired);
  }
  tnx_generator_release(alone);
}

TEST(SpeculativeTest, GreedyTokensAreTheTargetsWithASharedVocabulary) {
  ARTIFACT_OR_SKIP(artifact, "TERNION_SPECULATIVE_ARTIFACT");
  expectGreedyIsTheTargets(artifact);
  tnx_artifact_close(artifact);
}

TEST(SpeculativeTest, GreedyTokensAreTheTargetsWithStringLevelMatching) {
  ARTIFACT_OR_SKIP(artifact, "TERNION_SLEM_ARTIFACT");
  expectGreedyIsTheTargets(artifact);
  tnx_artifact_close(artifact);
}

/// Calls between tokens see the context the caller has been given, not
/// the tokens a round produced ahead.
TEST(SpeculativeTest, InterleavedCallsSeeTheReturnedContext) {
  ARTIFACT_OR_SKIP(artifact, "TERNION_SPECULATIVE_ARTIFACT");
  tnx_generator_t *alone = makeGenerator(artifact, 0);
  tnx_generator_t *paired = makeGenerator(artifact, 6);
  std::vector<int32_t> prompt = encode(artifact, Prompts[0]);
  std::vector<int32_t> more = encode(artifact, " and the earth");
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    EXPECT_EQ(generate(paired, round ? more : prompt, 3),
              generate(alone, round ? more : prompt, 3));
    ASSERT_EQ(tnx_generator_context_length(paired), tnx_generator_context_length(alone));
    const float *a = nullptr, *b = nullptr;
    size_t countA = 0, countB = 0;
    TNX_ASSERT_OK(tnx_generator_logits(alone, &a, &countA));
    TNX_ASSERT_OK(tnx_generator_logits(paired, &b, &countB));
    ASSERT_EQ(countA, countB);
    for (size_t i = 0; i < countA; ++i)
      ASSERT_NEAR(a[i], b[i], 1e-4f) << "logit " << i;
  }
  std::vector<double> scoresA(more.size()), scoresB(more.size());
  EXPECT_EQ(generate(paired, {}, 2), generate(alone, {}, 2));
  TNX_ASSERT_OK(tnx_generator_score(alone, more.data(), more.size(), scoresA.data()));
  TNX_ASSERT_OK(tnx_generator_score(paired, more.data(), more.size(), scoresB.data()));
  for (size_t i = 0; i < more.size(); ++i)
    EXPECT_NEAR(scoresA[i], scoresB[i], 1e-4);
  tnx_generator_release(paired);
  tnx_generator_release(alone);
  tnx_artifact_close(artifact);
}

/// Softmax at temperature 1 over the top `k` logits, as the sampler does.
std::map<int32_t, double> topK(const float *logits, size_t count, size_t k) {
  std::vector<int32_t> order(count);
  std::iota(order.begin(), order.end(), 0);
  std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int32_t a, int32_t b) {
    return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
  });
  std::map<int32_t, double> out;
  double total = 0;
  for (size_t i = 0; i < k; ++i)
    total += out[order[i]] = std::exp(double(logits[order[i]]) - logits[order[0]]);
  for (auto &[token, p] : out)
    p /= total;
  return out;
}

std::map<int32_t, double> targetNext(tnx_generator_t *alone, const std::vector<int32_t> &context,
                                     size_t k) {
  tnx_generator_reset(alone);
  tnx_status_t status = tnx_generator_prefill(alone, context.data(), context.size());
  EXPECT_EQ(status, nullptr) << tnx_status_message(status);
  tnx_status_free(status);
  const float *logits = nullptr;
  size_t count = 0;
  status = tnx_generator_logits(alone, &logits, &count);
  EXPECT_EQ(status, nullptr) << tnx_status_message(status);
  tnx_status_free(status);
  return topK(logits, count, k);
}

/// The first three sampled tokens (one ordinary, the rest from speculative
/// rounds) follow the target's joint distribution, computed exactly from
/// the target alone; chi-square at a false-alarm rate of about 1e-6.
TEST(SpeculativeTest, SamplingKeepsTheTargetsDistribution) {
  ARTIFACT_OR_SKIP(artifact, "TERNION_SPECULATIVE_ARTIFACT");
  const size_t k = 3;
  std::vector<int32_t> prompt = encode(artifact, "And God said,");
  tnx_generator_t *alone = makeGenerator(artifact, 0);
  std::map<std::vector<int32_t>, double> expected;
  for (auto [t1, p1] : targetNext(alone, prompt, k)) {
    std::vector<int32_t> c1 = prompt;
    c1.push_back(t1);
    for (auto [t2, p2] : targetNext(alone, c1, k)) {
      std::vector<int32_t> c2 = c1;
      c2.push_back(t2);
      for (auto [t3, p3] : targetNext(alone, c2, k))
        expected[{t1, t2, t3}] = p1 * p2 * p3;
    }
  }
  tnx_generator_release(alone);

  const uint64_t samples = 3000;
  std::map<std::vector<int32_t>, uint64_t> counts;
  uint64_t accepted = 0, drafted = 0;
  for (uint64_t seed = 0; seed < samples; ++seed) {
    tnx_generator_t *paired = makeGenerator(artifact, 2, 1.0f, int32_t(k), seed, 64);
    ASSERT_NE(paired, nullptr);
    ++counts[generate(paired, prompt, 3)];
    tnx_speculative_stats_t stats;
    stats.struct_size = sizeof(stats);
    TNX_ASSERT_OK(tnx_generator_speculative_stats(paired, &stats));
    accepted += stats.accepted_tokens;
    drafted += stats.drafted_tokens;
    tnx_generator_release(paired);
  }
  // Cells expected fewer than 5 times are pooled.
  double statistic = 0, pooledExpected = 0;
  uint64_t pooledCount = 0;
  size_t cells = 0;
  for (const auto &[tokens, p] : expected) {
    double e = p * samples;
    uint64_t observed = counts.count(tokens) ? counts[tokens] : 0;
    counts.erase(tokens);
    if (e < 5) {
      pooledExpected += e;
      pooledCount += observed;
      continue;
    }
    statistic += (observed - e) * (observed - e) / e;
    ++cells;
  }
  EXPECT_TRUE(counts.empty()) << "sequences the target can never sample were produced";
  if (pooledExpected > 0) {
    statistic += (pooledCount - pooledExpected) * (pooledCount - pooledExpected) / pooledExpected;
    ++cells;
  }
  EXPECT_LT(statistic, chiSquareBound(cells - 1)) << cells << " cells";
  // Some proposals were accepted and some rejected: both paths ran.
  EXPECT_GT(accepted, 0u);
  EXPECT_LT(accepted, drafted);
  tnx_artifact_close(artifact);
}

TEST(SpeculativeTest, DraftOptionsAreChecked) {
  ARTIFACT_OR_SKIP(artifact, "TERNION_SPECULATIVE_ARTIFACT");
  tnx_generator_options_t options;
  tnx_generator_options_init(&options);
  EXPECT_EQ(options.draft_tokens, -1);
  tnx_generator_t *generator = nullptr;
  options.draft_tokens = 17;
  EXPECT_NE(errorOf(tnx_generator_create(artifact, &options, &generator),
                    TNX_STATUS_INVALID_ARGUMENT)
                .find("draft_tokens is 17"),
            std::string::npos);
  options.draft_tokens = 2;
  options.function = "draft_main";
  EXPECT_NE(errorOf(tnx_generator_create(artifact, &options, &generator),
                    TNX_STATUS_INVALID_ARGUMENT)
                .find("speculates for 'main', not 'draft_main'"),
            std::string::npos);
  // The artifact's default; the draft alone as an ordinary model, by
  // default without speculation.
  options.draft_tokens = -1;
  options.function = nullptr;
  TNX_ASSERT_OK(tnx_generator_create(artifact, &options, &generator));
  EXPECT_EQ(tnx_generator_draft_tokens(generator), 4);
  tnx_generator_release(generator);
  options.function = "draft_main";
  TNX_ASSERT_OK(tnx_generator_create(artifact, &options, &generator));
  EXPECT_EQ(tnx_generator_draft_tokens(generator), 0);
  tnx_generator_release(generator);
  tnx_artifact_close(artifact);
}

} // namespace
