//===- GeneratorTest.cpp - Prefill, decode and the KV cache ---------------===//
//
// Drives fixtures/fake_llm.c, whose logits favour (last token + 1) % V and
// turn NaN when the cache, mask or positions it is given are wrong, so
// every test that decodes also checks the cache plumbing.
//
//===----------------------------------------------------------------------===//
#include "FakeLlm.h"
#include "TestArtifact.h"

#include "ternion/llm.h"

#include <cmath>
#include <cstring>

using namespace ternion::test;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

namespace {

const std::string TokenizerPath = TNX_LLAMA_DIR "/tokenizer.model";

class GeneratorTest : public ::testing::Test {
protected:
  void TearDown() override {
    tnx_generator_release(generator);
    tnx_artifact_close(artifact);
  }

  /// Writes and opens the fake LLM artifact.
  void openFake(int vocab = 16, int64_t mode = 0, std::string extra = "",
                std::string functions = "") {
    ArtifactSpec spec;
    spec.library = TNX_FAKE_LLM_LIB;
    spec.modelKind = "llm";
    spec.functions = functions.empty() ? fakeLlmFunctions(vocab) : functions;
    spec.weights = fakeLlmWeights(vocab, mode);
    spec.extra = std::move(extra);
    dir.write(spec);
    writeBytes(dir.path + "/tokenizer.model", readBytes(TokenizerPath));
    std::string error;
    artifact = openArtifact(dir.path, &error);
    ASSERT_NE(artifact, nullptr) << error;
  }

  tnx_status_t create(const char *function = nullptr, int64_t maxContext = 0,
                      float temperature = 0, uint64_t seed = 0) {
    tnx_generator_options_t options;
    tnx_generator_options_init(&options);
    options.function = function;
    options.max_context = maxContext;
    options.sampler.temperature = temperature;
    options.sampler.top_k = 0;
    options.sampler.top_p = 1;
    options.sampler.seed = seed;
    return tnx_generator_create(artifact, &options, &generator);
  }

  void prefill(std::vector<int32_t> ids) {
    TNX_ASSERT_OK(tnx_generator_prefill(generator, ids.data(), ids.size()));
  }

  std::vector<int32_t> next(int n) {
    std::vector<int32_t> tokens;
    for (int i = 0; i < n; ++i) {
      int32_t token = -1;
      tnx_status_t status = tnx_generator_next(generator, &token);
      EXPECT_EQ(status, nullptr) << tnx_status_message(status);
      tnx_status_free(status);
      if (token < 0)
        break;
      tokens.push_back(token);
    }
    return tokens;
  }

