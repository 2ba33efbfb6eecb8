//===- ArtifactTest.cpp - Opening artifacts, good and corrupt -------------===//
#include "TestArtifact.h"

#include <unistd.h>

using namespace ternion::test;
using ::testing::HasSubstr;

namespace {

class ArtifactTest : public ::testing::Test {
protected:
  TempArtifact dir;

  /// Writes `spec`, expects open to fail, and returns the message.
  std::string openError(const ArtifactSpec &spec,
                        tnx_status_code_t expectedCode) {
    dir.write(spec);
    return openError(expectedCode);
  }
  std::string openError(tnx_status_code_t expectedCode, bool verify = true) {
    std::string error;
    tnx_status_code_t code;
    tnx_artifact_t *artifact = openArtifact(dir.path, &error, &code, verify);
    EXPECT_EQ(artifact, nullptr);
    tnx_artifact_close(artifact);
    EXPECT_EQ(code, expectedCode) << error;
    return error;
  }
};

TEST_F(ArtifactTest, OpensAndDescribesSignatures) {
  dir.write(ArtifactSpec());
  std::string error;
  tnx_artifact_t *artifact = openArtifact(dir.path, &error);
  ASSERT_NE(artifact, nullptr) << error;
  EXPECT_EQ(tnx_artifact_format_version(artifact), 1);
  EXPECT_STREQ(tnx_artifact_model_kind(artifact), "tensor");
  EXPECT_STREQ(tnx_artifact_producer_version(artifact), "0.1.0");
  EXPECT_STREQ(tnx_artifact_llvm_version(artifact), "22.1.8");
  EXPECT_EQ(tnx_artifact_weights_size(artifact), 32u);
  EXPECT_THAT(tnx_artifact_manifest_json(artifact),
              HasSubstr("\"ternion-artifact\""));
  ASSERT_EQ(tnx_artifact_function_count(artifact), 5u);

  const tnx_function_t *function = nullptr;
  TNX_ASSERT_OK(tnx_artifact_function(artifact, 0, &function));
  EXPECT_STREQ(tnx_function_name(function), "add_relu");
  ASSERT_EQ(tnx_function_input_count(function), 2u);
  ASSERT_EQ(tnx_function_output_count(function), 1u);
  const tnx_value_info_t *info = nullptr;
  TNX_ASSERT_OK(tnx_function_input(function, 1, &info));
  EXPECT_STREQ(tnx_value_info_name(info), "b");
  EXPECT_EQ(tnx_value_info_dtype(info), TNX_DTYPE_F32);
  ASSERT_EQ(tnx_value_info_rank(info), 2u);
  EXPECT_EQ(tnx_value_info_dims(info)[0], -1);
  EXPECT_STREQ(tnx_value_info_dim_param(info, 0), "batch");
  EXPECT_STREQ(tnx_value_info_dim_param(info, 1), "n");
  EXPECT_STREQ(tnx_value_info_dim_param(info, 7), "");

  TNX_ASSERT_OK(tnx_artifact_find_function(artifact, "scale", &function));
  TNX_ASSERT_OK(tnx_function_input(function, 0, &info));
  EXPECT_EQ(tnx_value_info_dims(info)[1], 4);
  EXPECT_STREQ(tnx_value_info_dim_param(info, 1), "");
  TNX_ASSERT_OK(tnx_function_output(function, 0, &info));
  // No dim_params in the manifest: every dim has "".
  EXPECT_STREQ(tnx_value_info_dim_param(info, 0), "");
  size_t index = 99;
  TNX_ASSERT_OK(tnx_function_find_output(function, "y", &index));
  EXPECT_EQ(index, 0u);

  tnx_status_t status = tnx_function_find_input(function, "nope", &index);
  EXPECT_EQ(tnx_status_code(status), TNX_STATUS_NOT_FOUND);
  EXPECT_STREQ(tnx_status_message(status),
               "function 'scale' has no input 'nope'");
  tnx_status_free(status);
  status = tnx_artifact_find_function(artifact, "nope", &function);
  EXPECT_EQ(tnx_status_code(status), TNX_STATUS_NOT_FOUND);
  EXPECT_THAT(tnx_status_message(status), HasSubstr("'add_relu'"));
  tnx_status_free(status);
  status = tnx_artifact_function(artifact, 5, &function);
  EXPECT_EQ(tnx_status_code(status), TNX_STATUS_INVALID_ARGUMENT);
  tnx_status_free(status);
  tnx_artifact_close(artifact);
}

TEST_F(ArtifactTest, NullArgumentsAreErrorsNotCrashes) {
  tnx_artifact_t *artifact = nullptr;
  tnx_status_t status = tnx_artifact_open(nullptr, nullptr, &artifact);
  EXPECT_EQ(tnx_status_code(status), TNX_STATUS_INVALID_ARGUMENT);
  tnx_status_free(status);
  EXPECT_EQ(tnx_artifact_function_count(nullptr), 0u);
  EXPECT_STREQ(tnx_function_name(nullptr), "");
  EXPECT_EQ(tnx_status_code(nullptr), TNX_STATUS_OK);
  EXPECT_STREQ(tnx_status_message(nullptr), "");
  tnx_artifact_close(nullptr);
  tnx_status_free(nullptr);
}

TEST_F(ArtifactTest, IgnoresUnknownSectionsAndAllowsNoWeights) {
  ArtifactSpec spec;
  spec.withWeights = false;
  spec.extra = R"(, "generation": {"max_new_tokens": 64, "eos": [2]},
    "tokenizer": {"type": "sentencepiece", "file": "tok.model", "merges": 0},
    "future": [null, true, 1.5e3, "\u00e9\ud83d\ude00"])";
  dir.write(spec);
  std::string error;
  tnx_artifact_t *artifact = openArtifact(dir.path, &error);
  ASSERT_NE(artifact, nullptr) << error;
  EXPECT_EQ(tnx_artifact_weights_size(artifact), 0u);
  tnx_artifact_close(artifact);
}

