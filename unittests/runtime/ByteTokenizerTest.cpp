//===- ByteTokenizerTest.cpp - Byte-level tokenizers (tokenizer.json) -----===//
//
// Against test/models/draft-bytes/tokenizer.json (ids 0..255 are UTF-8
// bytes; 256..259 BOS, EOS, padding, unknown), and hand-written files for
// every way a tokenizer.json can be wrong. Expected prompt ids are the
// fixture's reference.json (Python's str.encode("utf-8")).
//
//===----------------------------------------------------------------------===//
#include "TestArtifact.h"
#include "TokenizerHelpers.h"

#include "ternion/llm.h"

#include <memory>
#include <random>

using namespace ternion::test;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

namespace {

const std::string TokenizerPath = TNX_DRAFT_BYTES_DIR "/tokenizer.json";
const char Replacement[] = "\xef\xbf\xbd"; // U+FFFD

class ByteTokenizerTest : public ::testing::Test {
protected:
  void SetUp() override {
    TNX_ASSERT_OK(tnx_tokenizer_open(TokenizerPath.c_str(), &tokenizer));
  }
  void TearDown() override { tnx_tokenizer_release(tokenizer); }

  tnx_tokenizer_t *tokenizer = nullptr;
};

TEST_F(ByteTokenizerTest, VocabularyAndSpecialIds) {
  EXPECT_EQ(tnx_tokenizer_vocab_size(tokenizer), 260u);
  EXPECT_EQ(tnx_tokenizer_bos_id(tokenizer), 256);
  EXPECT_EQ(tnx_tokenizer_eos_id(tokenizer), 257);
  EXPECT_EQ(tnx_tokenizer_add_bos(tokenizer), 0);
  EXPECT_STREQ(tnx_tokenizer_piece(tokenizer, 'A'), "A");
  EXPECT_STREQ(tnx_tokenizer_piece(tokenizer, ' '), "<0x20>");
  EXPECT_STREQ(tnx_tokenizer_piece(tokenizer, '\n'), "<0x0A>");
  EXPECT_STREQ(tnx_tokenizer_piece(tokenizer, 0xC3), "<0xC3>");
  EXPECT_STREQ(tnx_tokenizer_piece(tokenizer, 256), "<bos>");
  EXPECT_STREQ(tnx_tokenizer_piece(tokenizer, 257), "<eos>");
  EXPECT_STREQ(tnx_tokenizer_piece(tokenizer, 258), "<pad>");
  EXPECT_STREQ(tnx_tokenizer_piece(tokenizer, 259), "<unk>");
  EXPECT_STREQ(tnx_tokenizer_piece(tokenizer, 260), "");
  EXPECT_STREQ(tnx_tokenizer_piece(tokenizer, -1), "");
}

TEST_F(ByteTokenizerTest, EncodesUtf8Bytes) {
  // reference.json prompts[2].ids.
  EXPECT_THAT(encodeText(tokenizer, "Blessed are the"),
              ElementsAreArray({66, 108, 101, 115, 115, 101, 100, 32, 97, 114,
                                101, 32, 116, 104, 101}));
  EXPECT_THAT(encodeText(tokenizer, "\xc3\xa9\n\xf0\x9f\x98\x80"),
              ElementsAreArray({0xC3, 0xA9, 10, 0xF0, 0x9F, 0x98, 0x80}));
  EXPECT_THAT(encodeText(tokenizer, ""), ElementsAre());
  EXPECT_THAT(encodeText(tokenizer, "Hi", 1), ElementsAreArray({256, 72, 105}));
  // A NUL is a byte like any other.
  EXPECT_THAT(encodeText(tokenizer, std::string("a\0b", 3)),
              ElementsAreArray({97, 0, 98}));
}

TEST_F(ByteTokenizerTest, DecodeRoundTrips) {
  for (const std::string text :
       {"In the beginning God created", " leading space", "h\xc3\xa9llo",
        "\xe2\x96\x81 \xf0\x9f\x98\x80\n", ""}) {
    EXPECT_EQ(decodeIds(tokenizer, encodeText(tokenizer, text)), text);
    EXPECT_EQ(joinPieces(streamIds(tokenizer, encodeText(tokenizer, text),
                                   /*atStart=*/true)),
              text);
  }
  // Random valid UTF-8: every code point class, surrogates excluded.
  std::mt19937 random(99);
  for (int round = 0; round < 200; ++round) {
    std::string text;
    for (int i = 0; i < 20; ++i) {
      uint32_t cp = random() % 0x110000;
      if (cp >= 0xD800 && cp < 0xE000)
        cp = 'x';
      if (cp < 0x80) {
        text += static_cast<char>(cp);
      } else if (cp < 0x800) {
        text += static_cast<char>(0xC0 | (cp >> 6));
        text += static_cast<char>(0x80 | (cp & 0x3F));
      } else if (cp < 0x10000) {
        text += static_cast<char>(0xE0 | (cp >> 12));
        text += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        text += static_cast<char>(0x80 | (cp & 0x3F));
      } else {
        text += static_cast<char>(0xF0 | (cp >> 18));
        text += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        text += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        text += static_cast<char>(0x80 | (cp & 0x3F));
      }
    }
    ASSERT_EQ(decodeIds(tokenizer, encodeText(tokenizer, text)), text)
        << "round " << round;
  }
}

TEST_F(ByteTokenizerTest, SpecialIdsDecodeToNothing) {
  EXPECT_EQ(decodeIds(tokenizer, {256, 72, 105, 258, 259, 257}), "Hi");
  EXPECT_THAT(streamIds(tokenizer, {256, 72, 105, 258, 259, 257},
                        /*atStart=*/true),
              ElementsAre("", "H", "i", "", "", "", ""));
}

TEST_F(ByteTokenizerTest, KeepsTheLeadingSpace) {
  // No dummy prefix: the bytes are the text, at the start too.
  EXPECT_EQ(decodeIds(tokenizer, {32, 65}), " A");
  EXPECT_THAT(streamIds(tokenizer, {32, 65}, /*atStart=*/true),
              ElementsAre(" ", "A", ""));
}

TEST_F(ByteTokenizerTest, StreamHoldsBackSplitCharacters) {
  // "é" (C3 A9) and "😀" (F0 9F 98 80), one byte per token.
  EXPECT_THAT(
      streamIds(tokenizer, {'h', 0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80},
                /*atStart=*/true),
      ElementsAre("h", "", "\xc3\xa9", "", "", "", "\xf0\x9f\x98\x80", ""));
  // Cut short for good: one U+FFFD per byte, as decoding gives.
  std::string twice = std::string(Replacement) + Replacement;
  EXPECT_THAT(streamIds(tokenizer, {'a', 0xF0, 0x9F}, /*atStart=*/true),
              ElementsAre("a", "", "", twice));
  EXPECT_EQ(decodeIds(tokenizer, {'a', 0xF0, 0x9F}), "a" + twice);
  // A special id ends the character too.
  EXPECT_THAT(streamIds(tokenizer, {0xC3, 257, 0xA9}, /*atStart=*/true),
              ElementsAre("", Replacement, Replacement, ""));
  EXPECT_EQ(decodeIds(tokenizer, {0xC3, 257, 0xA9}), twice);
  // Bytes that start no character.
  EXPECT_EQ(decodeIds(tokenizer, {0xFF, 'A', 0x80}),
            Replacement + std::string("A") + Replacement);
}

// Random ids rich in UTF-8 lead and continuation bytes and specials: the
// stream must give exactly what decoding all at once gives.
TEST_F(ByteTokenizerTest, StreamMatchesWholeDecodingOnRandomTokens) {
  std::mt19937 random(4321);
  for (int round = 0; round < 3000; ++round) {
    std::vector<int32_t> ids(1 + random() % 12);
    for (int32_t &id : ids) {
      switch (random() % 3) {
      case 0:
        id = static_cast<int32_t>(0x80 + random() % 0x78);
        break;
      case 1:
        id = static_cast<int32_t>(256 + random() % 4);
        break;
      default:
        id = static_cast<int32_t>(random() % 256);
      }
    }
    ASSERT_EQ(joinPieces(streamIds(tokenizer, ids, /*atStart=*/true)),
              decodeIds(tokenizer, ids))
        << "round " << round;
  }
}

TEST_F(ByteTokenizerTest, RejectsIdsOutOfRange) {
  int32_t ids[] = {65, 260};
  char *text = nullptr;
  EXPECT_THAT(errorOf(tnx_tokenizer_decode(tokenizer, ids, 2, &text, nullptr),
                      TNX_STATUS_INVALID_ARGUMENT),
              HasSubstr("token 260 (at 1) is out of range for a vocabulary "
                        "of 260"));
}

/// Writes `contents` to a file `name` in a temporary directory and opens it
/// as a tokenizer; returns the error message, expecting `code`.
class ByteTokenizerFileTest : public ::testing::Test {
protected:
  std::string openError(const std::string &name, const std::string &contents,
                        tnx_status_code_t code) {
    std::string path = dir.root + "/" + name;
    writeBytes(path, contents);
    tnx_tokenizer_t *tokenizer = nullptr;
    std::string message =
        errorOf(tnx_tokenizer_open(path.c_str(), &tokenizer), code);
    EXPECT_EQ(tokenizer, nullptr);
    EXPECT_THAT(message, HasSubstr(path + ": "));
    return message;
  }