  TempArtifact dir;
  tnx_artifact_t *artifact = nullptr;
  tnx_generator_t *generator = nullptr;
};

TEST_F(GeneratorTest, FindsTheConvention) {
  openFake();
  TNX_ASSERT_OK(create());
  EXPECT_STREQ(tnx_function_name(tnx_generator_function(generator)), "main");
  EXPECT_EQ(tnx_generator_cache_tensor_count(generator), 4u);
  EXPECT_EQ(tnx_generator_vocab_size(generator), 16u);
  EXPECT_EQ(tnx_generator_max_context(generator), 2048);
  EXPECT_EQ(tnx_generator_context_length(generator), 0u);
}

TEST_F(GeneratorTest, GreedyDecodingThroughTheCache) {
  openFake();
  TNX_ASSERT_OK(create());
  prefill({3, 9, 4});
  EXPECT_EQ(tnx_generator_context_length(generator), 3u);
  // 20 steps wrap around the vocabulary; a wrong cache would turn the
  // logits NaN and fail the step.
  EXPECT_THAT(next(20), ElementsAreArray({5,  6, 7, 8, 9, 10, 11, 12, 13, 14,
                                          15, 0, 1, 2, 3, 4,  5,  6,  7,  8}));
  EXPECT_EQ(tnx_generator_context_length(generator), 23u);
}

TEST_F(GeneratorTest, GreedyDecodingThroughAnInPlaceCache) {
  openFake();
  TNX_ASSERT_OK(create("inplace"));
  EXPECT_EQ(tnx_generator_cache_tensor_count(generator), 4u);
  prefill({3, 9, 4});
  EXPECT_THAT(next(20), ElementsAreArray({5,  6, 7, 8, 9, 10, 11, 12, 13, 14,
                                          15, 0, 1, 2, 3, 4,  5,  6,  7,  8}));
  // A reset starts over: the rows the longer context left in the in-place
  // buffers are not read.
  tnx_generator_reset(generator);
  prefill({7, 8});
  EXPECT_THAT(next(2), ElementsAreArray({9, 10}));
}

TEST_F(GeneratorTest, LogitsOfTheLastToken) {
  openFake();
  TNX_ASSERT_OK(create());
  prefill({5});
  const float *logits = nullptr;
  size_t count = 0;
  TNX_ASSERT_OK(tnx_generator_logits(generator, &logits, &count));
  ASSERT_EQ(count, 16u);
  EXPECT_EQ(logits[6], 0.0f);
  EXPECT_EQ(logits[7], -1.0f);
  EXPECT_EQ(logits[5], -15.0f);
  // After next() the logits follow the token it appended.
  EXPECT_THAT(next(1), ElementsAreArray({6}));
  TNX_ASSERT_OK(tnx_generator_logits(generator, &logits, &count));
  EXPECT_EQ(logits[7], 0.0f);
}

TEST_F(GeneratorTest, ScoresTokensInOneStep) {
  openFake();
  TNX_ASSERT_OK(create());
  // The fake's logit of token j after t is -((j - t - 1) mod 16).
  double logZ = 0;
  for (int k = 0; k < 16; ++k)
    logZ += std::exp(-k);
  logZ = std::log(logZ);
  std::vector<int32_t> ids = {3, 4, 9};
  std::vector<double> logProbs(3);
  TNX_ASSERT_OK(tnx_generator_score(generator, ids.data(), ids.size(), logProbs.data()));
  EXPECT_TRUE(std::isnan(logProbs[0]));
  EXPECT_NEAR(logProbs[1], -logZ, 1e-6);
  EXPECT_NEAR(logProbs[2], -4 - logZ, 1e-6);
  EXPECT_EQ(tnx_generator_context_length(generator), 3u);
  // Scoring continues the context: the first token is predicted from it,
  // and decoding goes on after the last.
  ids = {11};
  TNX_ASSERT_OK(tnx_generator_score(generator, ids.data(), 1, logProbs.data()));
  EXPECT_NEAR(logProbs[0], -1 - logZ, 1e-6);
  EXPECT_THAT(next(2), ElementsAreArray({12, 13}));
}

TEST_F(GeneratorTest, ScoreErrors) {
  openFake();
  TNX_ASSERT_OK(create(nullptr, /*maxContext=*/4));
  std::vector<int32_t> ids = {1, 2, 3, 4, 5};
  std::vector<double> logProbs(5);
  tnx_status_t status = tnx_generator_score(generator, ids.data(), 5, logProbs.data());
  EXPECT_EQ(tnx_status_code(status), TNX_STATUS_RESOURCE_EXHAUSTED);
  tnx_status_free(status);
  status = tnx_generator_score(generator, ids.data(), 0, logProbs.data());
  EXPECT_EQ(tnx_status_code(status), TNX_STATUS_INVALID_ARGUMENT);
  tnx_status_free(status);
  status = tnx_generator_score(generator, ids.data(), 2, nullptr);
  EXPECT_EQ(tnx_status_code(status), TNX_STATUS_INVALID_ARGUMENT);
  tnx_status_free(status);
  EXPECT_EQ(tnx_generator_context_length(generator), 0u);
}

TEST_F(GeneratorTest, PrefillContinuesAConversation) {
  openFake();
  TNX_ASSERT_OK(create());
  prefill({3});
  EXPECT_THAT(next(1), ElementsAreArray({4}));
  // The sampled 4 is run together with the new tokens, at positions 1-2.
  prefill({10});
  EXPECT_EQ(tnx_generator_context_length(generator), 3u);
  EXPECT_THAT(next(2), ElementsAreArray({11, 12}));
}

TEST_F(GeneratorTest, ResetStartsOver) {
  openFake();
  TNX_ASSERT_OK(create());
  prefill({3});
  next(3);
  tnx_generator_reset(generator);
  EXPECT_EQ(tnx_generator_context_length(generator), 0u);
  prefill({7, 8});
  EXPECT_THAT(next(2), ElementsAreArray({9, 10}));
}

TEST_F(GeneratorTest, FunctionWithoutCacheRerunsTheContext) {
  openFake();
  TNX_ASSERT_OK(create("nocache"));
  EXPECT_EQ(tnx_generator_cache_tensor_count(generator), 0u);
  prefill({3, 9, 4});
  EXPECT_THAT(next(4), ElementsAreArray({5, 6, 7, 8}));
}

TEST_F(GeneratorTest, ContextLimit) {
  openFake(16, 0, R"(, "generation": {"max_context": 5})");
  TNX_ASSERT_OK(create());
  EXPECT_EQ(tnx_generator_max_context(generator), 5);
  prefill({1, 2, 3});
  EXPECT_THAT(next(2), ElementsAreArray({4, 5}));
  int32_t token = -1;
  EXPECT_EQ(errorOf(tnx_generator_next(generator, &token),
                    TNX_STATUS_RESOURCE_EXHAUSTED),
            "context of 6 tokens exceeds max_context 5");
  tnx_generator_reset(generator);
  std::vector<int32_t> ids = {1, 2, 3, 4, 5, 6};
  EXPECT_EQ(errorOf(tnx_generator_prefill(generator, ids.data(), ids.size()),
                    TNX_STATUS_RESOURCE_EXHAUSTED),
            "context of 6 tokens exceeds max_context 5");
  // The options override the manifest.
  tnx_generator_release(generator);
  generator = nullptr;
  TNX_ASSERT_OK(create(nullptr, 100));
  EXPECT_EQ(tnx_generator_max_context(generator), 100);
}

TEST_F(GeneratorTest, SeededSamplingIsReproducible) {
  openFake(64);
  auto run = [&](uint64_t seed) {
    tnx_generator_release(generator);
    generator = nullptr;
    tnx_status_t status = create(nullptr, 0, 4.0f, seed);
    EXPECT_EQ(status, nullptr) << tnx_status_message(status);
    tnx_status_free(status);
    prefill({1});
    return next(30);
  };
  std::vector<int32_t> first = run(7);
  EXPECT_EQ(first.size(), 30u);
  EXPECT_EQ(first, run(7));
  EXPECT_NE(first, run(8));
}

TEST_F(GeneratorTest, StateErrors) {
  openFake();
  TNX_ASSERT_OK(create());
  int32_t token = -1;
  EXPECT_THAT(errorOf(tnx_generator_next(generator, &token),
                      TNX_STATUS_FAILED_PRECONDITION),
              HasSubstr("call tnx_generator_prefill first"));
  std::vector<int32_t> ids = {3, 16};
  EXPECT_EQ(errorOf(tnx_generator_prefill(generator, ids.data(), ids.size()),
                    TNX_STATUS_INVALID_ARGUMENT),
            "token 16 (at 1) is out of range for a vocabulary of 16");
  EXPECT_THAT(errorOf(tnx_generator_prefill(generator, ids.data(), 0),
                      TNX_STATUS_INVALID_ARGUMENT),
              HasSubstr("no tokens"));
  EXPECT_EQ(tnx_generator_context_length(generator), 0u);
}

TEST_F(GeneratorTest, ReportsAPresentThatDropsTheNewTokens) {
  openFake(16, /*mode=*/1);
  TNX_ASSERT_OK(create());
  std::vector<int32_t> ids = {3, 4};
  EXPECT_EQ(errorOf(tnx_generator_prefill(generator, ids.data(), ids.size()),
                    TNX_STATUS_INTERNAL),
            "output 'present.0.key' has shape [1, 2, 0, 4]; expected "
            "[1, 2, 2, 4]");
  EXPECT_EQ(tnx_generator_context_length(generator), 0u);
}

TEST_F(GeneratorTest, ReportsNaNLogits) {
  openFake(16, /*mode=*/2);
  TNX_ASSERT_OK(create());
  prefill({3});
  int32_t token = -1;
  EXPECT_THAT(
      errorOf(tnx_generator_next(generator, &token), TNX_STATUS_INTERNAL),
      HasSubstr("the model's logits cannot be sampled: sampler: "
                "logit 0 is NaN"));
}

TEST_F(GeneratorTest, RefusesFunctionsOutsideTheConvention) {
  openFake(16, 0, "", fakeLlmFunctions(16, "tokens"));
  EXPECT_THAT(errorOf(create(), TNX_STATUS_INVALID_ARGUMENT),
              HasSubstr("function 'main' has no input 'input_ids'; a language "
                        "model needs inputs input_ids"));
  EXPECT_EQ(generator, nullptr);
  EXPECT_THAT(errorOf(create("absent"), TNX_STATUS_NOT_FOUND),
              HasSubstr("the artifact has no function 'absent'"));
}

TEST_F(GeneratorTest, RefusesAPastWithoutPresent) {
  std::string functions = fakeLlmFunctions(16);
  size_t at = functions.find("\"present.1.value\"");
  ASSERT_NE(at, std::string::npos);
  functions.replace(at, 17, "\"present.9.value\"");
  openFake(16, 0, "", functions);
  EXPECT_THAT(errorOf(create(), TNX_STATUS_INVALID_ARGUMENT),
              HasSubstr("has input 'past_key_values.1.value' but no output "
                        "'present.1.value'"));
}

TEST_F(GeneratorTest, RefusesUnknownInputs) {
  std::string functions = fakeLlmFunctions(16);
  size_t at = functions.find("\"position_ids\"");
  functions.replace(at, 14, "\"token_type_ids\"");
  openFake(16, 0, "", functions);
  EXPECT_THAT(errorOf(create(), TNX_STATUS_INVALID_ARGUMENT),
              HasSubstr("has input 'token_type_ids', which is not part of the "
                        "language-model convention"));
}

struct Collected {
  std::vector<int32_t> tokens;
  std::string text;
  int stopAfter = -1;
};

int collect(void *userData, int32_t token, const char *text, size_t length) {
  auto *collected = static_cast<Collected *>(userData);
  collected->tokens.push_back(token);
  collected->text.append(text, length);
  return collected->stopAfter >= 0 &&
         collected->tokens.size() >= static_cast<size_t>(collected->stopAfter);
}

TEST_F(GeneratorTest, GenerateStreamsTextUntilEos) {
  // With the llama tokenizer, and EOS moved to 290 by the manifest so the
  // counting model reaches it.
  openFake(2048, 0,
           R"(, "tokenizer": {"file": "tokenizer.model",
              "type": "sentencepiece", "bos_id": 1, "eos_id": 290})");
  TNX_ASSERT_OK(create());
  tnx_tokenizer_t *tokenizer = nullptr;
  TNX_ASSERT_OK(tnx_artifact_tokenizer(artifact, &tokenizer));
  Collected collected;
  size_t generated = 0;
  // "In the beginning God created" ends with token 286.
  TNX_ASSERT_OK(tnx_generator_generate(generator, tokenizer,
                                       "In the beginning God created", 64,
                                       collect, &collected, &generated));
  EXPECT_EQ(generated, 4u);
  EXPECT_THAT(collected.tokens, ElementsAreArray({287, 288, 289, 290}));
  // Pieces "on", "▁A", "▁u", continuing the prompt.
  EXPECT_EQ(collected.text, "on A u");

