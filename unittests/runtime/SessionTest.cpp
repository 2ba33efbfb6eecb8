//===- SessionTest.cpp - Binding, running and reading outputs -------------===//
#include "TestArtifact.h"

#include <cstring>

using namespace ternion::test;
using ::testing::HasSubstr;

namespace {

class SessionTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir.write(ArtifactSpec());
    std::string error;
    artifact = openArtifact(dir.path, &error);
    ASSERT_NE(artifact, nullptr) << error;
  }
  void TearDown() override {
    for (tnx_tensor_t *tensor : tensors)
      tnx_tensor_release(tensor);
    tnx_session_release(session);
    tnx_artifact_close(artifact);
  }

  void createSession(const char *function) {
    TNX_ASSERT_OK(tnx_session_create(artifact, function, &session));
  }

  /// A tensor owned by the fixture.
  tnx_tensor_t *tensor(tnx_dtype_t dtype, std::vector<int64_t> shape) {
    tnx_tensor_t *result = nullptr;
    tnx_status_t status =
        tnx_tensor_create(dtype, shape.data(), shape.size(), &result);
    EXPECT_EQ(status, nullptr) << tnx_status_message(status);
    tnx_status_free(status);
    tensors.push_back(result);
    return result;
  }

  tnx_tensor_t *f32(std::vector<int64_t> shape, std::vector<float> values) {
    tnx_tensor_t *result = tensor(TNX_DTYPE_F32, std::move(shape));
    EXPECT_EQ(tnx_tensor_byte_size(result), values.size() * sizeof(float));
    // memcpy from an empty vector's null data() is undefined even for 0
    // bytes (UBSan reports it).
    if (!values.empty())
      std::memcpy(tnx_tensor_data(result), values.data(),
                  values.size() * sizeof(float));
    return result;
  }

  static std::vector<float> floats(const tnx_tensor_t *tensor) {
    const auto *data = static_cast<const float *>(tnx_tensor_data(tensor));
    return std::vector<float>(data, data + tnx_tensor_element_count(tensor));
  }

  static std::vector<int64_t> shape(const tnx_tensor_t *tensor) {
    const int64_t *dims = tnx_tensor_shape(tensor);
    return std::vector<int64_t>(dims, dims + tnx_tensor_rank(tensor));
  }

  /// Expects `status` to fail with `code` and returns its message.
  static std::string errorOf(tnx_status_t status, tnx_status_code_t code) {
    EXPECT_EQ(tnx_status_code(status), code) << tnx_status_message(status);
    std::string message = tnx_status_message(status);
    tnx_status_free(status);
    return message;
  }

  TempArtifact dir;
  tnx_artifact_t *artifact = nullptr;
  tnx_session_t *session = nullptr;
  std::vector<tnx_tensor_t *> tensors;
};