  TempArtifact dir;
};

TEST_F(ByteTokenizerFileTest, ReportsBadJson) {
  EXPECT_THAT(
      openError("a.json", "{\"type\": \"bytes\",", TNX_STATUS_INVALID_ARGUMENT),
      HasSubstr("is not valid JSON: line 1"));
  EXPECT_THAT(openError("b.json", "", TNX_STATUS_INVALID_ARGUMENT),
              HasSubstr("is not valid JSON"));
  EXPECT_THAT(openError("c.json", "[256]", TNX_STATUS_INVALID_ARGUMENT),
              HasSubstr("must be a JSON object, not an array"));
  EXPECT_THAT(openError("d.json", R"({"vocab_size": 260})",
                        TNX_STATUS_INVALID_ARGUMENT),
              HasSubstr("has no \"type\" string"));
  EXPECT_THAT(openError("e.json", R"({"type": "bpe", "vocab_size": 260})",
                        TNX_STATUS_UNSUPPORTED),
              HasSubstr("tokenizer type \"bpe\" is not supported"));
}

TEST_F(ByteTokenizerFileTest, ReportsBadMembers) {
  EXPECT_THAT(
      openError("a.json", R"({"type": "bytes"})", TNX_STATUS_INVALID_ARGUMENT),
      HasSubstr("is missing \"vocab_size\""));
  for (const char *size : {"100", "255", "260.5", "\"260\"", "2000000000"})
    EXPECT_THAT(openError("b.json",
                          std::string(R"({"type": "bytes", "vocab_size": )") +
                              size + "}",
                          TNX_STATUS_INVALID_ARGUMENT),
                HasSubstr("\"vocab_size\" must be an integer from 256 to "
                          "1048576"))
        << size;
  EXPECT_THAT(
      openError("c.json",
                R"({"type": "bytes", "vocab_size": 260, "bos_id": 10})",
                TNX_STATUS_INVALID_ARGUMENT),
      HasSubstr("\"bos_id\" is 10, but special ids are from 256 to 259"));
  EXPECT_THAT(
      openError("d.json",
                R"({"type": "bytes", "vocab_size": 260, "eos_id": 260})",
                TNX_STATUS_INVALID_ARGUMENT),
      HasSubstr("\"eos_id\" is 260, but special ids are from 256 to 259"));
  EXPECT_THAT(
      openError("e.json",
                R"({"type": "bytes", "vocab_size": 260, "unk_id": "x"})",
                TNX_STATUS_INVALID_ARGUMENT),
      HasSubstr("\"unk_id\" must be an integer, not a string"));
  EXPECT_THAT(openError("f.json",
                        R"({"type": "bytes", "vocab_size": 260, "add_bos": 1})",
                        TNX_STATUS_INVALID_ARGUMENT),
              HasSubstr("\"add_bos\" must be true or false"));
}

TEST_F(ByteTokenizerFileTest, MissingFileIsAnIoError) {
  tnx_tokenizer_t *tokenizer = nullptr;
  EXPECT_THAT(
      errorOf(tnx_tokenizer_open("/nonexistent/tokenizer.json", &tokenizer),
              TNX_STATUS_IO_ERROR),
      HasSubstr("/nonexistent/tokenizer.json: cannot open"));
}

TEST_F(ByteTokenizerFileTest, KindComesFromTheContent) {
  // Not named .json, but JSON: a byte tokenizer. Special ids are optional.
  std::string path = dir.root + "/tokenizer.model";
  writeBytes(path, "  \n{\"type\": \"bytes\", \"vocab_size\": 256}");
  tnx_tokenizer_t *tokenizer = nullptr;
  TNX_ASSERT_OK(tnx_tokenizer_open(path.c_str(), &tokenizer));
  EXPECT_EQ(tnx_tokenizer_vocab_size(tokenizer), 256u);
  EXPECT_EQ(tnx_tokenizer_bos_id(tokenizer), -1);
  EXPECT_EQ(tnx_tokenizer_eos_id(tokenizer), -1);
  tnx_tokenizer_release(tokenizer);
}

/// Artifacts whose manifest names a byte tokenizer, with the fixture's
/// tokenizer.json copied in (or `json` instead).
class ArtifactByteTokenizerTest : public ::testing::Test {
protected:
  tnx_artifact_t *open(const std::string &section, std::string *error,
                       const std::string &json = readBytes(TokenizerPath)) {
    ArtifactSpec spec;
    spec.modelKind = "llm";
    spec.extra = ",\n  \"tokenizer\": " + section;
    dirs.push_back(std::make_unique<TempArtifact>());
    TempArtifact &dir = *dirs.back();
    dir.write(spec);
    writeBytes(dir.path + "/tokenizer.json", json);
    return openArtifact(dir.path, error);
  }