  // A callback can stop early; the context goes on from there.
  tnx_generator_reset(generator);
  collected = Collected();
  collected.stopAfter = 2;
  TNX_ASSERT_OK(tnx_generator_generate(generator, tokenizer, "Blessed are the",
                                       64, collect, &collected, &generated));
  EXPECT_EQ(generated, 2u);
  EXPECT_THAT(collected.tokens, ElementsAreArray({263, 264}));
  EXPECT_EQ(tnx_generator_context_length(generator), 5u);
  tnx_tokenizer_release(tokenizer);
}

TEST_F(GeneratorTest, GenerateStopsAtMaxNewTokens) {
  openFake(2048, 0,
           R"(, "tokenizer": {"file": "tokenizer.model",
              "type": "sentencepiece"})");
  TNX_ASSERT_OK(create());
  tnx_tokenizer_t *tokenizer = nullptr;
  TNX_ASSERT_OK(tnx_artifact_tokenizer(artifact, &tokenizer));
  Collected collected;
  size_t generated = 0;
  TNX_ASSERT_OK(tnx_generator_generate(generator, tokenizer, "Blessed are the",
                                       3, collect, &collected, &generated));
  EXPECT_EQ(generated, 3u);
  EXPECT_THAT(collected.tokens, ElementsAreArray({263, 264, 265}));
  tnx_tokenizer_release(tokenizer);
}