TEST_F(ArtifactTest, MissingDirectory) {
  std::string error;
  EXPECT_EQ(openArtifact(dir.root + "/absent.tnx", &error), nullptr);
  EXPECT_THAT(error, HasSubstr("absent.tnx: cannot open artifact"));
}

TEST_F(ArtifactTest, MissingManifest) {
  std::string error = openError(TNX_STATUS_IO_ERROR);
  EXPECT_THAT(error, HasSubstr("model.tnx/manifest.json: cannot open"));
}

TEST_F(ArtifactTest, GarbageManifest) {
  dir.write(ArtifactSpec());
  dir.writeManifest("\x7f"
                    "ELF garbage");
  std::string error = openError(TNX_STATUS_INVALID_ARTIFACT);
  EXPECT_THAT(error, HasSubstr("manifest.json: is not valid JSON: line 1, "
                               "column 1: unexpected character"));
}

TEST_F(ArtifactTest, TruncatedManifestAtEveryLength) {
  dir.write(ArtifactSpec());
  std::string full = manifestFor(ArtifactSpec());
  // Every proper prefix (ignoring trailing whitespace) must fail cleanly.
  size_t end = full.find_last_not_of(" \n");
  for (size_t length = 0; length < end; length += 7) {
    dir.writeManifest(full.substr(0, length));
    std::string error;
    tnx_artifact_t *artifact = openArtifact(dir.path, &error);
    EXPECT_EQ(artifact, nullptr) << "prefix length " << length;
    tnx_artifact_close(artifact);
    EXPECT_THAT(error, HasSubstr("manifest.json: "));
  }
}

TEST_F(ArtifactTest, DeepNestingIsRejected) {
  dir.write(ArtifactSpec());
  dir.writeManifest(std::string(100000, '[') + std::string(100000, ']'));
  EXPECT_THAT(openError(TNX_STATUS_INVALID_ARTIFACT),
              HasSubstr("nesting deeper than 64 levels"));
}

TEST_F(ArtifactTest, WrongFormatVersion) {
  ArtifactSpec spec;
  spec.formatVersion = 2;
  EXPECT_THAT(openError(spec, TNX_STATUS_UNSUPPORTED),
              HasSubstr("manifest.json: has format_version 2, but this "
                        "runtime reads only format_version 1"));
}

TEST_F(ArtifactTest, WrongFormat) {
  dir.write(ArtifactSpec());
  dir.writeManifest(R"({"format": "onnx", "format_version": 1})");
  EXPECT_THAT(openError(TNX_STATUS_INVALID_ARTIFACT),
              HasSubstr("has format \"onnx\", expected \"ternion-artifact\""));
}

