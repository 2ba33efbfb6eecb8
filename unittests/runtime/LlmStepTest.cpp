//===- LlmStepTest.cpp - Multi-token steps and cache sets -----------------===//
//
// White-box tests of the generator's pieces (runtime/lib/llm): LlmModel
// steps over several tokens, CacheSet truncation, and several cache sets
// in one generator. They drive fixtures/fake_llm.c in mode 3, where the
// logits depend on every token the cache holds, and in which a cache,
// mask or position that is off turns the logits NaN; each test runs the
// Optimum ("main"), in-place ("inplace") and cache-less ("nocache") forms.
//
//===----------------------------------------------------------------------===//
#include "FakeLlm.h"
#include "TestArtifact.h"

#include "llm/Generator.h"

#include <cmath>

using namespace ternion::runtime;
using namespace ternion::test;
using ::testing::HasSubstr;

namespace {

constexpr int Vocab = 16;
constexpr int64_t ContextDependentMode = 3;

using Rows = std::vector<std::vector<float>>;

class LlmStepTest : public ::testing::TestWithParam<const char *> {
protected:
  void SetUp() override {
    ArtifactSpec spec;
    spec.library = TNX_FAKE_LLM_LIB;
    spec.modelKind = "llm";
    spec.functions = fakeLlmFunctions(Vocab);
    spec.weights = fakeLlmWeights(Vocab, ContextDependentMode);
    dir.write(spec);
    std::string error;
    artifact = openArtifact(dir.path, &error);
    ASSERT_NE(artifact, nullptr) << error;
    const tnx_function_t *function = nullptr;
    TNX_ASSERT_OK(tnx_artifact_find_function(artifact, GetParam(), &function));
    TNX_ASSERT_OK(LlmModel::create(*artifact, *function, model));
  }

  void TearDown() override {
    model.reset();
    tnx_artifact_close(artifact);
  }

  /// Steps `cache` over `tokens`; returns the logits of the last
  /// `logitRows` of them (all by default), each checked to be a number.
  Rows step(CacheSet &cache, std::vector<int32_t> tokens, size_t logitRows = 0) {
    StepLogits logits;
    tnx_status_t status = model->step(cache, tokens.data(), tokens.size(),
                                      logitRows ? logitRows : tokens.size(), logits);
    EXPECT_EQ(status, nullptr) << tnx_status_message(status);
    tnx_status_free(status);
    Rows rows;
    for (size_t i = 0; i < logits.rows; ++i) {
      rows.emplace_back(logits.row(i), logits.row(i) + logits.vocab);
      for (float logit : rows.back())
        EXPECT_FALSE(std::isnan(logit)) << "the cache plumbing is off";
    }
    return rows;
  }

  /// The logits of each token of `tokens`, one step per token, on a fresh
  /// cache.
  Rows oneAtATime(const std::vector<int32_t> &tokens) {
    std::unique_ptr<CacheSet> cache = model->newCacheSet(64);
    Rows rows;
    for (int32_t token : tokens)
      rows.push_back(step(*cache, {token}).front());
    return rows;
  }

  /// The token the logits favour.
  static int32_t argmax(const std::vector<float> &row) {
    return static_cast<int32_t>(std::max_element(row.begin(), row.end()) - row.begin());
  }

