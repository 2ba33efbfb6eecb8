//===- TokenizerTest.cpp - SentencePiece tokenizer and text streams -------===//
//
// Against test/models/llama/tokenizer.model (BPE, byte fallback, vocabulary
// 2048). Expected ids were computed independently with Python's
// sentencepiece (and match reference.json); streaming decoding is checked
// against SentencePiece's own whole-sequence decoding.
//
//===----------------------------------------------------------------------===//
#include "TestArtifact.h"
#include "TokenizerHelpers.h"

#include "ternion/llm.h"

#include <memory>
#include <random>

using namespace ternion::test;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

namespace {

const std::string TokenizerPath = TNX_LLAMA_DIR "/tokenizer.model";

class TokenizerTest : public ::testing::Test {
protected:
  void SetUp() override {
    TNX_ASSERT_OK(tnx_tokenizer_open(TokenizerPath.c_str(), &tokenizer));
  }
  void TearDown() override { tnx_tokenizer_release(tokenizer); }

  std::vector<int32_t> encode(const std::string &text, int addBos = -1) {
    return encodeText(tokenizer, text, addBos);
  }
  std::string decode(const std::vector<int32_t> &ids) {
    return decodeIds(tokenizer, ids);
  }
  std::vector<std::string> stream(const std::vector<int32_t> &ids,
                                  bool atStart) {
    return streamIds(tokenizer, ids, atStart);
  }
  static std::string join(const std::vector<std::string> &pieces) {
    return joinPieces(pieces);
  }