TEST_F(SessionTest, RunsAddRelu) {
  createSession(nullptr); // The first function: add_relu.
  EXPECT_STREQ(tnx_function_name(tnx_session_function(session)), "add_relu");
  TNX_ASSERT_OK(
      tnx_session_bind_input(session, 0, f32({2, 3}, {1, -2, 3, -4, 5, -6})));
  TNX_ASSERT_OK(tnx_session_bind_input_by_name(
      session, "b", f32({2, 3}, {1, 1, 1, 1, 1, 10})));
  TNX_ASSERT_OK(tnx_session_run(session));
  tnx_tensor_t *out = nullptr;
  TNX_ASSERT_OK(tnx_session_output(session, 0, &out));
  EXPECT_EQ(tnx_tensor_dtype(out), TNX_DTYPE_F32);
  EXPECT_EQ(shape(out), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(floats(out), (std::vector<float>{2, 0, 4, 0, 6, 4}));
  tnx_tensor_t *byName = nullptr;
  TNX_ASSERT_OK(tnx_session_output_by_name(session, "out", &byName));
  EXPECT_EQ(byName, out);
}

TEST_F(SessionTest, UsesTheWeights) {
  createSession("scale");
  TNX_ASSERT_OK(tnx_session_bind_input(session, 0,
                                       f32({2, 4}, {1, 1, 1, 1, 1, 2, 3, 4})));
  TNX_ASSERT_OK(tnx_session_run(session));
  tnx_tensor_t *y = nullptr;
  TNX_ASSERT_OK(tnx_session_output(session, 0, &y));
  EXPECT_EQ(floats(y), (std::vector<float>{1, 2, 3, 4, 1, 4, 9, 16}));
}

TEST_F(SessionTest, CopiesStridedAndOffsetOutputs) {
  createSession("views");
  TNX_ASSERT_OK(
      tnx_session_bind_input(session, 0, f32({2, 3}, {1, 2, 3, 4, 5, 6})));
  TNX_ASSERT_OK(tnx_session_run(session));
  tnx_tensor_t *t = nullptr, *dims = nullptr;
  TNX_ASSERT_OK(tnx_session_output(session, 0, &t));
  TNX_ASSERT_OK(tnx_session_output(session, 1, &dims));
  EXPECT_EQ(shape(t), (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(floats(t), (std::vector<float>{1, 4, 2, 5, 3, 6}));
  ASSERT_EQ(tnx_tensor_dtype(dims), TNX_DTYPE_I64);
  const auto *values = static_cast<const int64_t *>(tnx_tensor_data(dims));
  EXPECT_EQ(values[0], 2);
  EXPECT_EQ(values[1], 3);
}

TEST_F(SessionTest, IntegerAndBoolOutputs) {
  createSession("cast");
  int64_t x[] = {-5, 0, 7};
  int64_t dims[] = {3};
  tnx_tensor_t *input = nullptr;
  TNX_ASSERT_OK(tnx_tensor_wrap(TNX_DTYPE_I64, dims, 1, x, sizeof(x), &input));
  tensors.push_back(input);
  TNX_ASSERT_OK(tnx_session_bind_input(session, 0, input));
  TNX_ASSERT_OK(tnx_session_run(session));
  tnx_tensor_t *y = nullptr, *mask = nullptr;
  TNX_ASSERT_OK(tnx_session_output(session, 0, &y));
  TNX_ASSERT_OK(tnx_session_output(session, 1, &mask));
  const auto *yData = static_cast<const int32_t *>(tnx_tensor_data(y));
  const auto *maskData = static_cast<const uint8_t *>(tnx_tensor_data(mask));
  EXPECT_EQ(yData[0], -5);
  EXPECT_EQ(yData[2], 7);
  EXPECT_EQ(maskData[0], 0);
  EXPECT_EQ(maskData[1], 0);
  EXPECT_EQ(maskData[2], 1);
  EXPECT_EQ(tnx_tensor_byte_size(mask), 3u);
}

TEST_F(SessionTest, EmptyTensorsRun) {
  createSession("add_relu");
  TNX_ASSERT_OK(tnx_session_bind_input(session, 0, f32({0, 3}, {})));
  TNX_ASSERT_OK(tnx_session_bind_input(session, 1, f32({0, 3}, {})));
  TNX_ASSERT_OK(tnx_session_run(session));
  tnx_tensor_t *out = nullptr;
  TNX_ASSERT_OK(tnx_session_output(session, 0, &out));
  EXPECT_EQ(shape(out), (std::vector<int64_t>{0, 3}));
  EXPECT_EQ(tnx_tensor_element_count(out), 0u);
  EXPECT_NE(tnx_tensor_data(out), nullptr);
}

TEST_F(SessionTest, DimParamMismatch) {
  createSession("add_relu");
  TNX_ASSERT_OK(tnx_session_bind_input(session, 0, f32({1, 2}, {1, 2})));
  TNX_ASSERT_OK(tnx_session_bind_input(session, 1, f32({1, 3}, {1, 2, 3})));
  EXPECT_EQ(errorOf(tnx_session_run(session), TNX_STATUS_INVALID_ARGUMENT),
            "input 'b': dim 1 is 3 but dim_param 'n' is 2 (from input 'a')");
}

TEST_F(SessionTest, WrongDtypeRankAndShape) {
  createSession("scale");
  EXPECT_EQ(
      errorOf(tnx_session_bind_input(session, 0, tensor(TNX_DTYPE_F64, {1, 4})),
              TNX_STATUS_INVALID_ARGUMENT),
      "input 'x': dtype is f64 but the function expects f32");
  EXPECT_EQ(
      errorOf(tnx_session_bind_input(session, 0, tensor(TNX_DTYPE_F32, {4})),
              TNX_STATUS_INVALID_ARGUMENT),
      "input 'x': rank is 1 but the function expects 2");
  EXPECT_EQ(
      errorOf(tnx_session_bind_input(session, 0, tensor(TNX_DTYPE_F32, {2, 5})),
              TNX_STATUS_INVALID_ARGUMENT),
      "input 'x': dim 1 is 5 but the function expects 4");
  EXPECT_EQ(
      errorOf(tnx_session_bind_input(session, 1, tensor(TNX_DTYPE_F32, {2, 4})),
              TNX_STATUS_INVALID_ARGUMENT),
      "input index 1 is out of range (function 'scale' has 1)");
  EXPECT_EQ(errorOf(tnx_session_bind_input_by_name(
                        session, "z", tensor(TNX_DTYPE_F32, {2, 4})),
                    TNX_STATUS_NOT_FOUND),
            "function 'scale' has no input 'z'");
}

TEST_F(SessionTest, MissingInput) {
  createSession("add_relu");
  TNX_ASSERT_OK(tnx_session_bind_input(session, 0, f32({1, 1}, {1})));
  EXPECT_EQ(errorOf(tnx_session_run(session), TNX_STATUS_FAILED_PRECONDITION),
            "input 'b' (index 1) is not bound");
  // Unbinding works too.
  TNX_ASSERT_OK(tnx_session_bind_input(session, 1, f32({1, 1}, {1})));
  TNX_ASSERT_OK(tnx_session_bind_input(session, 0, nullptr));
  EXPECT_EQ(errorOf(tnx_session_run(session), TNX_STATUS_FAILED_PRECONDITION),
            "input 'a' (index 0) is not bound");
}

TEST_F(SessionTest, OutputBeforeRun) {
  createSession("scale");
  tnx_tensor_t *out = nullptr;
  EXPECT_THAT(errorOf(tnx_session_output(session, 0, &out),
                      TNX_STATUS_FAILED_PRECONDITION),
              HasSubstr("call tnx_session_run first"));
}

TEST_F(SessionTest, UnknownFunction) {
  tnx_session_t *other = nullptr;
  EXPECT_THAT(errorOf(tnx_session_create(artifact, "nope", &other),
                      TNX_STATUS_NOT_FOUND),
              HasSubstr("no function 'nope'"));
  EXPECT_EQ(other, nullptr);
}

TEST_F(SessionTest, BadOutputFromCompiledCodeIsReported) {
  createSession("bad_output");
  TNX_ASSERT_OK(tnx_session_bind_input(session, 0, f32({3}, {1, 2, 3})));
  EXPECT_EQ(errorOf(tnx_session_run(session), TNX_STATUS_INTERNAL),
            "the compiled code returned a bad output 'y': dim 0 is 4 but "
            "the manifest says 3");
}

TEST_F(SessionTest, OutputsOutliveRunsWhenRetained) {
  createSession("add_relu");
  tnx_tensor_t *a = f32({1, 2}, {1, 2});
  TNX_ASSERT_OK(tnx_session_bind_input(session, 0, a));
  TNX_ASSERT_OK(tnx_session_bind_input(session, 1, a));
  TNX_ASSERT_OK(tnx_session_run(session));
  tnx_tensor_t *first = nullptr;
  TNX_ASSERT_OK(tnx_session_output(session, 0, &first));
  tnx_tensor_retain(first);
  // Many runs: each replaces (and frees) the previous outputs.
  for (int i = 0; i < 100; ++i)
    TNX_ASSERT_OK(tnx_session_run(session));
  tnx_tensor_t *last = nullptr;
  TNX_ASSERT_OK(tnx_session_output(session, 0, &last));
  EXPECT_NE(first, last);
  EXPECT_EQ(floats(first), (std::vector<float>{2, 4}));
  // Release the session and the artifact first: the retained output and
  // the fixture's inputs stay valid.
  tnx_session_release(session);
  session = nullptr;
  EXPECT_EQ(floats(first), (std::vector<float>{2, 4}));
  tnx_tensor_release(first);
}

TEST_F(SessionTest, SessionKeepsArtifactAlive) {
  createSession("scale");
  tnx_artifact_close(artifact);
  artifact = nullptr;
  // The library and weights are still there.
  TNX_ASSERT_OK(tnx_session_bind_input(session, 0, f32({1, 4}, {1, 1, 1, 1})));
  TNX_ASSERT_OK(tnx_session_run(session));
  tnx_tensor_t *y = nullptr;
  TNX_ASSERT_OK(tnx_session_output(session, 0, &y));
  EXPECT_EQ(floats(y), (std::vector<float>{1, 2, 3, 4}));
}

TEST(TensorTest, CreateWrapAndErrors) {
  int64_t shape[] = {2, 3};
  tnx_tensor_t *tensor = nullptr;
  TNX_ASSERT_OK(tnx_tensor_create(TNX_DTYPE_F16, shape, 2, &tensor));
  EXPECT_EQ(tnx_tensor_byte_size(tensor), 12u);
  EXPECT_EQ(tnx_tensor_element_count(tensor), 6u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(tnx_tensor_data(tensor)) % 64, 0u);
  tnx_tensor_release(tensor);

  TNX_ASSERT_OK(tnx_tensor_create(TNX_DTYPE_I32, nullptr, 0, &tensor));
  EXPECT_EQ(tnx_tensor_element_count(tensor), 1u);
  EXPECT_EQ(tnx_tensor_shape(tensor), nullptr);
  tnx_tensor_release(tensor);

  int64_t negative[] = {2, -1};
  tnx_status_t status = tnx_tensor_create(TNX_DTYPE_F32, negative, 2, &tensor);
  EXPECT_STREQ(tnx_status_message(status),
               "tnx_tensor_create: dim 1 is negative (-1)");
  tnx_status_free(status);

  int64_t huge[] = {int64_t(1) << 40, int64_t(1) << 40};
  status = tnx_tensor_create(TNX_DTYPE_F32, huge, 2, &tensor);
  EXPECT_STREQ(tnx_status_message(status),
               "tnx_tensor_create: shape is too large");
  tnx_status_free(status);

  status = tnx_tensor_create(TNX_DTYPE_INVALID, shape, 2, &tensor);
  EXPECT_EQ(tnx_status_code(status), TNX_STATUS_INVALID_ARGUMENT);
  tnx_status_free(status);

  float data[6];
  status = tnx_tensor_wrap(TNX_DTYPE_F32, shape, 2, data, 20, &tensor);
  EXPECT_STREQ(tnx_status_message(status),
               "tnx_tensor_wrap: byte_size is 20 but a f32 tensor of this "
               "shape has 24 bytes");
  tnx_status_free(status);
  TNX_ASSERT_OK(tnx_tensor_wrap(TNX_DTYPE_F32, shape, 2, data, 24, &tensor));
  EXPECT_EQ(tnx_tensor_data(tensor), data);
  tnx_tensor_release(tensor);
}

TEST(DTypeTest, NamesAndSizes) {
  EXPECT_STREQ(tnx_dtype_name(TNX_DTYPE_BF16), "bf16");
  EXPECT_EQ(tnx_dtype_size(TNX_DTYPE_BOOL), 1u);
  EXPECT_EQ(tnx_dtype_size(TNX_DTYPE_U64), 8u);
  EXPECT_EQ(tnx_dtype_from_name("i16"), TNX_DTYPE_I16);
  EXPECT_EQ(tnx_dtype_from_name("float"), TNX_DTYPE_INVALID);
  EXPECT_EQ(tnx_dtype_from_name(nullptr), TNX_DTYPE_INVALID);
  EXPECT_STREQ(tnx_status_code_name(TNX_STATUS_INVALID_ARTIFACT),
               "INVALID_ARTIFACT");
}

} // namespace