TEST_F(ArtifactTest, BadSignatureFields) {
  ArtifactSpec spec;
  spec.functions = R"([{"name": "f", "symbol": "tnx_scale",
      "inputs": [{"name": "x", "dtype": "f33", "shape": [4]}],
      "outputs": []}])";
  EXPECT_THAT(openError(spec, TNX_STATUS_INVALID_ARTIFACT),
              HasSubstr("functions[0].inputs[0] has unknown dtype \"f33\""));
  spec.functions = R"([{"name": "f", "symbol": "tnx_scale",
      "inputs": [{"name": "x", "dtype": "f32", "shape": "4"}],
      "outputs": []}])";
  EXPECT_THAT(openError(spec, TNX_STATUS_INVALID_ARTIFACT),
              HasSubstr("functions[0].inputs[0].shape must be an array, "
                        "not a string"));
  spec.functions = R"([{"name": "f", "symbol": "tnx_scale",
      "inputs": [{"name": "x", "dtype": "f32", "shape": [4, -2]}],
      "outputs": []}])";
  EXPECT_THAT(openError(spec, TNX_STATUS_INVALID_ARTIFACT),
              HasSubstr("not an integer >= -1"));
  spec.functions = R"([{"name": "f", "symbol": "tnx_scale",
      "inputs": [{"name": "x", "dtype": "f32", "shape": [4],
                  "dim_params": ["a", "b"]}], "outputs": []}])";
  EXPECT_THAT(openError(spec, TNX_STATUS_INVALID_ARTIFACT),
              HasSubstr("has 2 dim_params for rank 1"));
  spec.functions = R"([{"name": "f", "symbol": "tnx_scale",
      "outputs": []}])";
  EXPECT_THAT(openError(spec, TNX_STATUS_INVALID_ARTIFACT),
              HasSubstr("functions[0] is missing \"inputs\""));
  spec.functions = "[]";
  EXPECT_THAT(openError(spec, TNX_STATUS_INVALID_ARTIFACT),
              HasSubstr("has no functions"));
}

TEST_F(ArtifactTest, MissingLibrary) {
  dir.write(ArtifactSpec());
  std::remove((dir.path + "/model.so").c_str());
  EXPECT_THAT(openError(TNX_STATUS_IO_ERROR),
              HasSubstr("model.tnx/model.so: cannot open: No such file"));
}

TEST_F(ArtifactTest, LibraryIsNotAnElfFile) {
  dir.write(ArtifactSpec());
  writeBytes(dir.path + "/model.so", "not an ELF file");
  EXPECT_THAT(openError(TNX_STATUS_INVALID_ARTIFACT),
              HasSubstr("model.tnx/model.so: is not a shared library (15 "
                        "bytes, shorter than an ELF header)"));
  writeBytes(dir.path + "/model.so", std::string(64, 'x'));
  EXPECT_THAT(openError(TNX_STATUS_INVALID_ARTIFACT),
              HasSubstr("model.tnx/model.so: is not a shared library (no ELF "
                        "magic)"));
}

// dlopen of a library whose segments run past the end of the file dies of
// SIGBUS; the ELF check refuses it first.
TEST_F(ArtifactTest, LibraryCutShortIsRefusedBeforeLoading) {
  dir.write(ArtifactSpec());
  std::string library = readBytes(TNX_TEST_MODEL_LIB);
  ASSERT_GT(library.size(), 4096u);
  for (size_t size : {size_t(100), size_t(1000), library.size() - 1}) {
    writeBytes(dir.path + "/model.so", library.substr(0, size));
    EXPECT_THAT(openError(TNX_STATUS_INVALID_ARTIFACT),
                HasSubstr("model.tnx/model.so: is truncated: "))
        << size << " bytes";
  }
}

