//===- TestArtifact.h - Builds .tnx directories for the tests ---*- C++ -*-===//
//
// Writes real artifacts into a fresh temporary directory: the hand-written
// fixture library (fixtures/test_model.c, path passed in by CMake), a
// manifest and a weights file with its checksum.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_UNITTESTS_RUNTIME_TESTARTIFACT_H
#define TERNION_UNITTESTS_RUNTIME_TESTARTIFACT_H

#include "ternion/runtime.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace ternion::test {

inline uint64_t fnv1a64(const std::string &bytes) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

inline std::string fnvChecksum(const std::string &bytes) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "fnv1a64:%016llx",
                static_cast<unsigned long long>(fnv1a64(bytes)));
  return buffer;
}

inline void writeBytes(const std::string &path, const std::string &bytes) {
  std::ofstream file(path, std::ios::binary);
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(file.good()) << path;
}

inline std::string readBytes(const std::string &path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

/// The weights of the fixture: w = {1, 2, 3, 4} then padding.
inline std::string defaultWeights() {
  float w[8] = {1, 2, 3, 4, 0, 0, 0, 0};
  return std::string(reinterpret_cast<const char *>(w), sizeof(w));
}

/// The "functions" array describing every function of test_model.c.
inline std::string defaultFunctions() {
  return R"([
    {"name": "add_relu", "symbol": "tnx_add_relu",
     "inputs": [
       {"name": "a", "dtype": "f32", "shape": [-1, -1],
        "dim_params": ["batch", "n"]},
       {"name": "b", "dtype": "f32", "shape": [-1, -1],
        "dim_params": ["batch", "n"]}],
     "outputs": [
       {"name": "out", "dtype": "f32", "shape": [-1, -1],
        "dim_params": ["batch", "n"]}]},
    {"name": "scale", "symbol": "tnx_scale",
     "inputs": [{"name": "x", "dtype": "f32", "shape": [-1, 4],
                 "dim_params": ["batch", ""]}],
     "outputs": [{"name": "y", "dtype": "f32", "shape": [-1, 4]}]},
    {"name": "views", "symbol": "tnx_views",
     "inputs": [{"name": "x", "dtype": "f32", "shape": [-1, -1]}],
     "outputs": [{"name": "t", "dtype": "f32", "shape": [-1, -1]},
                 {"name": "dims", "dtype": "i64", "shape": [2]}]},
    {"name": "bad_output", "symbol": "tnx_bad_output",
     "inputs": [{"name": "x", "dtype": "f32", "shape": [3]}],
     "outputs": [{"name": "y", "dtype": "f32", "shape": [3]}]},
    {"name": "cast", "symbol": "tnx_cast",
     "inputs": [{"name": "x", "dtype": "i64", "shape": [-1]}],
     "outputs": [{"name": "y", "dtype": "i32", "shape": [-1]},
                 {"name": "mask", "dtype": "bool", "shape": [-1]}]}
  ])";
}

struct ArtifactSpec {
  std::string functions = defaultFunctions();
  std::string weights = defaultWeights();
  bool withWeights = true;
  /// Overrides the checksum written to the manifest ("" = the right one).
  std::string checksum;
  /// Overrides the size written to the manifest (-1 = the right one).
  int64_t weightsSize = -1;
  int formatVersion = 1;
  std::string library = TNX_TEST_MODEL_LIB;
  std::string modelKind = "tensor";
  /// Extra top-level members, e.g. ", \"generation\": {...}".
  std::string extra;
};

inline std::string manifestFor(const ArtifactSpec &spec) {
  std::string manifest = "{\n  \"format\": \"ternion-artifact\",\n"
                         "  \"format_version\": " +
                         std::to_string(spec.formatVersion) +
                         ",\n  \"ternion_version\": \"0.1.0\",\n"
                         "  \"llvm_version\": \"22.1.8\",\n"
                         "  \"model_kind\": \"" + spec.modelKind +
                         "\",\n"
                         "  \"compile_options\": {\"source\": "
                         "\"model.onnx\", \"opt_level\": 3},\n"
                         "  \"library\": \"model.so\",\n";
  if (spec.withWeights) {
    int64_t size = spec.weightsSize >= 0
                       ? spec.weightsSize
                       : static_cast<int64_t>(spec.weights.size());
    manifest +=
        "  \"weights\": {\"file\": \"weights.bin\", \"size\": " +
        std::to_string(size) + ", \"alignment\": 64, " + "\"checksum\": \"" +
        (spec.checksum.empty() ? fnvChecksum(spec.weights) : spec.checksum) +
        "\"},\n";
  }
  manifest += "  \"functions\": " + spec.functions + spec.extra + "\n}\n";
  return manifest;
}

/// A temporary artifact directory, removed with the fixture.
class TempArtifact {
public:
  TempArtifact() {
    char pattern[] = "/tmp/ternion-runtime-test-XXXXXX";
    const char *made = mkdtemp(pattern);
    EXPECT_NE(made, nullptr);
    root = made ? made : "/tmp";
    path = root + "/model.tnx";
    std::string command = "mkdir -p '" + path + "'";
    EXPECT_EQ(std::system(command.c_str()), 0);
  }
  ~TempArtifact() {
    std::string command = "rm -rf '" + root + "'";
    (void)std::system(command.c_str());
  }

  /// Writes all files of `spec`.
  void write(const ArtifactSpec &spec) {
    writeManifest(manifestFor(spec));
    writeBytes(path + "/model.so", readBytes(spec.library));
    if (spec.withWeights)
      writeBytes(path + "/weights.bin", spec.weights);
  }
  void writeManifest(const std::string &text) {
    writeBytes(path + "/manifest.json", text);
  }

  std::string root;
  std::string path;
};

/// Opens `path`; returns the artifact or records the error message.
inline tnx_artifact_t *openArtifact(const std::string &path,
                                    std::string *error = nullptr,
                                    tnx_status_code_t *code = nullptr,
                                    bool verify = true) {
  tnx_artifact_options_t options;
  tnx_artifact_options_init(&options);
  options.verify_weights = verify;
  tnx_artifact_t *artifact = nullptr;
  tnx_status_t status = tnx_artifact_open(path.c_str(), &options, &artifact);
  if (error)
    *error = tnx_status_message(status);
  if (code)
    *code = tnx_status_code(status);
  tnx_status_free(status);
  return artifact;
}

/// Runs `call`, expects success, and frees the status.
#define TNX_ASSERT_OK(call)                                                    \
  do {                                                                         \
    tnx_status_t status_ = (call);                                             \
    bool ok_ = status_ == nullptr;                                             \
    std::string message_ = tnx_status_message(status_);                        \
    tnx_status_free(status_);                                                  \
    ASSERT_TRUE(ok_) << #call << ": " << message_;                             \
  } while (0)

/// Expects `status` to fail with `code`; frees it and returns its message.
inline std::string errorOf(tnx_status_t status, tnx_status_code_t code) {
  EXPECT_NE(status, nullptr);
  EXPECT_EQ(tnx_status_code(status), code)
      << tnx_status_code_name(tnx_status_code(status)) << ": "
      << tnx_status_message(status);
  std::string message = tnx_status_message(status);
  tnx_status_free(status);
  return message;
}

} // namespace ternion::test

#endif // TERNION_UNITTESTS_RUNTIME_TESTARTIFACT_H