  tnx_tokenizer_t *tokenizer = nullptr;
};

TEST_F(TokenizerTest, SpecialIds) {
  EXPECT_EQ(tnx_tokenizer_vocab_size(tokenizer), 2048u);
  EXPECT_EQ(tnx_tokenizer_bos_id(tokenizer), 1);
  EXPECT_EQ(tnx_tokenizer_eos_id(tokenizer), 2);
  EXPECT_EQ(tnx_tokenizer_add_bos(tokenizer), 0);
  EXPECT_STREQ(tnx_tokenizer_piece(tokenizer, 1), "<s>");
  EXPECT_STREQ(tnx_tokenizer_piece(tokenizer, 262), "\xe2\x96\x81the");
  EXPECT_STREQ(tnx_tokenizer_piece(tokenizer, 199), "<0xC3>");
  EXPECT_STREQ(tnx_tokenizer_piece(tokenizer, 2048), "");
  EXPECT_STREQ(tnx_tokenizer_piece(tokenizer, -1), "");
}

TEST_F(TokenizerTest, EncodesLikePythonSentencePiece) {
  // reference.json prompts[*].ids.
  EXPECT_THAT(encode("In the beginning God created"),
              ElementsAreArray({1046, 262, 1793, 1233, 392, 283, 564, 286}));
  EXPECT_THAT(
      encode("And the LORD spake unto Moses, saying,"),
      ElementsAreArray({301, 262, 346, 829, 326, 714, 2001, 549, 2001}));
  EXPECT_THAT(encode("Blessed are the"), ElementsAreArray({1929, 426, 262}));
  EXPECT_THAT(encode("Jesus answered and said unto them,"),
              ElementsAreArray({635, 885, 271, 395, 326, 342, 2001}));
  // Byte fallback for characters outside the vocabulary; "\n" is a
  // user-defined piece.
  EXPECT_THAT(encode("h\xc3\xa9llo \xf0\x9f\x98\x80 x\n y"),
              ElementsAreArray({266, 199, 173, 279, 1991, 1986, 244, 163, 156,
                                132, 1986, 2036, 3, 311}));
  EXPECT_THAT(encode(""), ElementsAreArray(std::vector<int32_t>{}));
}

TEST_F(TokenizerTest, BosFollowsTheArgumentOrTheDefault) {
  EXPECT_THAT(encode("Blessed are the", 1),
              ElementsAreArray({1, 1929, 426, 262}));
  EXPECT_THAT(encode("Blessed are the", 0), ElementsAreArray({1929, 426, 262}));
  EXPECT_THAT(encode("", 1), ElementsAreArray({1}));
}

TEST_F(TokenizerTest, DecodesLikePythonSentencePiece) {
  EXPECT_EQ(decode({1046, 262, 1793, 1233, 392, 283, 564, 286}),
            "In the beginning God created");
  // reference.json prompts[1].greedy_ids[:12], decoded by Python.
  EXPECT_EQ(decode({3, 301, 262, 346, 395, 326, 714, 2001, 300, 399, 713, 262}),
            "\n And the LORD said unto Moses, I will bring the");
  EXPECT_EQ(decode({1, 262, 2}), "the");
  EXPECT_EQ(decode({0}), " \xe2\x81\x87 ");
  // An unfinished character: one U+FFFD per byte.
  EXPECT_EQ(decode({244, 163, 156}), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  std::string text = "h\xc3\xa9llo \xf0\x9f\x98\x80 x\n y";
  EXPECT_EQ(decode(encode(text)), text);
}

TEST_F(TokenizerTest, StreamHoldsBackSplitCharacters) {
  EXPECT_THAT(stream({266, 199, 173, 279, 1991, 1986, 244, 163, 156, 132},
                     /*atStart=*/true),
              ElementsAreArray({"h", "", "\xc3\xa9", "ll", "o", " ", "", "", "",
                                "\xf0\x9f\x98\x80", ""}));
  // Flushing ends an unfinished character the way decoding does.
  EXPECT_THAT(stream({262, 244, 163}, /*atStart=*/true),
              ElementsAreArray({"the", "", "", "\xef\xbf\xbd\xef\xbf\xbd"}));
}

TEST_F(TokenizerTest, StreamDropsOnlyTheLeadingSpaceOfTheText) {
  EXPECT_THAT(stream({262, 262}, /*atStart=*/true),
              ElementsAreArray({"the", " the", ""}));
  // A continuation keeps it: generated " the" after a prompt.
  EXPECT_THAT(stream({262, 262}, /*atStart=*/false),
              ElementsAreArray({" the", " the", ""}));
  // Control tokens produce nothing and do not end the leading position.
  EXPECT_THAT(stream({1, 262, 2}, /*atStart=*/true),
              ElementsAreArray({"", "the", "", ""}));
}

TEST_F(TokenizerTest, ContinuationMatchesDecodingPromptAndOutput) {
  std::vector<int32_t> prompt = {301, 262, 346, 829, 326, 714, 2001, 549, 2001};
  std::vector<int32_t> generated = {3,   301,  262, 346, 395, 326,
                                    714, 2001, 300, 399, 713, 262};
  std::vector<int32_t> all = prompt;
  all.insert(all.end(), generated.begin(), generated.end());
  EXPECT_EQ(decode(prompt) + join(stream(generated, /*atStart=*/false)),
            decode(all));
}

// Random sequences rich in byte pieces, "▁", control and unknown tokens:
// the stream must produce exactly what SentencePiece decodes at once.
TEST_F(TokenizerTest, StreamMatchesWholeDecodingOnRandomTokens) {
  std::mt19937 random(1234);
  std::vector<int32_t> special = {0, 1, 2, 3, 1986, 262, 2001};
  for (int round = 0; round < 3000; ++round) {
    std::vector<int32_t> ids(1 + random() % 12);
    for (int32_t &id : ids) {
      switch (random() % 4) {
      case 0: // A byte piece: <0x00> is id 4.
        id = 4 + static_cast<int32_t>(random() % 256);
        break;
      case 1: // Lead and continuation bytes of multi-byte characters.
        id = 4 + 0x80 + static_cast<int32_t>(random() % 0x78);
        break;
      case 2:
        id = special[random() % special.size()];
        break;
      default:
        id = static_cast<int32_t>(random() % 2048);
      }
    }
    ASSERT_EQ(join(stream(ids, /*atStart=*/true)), decode(ids))
        << "round " << round;
  }
}

TEST_F(TokenizerTest, RejectsIdsOutOfRange) {
  int32_t ids[] = {5, 2048};
  char *text = nullptr;
  EXPECT_THAT(errorOf(tnx_tokenizer_decode(tokenizer, ids, 2, &text, nullptr),
                      TNX_STATUS_INVALID_ARGUMENT),
              HasSubstr("token 2048 (at 1) is out of range for a vocabulary "
                        "of 2048"));
  tnx_text_stream_t *textStream = nullptr;
  TNX_ASSERT_OK(tnx_text_stream_create(tokenizer, 1, &textStream));
  const char *piece = nullptr;
  EXPECT_THAT(errorOf(tnx_text_stream_put(textStream, -3, &piece, nullptr),
                      TNX_STATUS_INVALID_ARGUMENT),
              HasSubstr("token -3 is out of range"));
  tnx_text_stream_release(textStream);
}

TEST(TokenizerOpenTest, ReportsMissingAndCorruptFiles) {
  tnx_tokenizer_t *tokenizer = nullptr;
  EXPECT_THAT(
      errorOf(tnx_tokenizer_open("/nonexistent/tokenizer.model", &tokenizer),
              TNX_STATUS_IO_ERROR),
      HasSubstr("/nonexistent/tokenizer.model: cannot load the "
                "SentencePiece model"));
  TempArtifact dir;
  std::string garbage = dir.root + "/garbage.model";
  writeBytes(garbage, "this is not a protobuf \xff\xff\xff");
  EXPECT_THAT(errorOf(tnx_tokenizer_open(garbage.c_str(), &tokenizer),
                      TNX_STATUS_INVALID_ARGUMENT),
              HasSubstr("garbage.model: cannot load the SentencePiece model"));
  EXPECT_EQ(tokenizer, nullptr);
}

TEST(TokenizerOpenTest, StreamKeepsTheTokenizerAlive) {
  tnx_tokenizer_t *tokenizer = nullptr;
  TNX_ASSERT_OK(tnx_tokenizer_open(TokenizerPath.c_str(), &tokenizer));
  tnx_text_stream_t *textStream = nullptr;
  TNX_ASSERT_OK(tnx_text_stream_create(tokenizer, 1, &textStream));
  tnx_tokenizer_release(tokenizer);
  const char *text = nullptr;
  TNX_ASSERT_OK(tnx_text_stream_put(textStream, 262, &text, nullptr));
  EXPECT_STREQ(text, "the");
  tnx_text_stream_release(textStream);
}

/// An artifact whose manifest has `tokenizer` as its tokenizer section,
/// with the llama tokenizer.model copied in. Each goes to a new directory:
/// rewriting a model.so that was loaded before can crash the loader.
class ArtifactTokenizerTest : public ::testing::Test {
protected:
  tnx_artifact_t *open(const std::string &section, std::string *error) {
    ArtifactSpec spec;
    spec.modelKind = "llm";
    spec.extra = section.empty() ? "" : ",\n  \"tokenizer\": " + section;
    dirs.push_back(std::make_unique<TempArtifact>());
    TempArtifact &dir = *dirs.back();
    dir.write(spec);
    writeBytes(dir.path + "/tokenizer.model", readBytes(TokenizerPath));
    return openArtifact(dir.path, error);
  }

  std::vector<std::unique_ptr<TempArtifact>> dirs;
};

TEST_F(ArtifactTokenizerTest, ManifestOverridesIdsAndBos) {
  std::string error;
  tnx_artifact_t *artifact =
      open(R"({"file": "tokenizer.model", "type": "sentencepiece",
               "bos_id": 1, "eos_id": 3, "add_bos": true})",
           &error);
  ASSERT_NE(artifact, nullptr) << error;
  tnx_tokenizer_t *tokenizer = nullptr;
  TNX_ASSERT_OK(tnx_artifact_tokenizer(artifact, &tokenizer));
  EXPECT_EQ(tnx_tokenizer_eos_id(tokenizer), 3);
  EXPECT_EQ(tnx_tokenizer_add_bos(tokenizer), 1);
  int32_t *ids = nullptr;
  size_t count = 0;
  TNX_ASSERT_OK(tnx_tokenizer_encode(tokenizer, "the", 3, -1, &ids, &count));
  ASSERT_EQ(count, 2u);
  EXPECT_EQ(ids[0], 1);
  EXPECT_EQ(ids[1], 262);
  tnx_free(ids);
  tnx_tokenizer_release(tokenizer);
  tnx_artifact_close(artifact);
}

