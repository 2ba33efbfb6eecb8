//===- ConcurrencyTest.cpp - Sessions and generators on many threads ------===//
//
// The C API promises (runtime.h, llm.h) that one opened artifact and one
// tokenizer may be shared by any number of threads, each with its own
// sessions and generators. These tests run the same work one after another
// and then on eight threads at once and require identical results, bit
// for bit. Under the sanitizer build (scripts/test.sh --sanitize) they
// also show the sharing is free of memory errors.
//
// The compiled-model test uses a real artifact (model code with its own
// OpenMP parallel loops) when TERNION_CONCURRENCY_ARTIFACT names one; the
// lit test EndToEnd/concurrent-generators.test compiles one and runs it.
//
//===----------------------------------------------------------------------===//
#include "FakeLlm.h"
#include "TestArtifact.h"

#include "ternion/llm.h"

#include <cstdlib>
#include <cstring>
#include <thread>

using namespace ternion::test;

namespace {

constexpr int Threads = 8;
constexpr int Rounds = 3;

/// Runs `work(t)` for t in [0, Threads) on Threads threads at once.
template <typename Work> void onThreads(Work work) {
  std::vector<std::thread> threads;
  for (int t = 0; t < Threads; ++t)
    threads.emplace_back([&work, t] { work(t); });
  for (std::thread &thread : threads)
    thread.join();
}

/// add_relu(a, b) of the test model on inputs that differ per `seed`;
/// returns the output (empty on any error, which the caller reports).
std::vector<float> runAddRelu(tnx_artifact_t *artifact, int seed) {
  tnx_session_t *session = nullptr;
  if (tnx_status_t status = tnx_session_create(artifact, "add_relu", &session)) {
    tnx_status_free(status);
    return {};
  }
  int64_t shape[2] = {3, 5 + seed};
  tnx_tensor_t *a = nullptr, *b = nullptr;
  std::vector<float> result;
  if (!tnx_tensor_create(TNX_DTYPE_F32, shape, 2, &a) &&
      !tnx_tensor_create(TNX_DTYPE_F32, shape, 2, &b)) {
    auto *pa = static_cast<float *>(tnx_tensor_data(a));
    auto *pb = static_cast<float *>(tnx_tensor_data(b));
    for (size_t i = 0; i < tnx_tensor_element_count(a); ++i) {
      pa[i] = float(int(i * 7 + seed) % 11) - 5.0f;
      pb[i] = float(seed) * 0.25f;
    }
    tnx_tensor_t *out = nullptr;
    if (!tnx_session_bind_input(session, 0, a) &&
        !tnx_session_bind_input(session, 1, b) && !tnx_session_run(session) &&
        !tnx_session_output(session, 0, &out)) {
      const auto *data = static_cast<const float *>(tnx_tensor_data(out));
      result.assign(data, data + tnx_tensor_element_count(out));
    }
  }
  tnx_tensor_release(a);
  tnx_tensor_release(b);
  tnx_session_release(session);
  return result;
}

/// Samples `count` tokens after `prompt` with temperature 0.8 and `seed`
/// from a fresh generator; the tokens, or empty on an error.
std::vector<int32_t> sample(tnx_artifact_t *artifact,
                            const std::vector<int32_t> &prompt, uint64_t seed,
                            int count) {
  tnx_generator_options_t options;
  tnx_generator_options_init(&options);
  options.sampler.temperature = 0.8f;
  options.sampler.seed = seed;
  options.max_context = 128;
  tnx_generator_t *generator = nullptr;
  std::vector<int32_t> tokens;
  if (tnx_status_t status =
          tnx_generator_create(artifact, &options, &generator)) {
    tnx_status_free(status);
    return tokens;
  }
  if (tnx_status_t status =
          tnx_generator_prefill(generator, prompt.data(), prompt.size())) {
    tnx_status_free(status);
  } else {
    for (int i = 0; i < count; ++i) {
      int32_t token = -1;
      if (tnx_status_t status = tnx_generator_next(generator, &token)) {
        tnx_status_free(status);
        tokens.clear();
        break;
      }
      tokens.push_back(token);
    }
  }
  tnx_generator_release(generator);
  return tokens;
}

/// The sequential answers for seeds 0..Threads-1, then every thread
/// recomputes its seed's answer Rounds times at once with the others.
template <typename Answer, typename Compute>
void expectSameOnThreads(Compute compute) {
  std::vector<Answer> sequential;
  for (int t = 0; t < Threads; ++t) {
    sequential.push_back(compute(t));
    ASSERT_FALSE(sequential.back().empty()) << "seed " << t;
  }
  std::vector<std::vector<Answer>> parallel(Threads);
  onThreads([&](int t) {
    for (int round = 0; round < Rounds; ++round)
      parallel[t].push_back(compute(t));
  });
  for (int t = 0; t < Threads; ++t)
    for (int round = 0; round < Rounds; ++round)
      EXPECT_EQ(parallel[t][round], sequential[t])
          << "thread " << t << ", round " << round;
}

TEST(ConcurrencyTest, SessionsOnOneArtifact) {
  TempArtifact dir;
  dir.write(ArtifactSpec());
  std::string error;
  tnx_artifact_t *artifact = openArtifact(dir.path, &error);
  ASSERT_NE(artifact, nullptr) << error;
  expectSameOnThreads<std::vector<float>>(
      [&](int seed) { return runAddRelu(artifact, seed); });
  tnx_artifact_close(artifact);
}

TEST(ConcurrencyTest, GeneratorsAndOneTokenizerOnOneArtifact) {
  TempArtifact dir;
  ArtifactSpec spec;
  spec.library = TNX_FAKE_LLM_LIB;
  spec.modelKind = "llm";
  spec.functions = fakeLlmFunctions(64);
  spec.weights = fakeLlmWeights(64, 0);
  dir.write(spec);
  std::string error;
  tnx_artifact_t *artifact = openArtifact(dir.path, &error);
  ASSERT_NE(artifact, nullptr) << error;
  expectSameOnThreads<std::vector<int32_t>>([&](int seed) {
    return sample(artifact, {1, 2, 3 + seed}, uint64_t(seed), 24);
  });
  tnx_artifact_close(artifact);

  // One tokenizer shared by all threads, encoding and decoding.
  tnx_tokenizer_t *tokenizer = nullptr;
  TNX_ASSERT_OK(
      tnx_tokenizer_open(TNX_LLAMA_DIR "/tokenizer.model", &tokenizer));
  expectSameOnThreads<std::string>([&](int seed) {
    std::string text = "In the beginning " + std::to_string(seed) +
                       " God created the heaven and the earth.";
    int32_t *ids = nullptr;
    size_t count = 0;
    char *decoded = nullptr;
    std::string result;
    if (!tnx_tokenizer_encode(tokenizer, text.data(), text.size(), 0, &ids,
                              &count) &&
        !tnx_tokenizer_decode(tokenizer, ids, count, &decoded, nullptr))
      result = decoded;
    tnx_free(ids);
    tnx_free(decoded);
    return result;
  });
  tnx_tokenizer_release(tokenizer);
}

TEST(ConcurrencyTest, GeneratorsOnACompiledModel) {
  const char *path = std::getenv("TERNION_CONCURRENCY_ARTIFACT");
  if (!path || !*path)
    GTEST_SKIP() << "set TERNION_CONCURRENCY_ARTIFACT to a compiled language "
                    "model (EndToEnd/concurrent-generators.test does)";
  std::string error;
  tnx_artifact_t *artifact = openArtifact(path, &error);
  ASSERT_NE(artifact, nullptr) << error;
  expectSameOnThreads<std::vector<int32_t>>([&](int seed) {
    return sample(artifact, {1, 20 + seed, 30}, uint64_t(seed), 12);
  });
  tnx_artifact_close(artifact);
}

} // namespace
