//===- TokenizerHelpers.h - Calls on tokenizers for the tests ---*- C++ -*-===//
//
// The tokenizer and text-stream C API wrapped into value-returning calls, so
// that the tests of each tokenizer kind compare ids and text directly.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_UNITTESTS_RUNTIME_TOKENIZERHELPERS_H
#define TERNION_UNITTESTS_RUNTIME_TOKENIZERHELPERS_H

#include "TestArtifact.h"

#include "ternion/llm.h"

#include <string>
#include <vector>

namespace ternion::test {

inline std::vector<int32_t> encodeText(const tnx_tokenizer_t *tokenizer,
                                       const std::string &text,
                                       int addBos = -1) {
  int32_t *ids = nullptr;
  size_t count = 0;
  tnx_status_t status = tnx_tokenizer_encode(tokenizer, text.data(),
                                             text.size(), addBos, &ids, &count);
  EXPECT_EQ(status, nullptr) << tnx_status_message(status);
  tnx_status_free(status);
  std::vector<int32_t> result(ids, ids + count);
  tnx_free(ids);
  return result;
}

inline std::string decodeIds(const tnx_tokenizer_t *tokenizer,
                             const std::vector<int32_t> &ids) {
  char *text = nullptr;
  size_t length = 0;
  tnx_status_t status =
      tnx_tokenizer_decode(tokenizer, ids.data(), ids.size(), &text, &length);
  EXPECT_EQ(status, nullptr) << tnx_status_message(status);
  tnx_status_free(status);
  std::string result(text ? text : "", length);
  tnx_free(text);
  return result;
}

/// Streams `ids` and returns every piece, the flushed rest last.
inline std::vector<std::string> streamIds(tnx_tokenizer_t *tokenizer,
                                          const std::vector<int32_t> &ids,
                                          bool atStart) {
  tnx_text_stream_t *textStream = nullptr;
  std::vector<std::string> pieces;
  tnx_status_t status = tnx_text_stream_create(tokenizer, atStart, &textStream);
  EXPECT_EQ(status, nullptr);
  tnx_status_free(status);
  if (!textStream)
    return pieces;
  for (int32_t id : ids) {
    const char *text = nullptr;
    size_t length = 0;
    status = tnx_text_stream_put(textStream, id, &text, &length);
    EXPECT_EQ(status, nullptr) << tnx_status_message(status);
    tnx_status_free(status);
    EXPECT_EQ(text[length], '\0');
    pieces.emplace_back(text, length);
  }
  const char *text = nullptr;
  size_t length = 0;
  status = tnx_text_stream_flush(textStream, &text, &length);
  EXPECT_EQ(status, nullptr);
  tnx_status_free(status);
  pieces.emplace_back(text, length);
  tnx_text_stream_release(textStream);
  return pieces;
}

inline std::string joinPieces(const std::vector<std::string> &pieces) {
  std::string text;
  for (const std::string &piece : pieces)
    text += piece;
  return text;
}

} // namespace ternion::test

#endif // TERNION_UNITTESTS_RUNTIME_TOKENIZERHELPERS_H