  std::vector<std::unique_ptr<TempArtifact>> dirs;
};

TEST_F(ArtifactByteTokenizerTest, ManifestChoosesTheKindAndOverridesIds) {
  std::string error;
  tnx_artifact_t *artifact =
      open(R"({"file": "tokenizer.json", "type": "bytes", "eos_id": 10,
               "add_bos": true})",
           &error);
  ASSERT_NE(artifact, nullptr) << error;
  tnx_tokenizer_t *tokenizer = nullptr;
  TNX_ASSERT_OK(tnx_artifact_tokenizer(artifact, &tokenizer));
  EXPECT_EQ(tnx_tokenizer_vocab_size(tokenizer), 260u);
  EXPECT_EQ(tnx_tokenizer_bos_id(tokenizer), 256);
  EXPECT_EQ(tnx_tokenizer_eos_id(tokenizer), 10);
  EXPECT_THAT(encodeText(tokenizer, "Hi"), ElementsAreArray({256, 72, 105}));
  tnx_tokenizer_release(tokenizer);
  tnx_artifact_close(artifact);
}

TEST_F(ArtifactByteTokenizerTest, Errors) {
  std::string error;
  tnx_tokenizer_t *tokenizer = nullptr;
  // The manifest and the file disagree on the kind.
  tnx_artifact_t *artifact =
      open(R"({"file": "tokenizer.json", "type": "bytes"})", &error,
           R"({"type": "wordpiece", "vocab_size": 300})");
  ASSERT_NE(artifact, nullptr) << error;
  EXPECT_THAT(errorOf(tnx_artifact_tokenizer(artifact, &tokenizer),
                      TNX_STATUS_INVALID_ARTIFACT),
              HasSubstr("model.tnx/tokenizer.json: is a tokenizer of type "
                        "\"wordpiece\", but the manifest says \"bytes\""));
  tnx_artifact_close(artifact);

  artifact = open(R"({"file": "tokenizer.json", "type": "bytes",
                      "bos_id": 260})",
                  &error);
  ASSERT_NE(artifact, nullptr) << error;
  EXPECT_THAT(errorOf(tnx_artifact_tokenizer(artifact, &tokenizer),
                      TNX_STATUS_INVALID_ARTIFACT),
              HasSubstr("bos_id/eos_id is out of range for a vocabulary of "
                        "260"));
  tnx_artifact_close(artifact);

  artifact = open(R"({"file": "missing.json", "type": "bytes"})", &error);
  ASSERT_NE(artifact, nullptr) << error;
  EXPECT_THAT(errorOf(tnx_artifact_tokenizer(artifact, &tokenizer),
                      TNX_STATUS_IO_ERROR),
              HasSubstr("model.tnx/missing.json: cannot open"));
  tnx_artifact_close(artifact);
  EXPECT_EQ(tokenizer, nullptr);
}

} // namespace