TEST_F(ArtifactTokenizerTest, Errors) {
  std::string error;
  tnx_tokenizer_t *tokenizer = nullptr;
  tnx_artifact_t *artifact = open("", &error);
  ASSERT_NE(artifact, nullptr) << error;
  EXPECT_THAT(errorOf(tnx_artifact_tokenizer(artifact, &tokenizer),
                      TNX_STATUS_NOT_FOUND),
              HasSubstr("manifest.json: has no \"tokenizer\" section"));
  tnx_artifact_close(artifact);

  artifact = open(R"({"file": "tokenizer.json", "type": "bpe"})", &error);
  ASSERT_NE(artifact, nullptr) << error;
  EXPECT_THAT(errorOf(tnx_artifact_tokenizer(artifact, &tokenizer),
                      TNX_STATUS_UNSUPPORTED),
              HasSubstr("tokenizer type \"bpe\" is not supported"));
  tnx_artifact_close(artifact);

  artifact =
      open(R"({"file": "missing.model", "type": "sentencepiece"})", &error);
  ASSERT_NE(artifact, nullptr) << error;
  EXPECT_THAT(errorOf(tnx_artifact_tokenizer(artifact, &tokenizer),
                      TNX_STATUS_IO_ERROR),
              HasSubstr("model.tnx/missing.model: cannot open: No such file"));
  tnx_artifact_close(artifact);

  artifact = open(R"({"file": "tokenizer.model", "type": "sentencepiece",
                      "eos_id": 5000})",
                  &error);
  ASSERT_NE(artifact, nullptr) << error;
  EXPECT_THAT(errorOf(tnx_artifact_tokenizer(artifact, &tokenizer),
                      TNX_STATUS_INVALID_ARTIFACT),
              HasSubstr("bos_id/eos_id is out of range"));
  tnx_artifact_close(artifact);

  // Checked when the artifact opens.
  EXPECT_EQ(open(R"({"file": "../tokenizer.model", "type": "sentencepiece"})",
                 &error),
            nullptr);
  EXPECT_THAT(error, HasSubstr("tokenizer file \"../tokenizer.model\" is not "
                               "a relative path inside the artifact"));
  EXPECT_EQ(open(R"({"file": "tokenizer.model", "type": "sentencepiece",
                     "add_bos": 1})",
                 &error),
            nullptr);
  EXPECT_THAT(error, HasSubstr("tokenizer has \"add_bos\" that is not true or "
                               "false"));
}

} // namespace