  TempArtifact dir;
  tnx_artifact_t *artifact = nullptr;
  std::unique_ptr<LlmModel> model;
};

TEST_P(LlmStepTest, MultiTokenStepMatchesOneTokenSteps) {
  std::vector<int32_t> tokens = {3, 9, 4, 7, 1, 12};
  Rows expected = oneAtATime(tokens);
  // The context changes the answer (mode 3), so equal rows mean the step
  // saw the same context at every position.
  EXPECT_EQ(argmax(expected[0]), 4);
  EXPECT_EQ(argmax(expected[1]), (9 + 1 + 3) % Vocab);

  std::unique_ptr<CacheSet> whole = model->newCacheSet(64);
  EXPECT_EQ(step(*whole, tokens), expected);
  EXPECT_EQ(whole->length(), tokens.size());
  EXPECT_EQ(whole->tokens(), tokens);

  // Several tokens after a cache that already holds some.
  std::unique_ptr<CacheSet> split = model->newCacheSet(64);
  Rows rows = step(*split, {3, 9});
  Rows rest = step(*split, {4, 7, 1, 12});
  rows.insert(rows.end(), rest.begin(), rest.end());
  EXPECT_EQ(rows, expected);

  // Asking for the last rows only.
  std::unique_ptr<CacheSet> last = model->newCacheSet(64);
  EXPECT_EQ(step(*last, tokens, 2), Rows(expected.end() - 2, expected.end()));
}

TEST_P(LlmStepTest, TruncatedCacheDecodesLikeAFreshOne) {
  std::unique_ptr<CacheSet> cache = model->newCacheSet(64);
  // A draft of four tokens after the prompt, of which the first is kept.
  step(*cache, {3, 9, 4});
  step(*cache, {5, 11, 2, 8});
  TNX_ASSERT_OK(cache->truncate(4));
  EXPECT_EQ(cache->length(), 4u);
  EXPECT_EQ(cache->tokens(), std::vector<int32_t>({3, 9, 4, 5}));
  Rows fresh = oneAtATime({3, 9, 4, 5, 6, 10});
  EXPECT_EQ(step(*cache, {6, 10}), Rows(fresh.end() - 2, fresh.end()));

  // Back to nothing, then a different sequence.
  TNX_ASSERT_OK(cache->truncate(0));
  EXPECT_EQ(cache->length(), 0u);
  EXPECT_EQ(step(*cache, {7, 1}), oneAtATime({7, 1}));

  // Truncating to the current length is a no-op; growing is refused.
  TNX_ASSERT_OK(cache->truncate(2));
  EXPECT_THAT(errorOf(cache->truncate(3), TNX_STATUS_INVALID_ARGUMENT),
              HasSubstr("cannot truncate a cache of 2 tokens to 3"));
}

TEST_P(LlmStepTest, ClearedCacheStartsOver) {
  std::unique_ptr<CacheSet> cache = model->newCacheSet(64);
  step(*cache, {3, 9, 4});
  cache->clear();
  EXPECT_EQ(cache->length(), 0u);
  EXPECT_EQ(step(*cache, {2, 5}), oneAtATime({2, 5}));
}

TEST_P(LlmStepTest, StepBeyondTheCapacityIsRefused) {
  if (model->layout().cache.empty())
    GTEST_SKIP() << "a function without a cache has no capacity";
  std::unique_ptr<CacheSet> cache = model->newCacheSet(4);
  step(*cache, {1, 2, 3});
  std::vector<int32_t> two = {4, 5};
  StepLogits logits;
  EXPECT_THAT(errorOf(model->step(*cache, two.data(), 2, 1, logits), TNX_STATUS_RESOURCE_EXHAUSTED),
              HasSubstr("context of 5 tokens exceeds the KV cache's 4"));
  EXPECT_EQ(cache->length(), 3u);
  EXPECT_EQ(step(*cache, {4}), Rows(1, oneAtATime({1, 2, 3, 4}).back()));
}

TEST_P(LlmStepTest, CacheSetsOfOneGeneratorAreIndependent) {
  tnx_generator_options_t options;
  tnx_generator_options_init(&options);
  options.function = GetParam();
  options.max_context = 64;
  options.sampler.temperature = 0;
  tnx_generator_t *generator = nullptr;
  TNX_ASSERT_OK(tnx_generator_create(artifact, &options, &generator));
  LlmModel *target = generator->target;
  CacheSet *draft = nullptr;
  TNX_ASSERT_OK(addCacheSet(*generator, "draft", *target, draft));
  EXPECT_EQ(generator->caches.size(), 2u);
  EXPECT_THAT(
      errorOf(addCacheSet(*generator, "draft", *target, draft), TNX_STATUS_INVALID_ARGUMENT),
      HasSubstr("already has a cache set 'draft'"));
  // The same model reached by name is the one the generator opened.
  LlmModel *again = nullptr;
  TNX_ASSERT_OK(generatorModel(*generator, GetParam(), again));
  EXPECT_EQ(again, target);

  // Interleave the C API's target cache with the draft set.
  std::vector<int32_t> prompt = {1, 2, 3};
  TNX_ASSERT_OK(tnx_generator_prefill(generator, prompt.data(), prompt.size()));
  StepLogits logits;
  std::vector<int32_t> draftTokens = {7, 8, 9};
  TNX_ASSERT_OK(target->step(*draft, draftTokens.data(), 3, 3, logits));
  int32_t token = -1;
  TNX_ASSERT_OK(tnx_generator_next(generator, &token));
  const float *row = nullptr;
  size_t count = 0;
  TNX_ASSERT_OK(tnx_generator_logits(generator, &row, &count));

  Rows alone = oneAtATime({1, 2, 3, token});
  EXPECT_EQ(token, argmax(alone[2]));
  EXPECT_EQ(std::vector<float>(row, row + count), alone.back());
  EXPECT_EQ(generator->targetCache->tokens(), std::vector<int32_t>({1, 2, 3, token}));
  EXPECT_EQ(draft->tokens(), draftTokens);
  Rows draftAlone = oneAtATime(draftTokens);
  EXPECT_EQ(Rows(1, std::vector<float>(logits.row(2), logits.row(2) + Vocab)),
            Rows(1, draftAlone.back()));

  // Rolling the draft back leaves the target alone, and the reverse.
  TNX_ASSERT_OK(draft->truncate(1));
  TNX_ASSERT_OK(generator->targetCache->truncate(2));
  EXPECT_EQ(step(*draft, {4}), Rows(1, oneAtATime({7, 4}).back()));
  EXPECT_EQ(step(*generator->targetCache, {5}), Rows(1, oneAtATime({1, 2, 5}).back()));
  // The context is what the target's cache holds: one source of truth.
  EXPECT_EQ(tnx_generator_context_length(generator), 3u);

  // A reset starts every cache set over, the draft's too.
  tnx_generator_reset(generator);
  EXPECT_EQ(tnx_generator_context_length(generator), 0u);
  EXPECT_EQ(generator->targetCache->length(), 0u);
  EXPECT_EQ(draft->length(), 0u);
  tnx_generator_release(generator);
}

INSTANTIATE_TEST_SUITE_P(KvCacheForms, LlmStepTest,
                         ::testing::Values("main", "inplace", "nocache"));

} // namespace