// Links inside an artifact may not lead out of it.
TEST_F(ArtifactTest, FilesMayNotLinkOutside) {
  dir.write(ArtifactSpec());
  writeBytes(dir.root + "/outside.bin", defaultWeights());
  ASSERT_EQ(::unlink((dir.path + "/weights.bin").c_str()), 0);
  ASSERT_EQ(::symlink("../outside.bin", (dir.path + "/weights.bin").c_str()), 0);
  EXPECT_THAT(openError(TNX_STATUS_INVALID_ARTIFACT),
              HasSubstr("model.tnx/weights.bin: is a link to "));
  // A link that stays inside is fine.
  writeBytes(dir.path + "/real.bin", defaultWeights());
  ASSERT_EQ(::unlink((dir.path + "/weights.bin").c_str()), 0);
  ASSERT_EQ(::symlink("real.bin", (dir.path + "/weights.bin").c_str()), 0);
  std::string error;
  tnx_artifact_t *artifact = openArtifact(dir.path, &error);
  EXPECT_NE(artifact, nullptr) << error;
  tnx_artifact_close(artifact);
}

TEST_F(ArtifactTest, MissingSymbol) {
  ArtifactSpec spec;
  spec.functions = R"([{"name": "main", "symbol": "tnx_nope",
      "inputs": [], "outputs": []}])";
  EXPECT_THAT(openError(spec, TNX_STATUS_INVALID_ARTIFACT),
              HasSubstr("model.so: does not export symbol 'tnx_nope' of "
                        "function 'main'"));
}

TEST_F(ArtifactTest, AbiVersionMismatch) {
  ArtifactSpec spec;
  spec.library = TNX_TEST_MODEL_ABI2_LIB;
  EXPECT_THAT(openError(spec, TNX_STATUS_UNSUPPORTED),
              HasSubstr("model.so: has ABI version 2, but this runtime "
                        "supports only 1"));
}

TEST_F(ArtifactTest, ChecksumMismatch) {
  ArtifactSpec spec;
  spec.checksum = "fnv1a64:0123456789abcdef";
  EXPECT_THAT(openError(spec, TNX_STATUS_INVALID_ARTIFACT),
              HasSubstr("weights.bin: checksum mismatch: the manifest says "
                        "fnv1a64:0123456789abcdef but the file has "));
  // The user may opt out of the check.
  std::string error;
  tnx_artifact_t *artifact =
      openArtifact(dir.path, &error, nullptr, /*verify=*/false);
  EXPECT_NE(artifact, nullptr) << error;
  tnx_artifact_close(artifact);
}

TEST_F(ArtifactTest, UnknownChecksumAlgorithm) {
  ArtifactSpec spec;
  spec.checksum = "sha256:00";
  EXPECT_THAT(openError(spec, TNX_STATUS_UNSUPPORTED),
              HasSubstr("unsupported weights checksum \"sha256:00\""));
}

TEST_F(ArtifactTest, TruncatedWeights) {
  ArtifactSpec spec;
  dir.write(spec);
  writeBytes(dir.path + "/weights.bin", spec.weights.substr(0, 10));
  EXPECT_THAT(openError(TNX_STATUS_INVALID_ARTIFACT, /*verify=*/false),
              HasSubstr("weights.bin: is 10 bytes but the manifest says 32 "
                        "(truncated?)"));
}

TEST_F(ArtifactTest, MissingWeights) {
  dir.write(ArtifactSpec());
  std::remove((dir.path + "/weights.bin").c_str());
  EXPECT_THAT(openError(TNX_STATUS_IO_ERROR),
              HasSubstr("weights.bin: cannot open: No such file"));
}

TEST_F(ArtifactTest, PathsMustStayInsideTheArtifact) {
  dir.write(ArtifactSpec());
  std::string manifest = manifestFor(ArtifactSpec());
  size_t at = manifest.find("\"model.so\"");
  manifest.replace(at, 10, "\"../model.so\"");
  dir.writeManifest(manifest);
  EXPECT_THAT(openError(TNX_STATUS_INVALID_ARTIFACT),
              HasSubstr("is not inside the artifact"));
}

TEST_F(ArtifactTest, OptionsStructSizeIsChecked) {
  dir.write(ArtifactSpec());
  tnx_artifact_options_t options;
  tnx_artifact_options_init(&options);
  options.struct_size = 1;
  tnx_artifact_t *artifact = nullptr;
  tnx_status_t status =
      tnx_artifact_open(dir.path.c_str(), &options, &artifact);
  EXPECT_EQ(tnx_status_code(status), TNX_STATUS_INVALID_ARGUMENT);
  tnx_status_free(status);
}

} // namespace