// The session accepts the empty cache of a prefill and checks the
// attention mask against its "past_sequence+sequence" dim_param.
TEST_F(GeneratorTest, SessionChecksDimParamExpressions) {
  openFake();
  tnx_session_t *session = nullptr;
  TNX_ASSERT_OK(tnx_session_create(artifact, "main", &session));
  std::vector<tnx_tensor_t *> tensors;
  auto make = [&](tnx_dtype_t dtype, std::vector<int64_t> shape) {
    tnx_tensor_t *tensor = nullptr;
    tnx_status_t status =
        tnx_tensor_create(dtype, shape.data(), shape.size(), &tensor);
    EXPECT_EQ(status, nullptr);
    tnx_status_free(status);
    tensors.push_back(tensor);
    return tensor;
  };
  tnx_tensor_t *ids = make(TNX_DTYPE_I64, {1, 3});
  tnx_tensor_t *positions = make(TNX_DTYPE_I64, {1, 3});
  for (int64_t i = 0; i < 3; ++i)
    static_cast<int64_t *>(tnx_tensor_data(positions))[i] = i;
  TNX_ASSERT_OK(tnx_session_bind_input(session, 0, ids));
  TNX_ASSERT_OK(tnx_session_bind_input(session, 2, positions));
  for (size_t i = 3; i < 7; ++i)
    TNX_ASSERT_OK(
        tnx_session_bind_input(session, i, make(TNX_DTYPE_F32, {1, 2, 0, 4})));

  TNX_ASSERT_OK(
      tnx_session_bind_input(session, 1, make(TNX_DTYPE_I64, {1, 4})));
  EXPECT_EQ(errorOf(tnx_session_run(session), TNX_STATUS_INVALID_ARGUMENT),
            "input 'attention_mask': dim 1 is 4 but dim_param "
            "'past_sequence+sequence' is 3 (past_sequence = 0 from input "
            "'past_key_values.0.key', sequence = 3 from input 'input_ids')");

  tnx_tensor_t *mask = make(TNX_DTYPE_I64, {1, 3});
  for (int64_t i = 0; i < 3; ++i)
    static_cast<int64_t *>(tnx_tensor_data(mask))[i] = 1;
  TNX_ASSERT_OK(tnx_session_bind_input(session, 1, mask));
  TNX_ASSERT_OK(tnx_session_run(session));
  tnx_tensor_t *present = nullptr;
  TNX_ASSERT_OK(
      tnx_session_output_by_name(session, "present.1.value", &present));
  EXPECT_EQ(tnx_tensor_shape(present)[2], 3);
  tnx_session_release(session);
  for (tnx_tensor_t *tensor : tensors)
    tnx_tensor_release(tensor);
}

} // namespace
