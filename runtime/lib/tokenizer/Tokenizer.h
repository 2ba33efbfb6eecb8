//===- Tokenizer.h - The tokenizer interface --------------------*- C++ -*-===//
//
// tnx_tokenizer is an interface with one implementation per kind of
// tokenizer an artifact can ship (the manifest's tokenizer "type"):
//  - "sentencepiece": SentencePieceTokenizer.cpp, a SentencePiece model;
//  - "bytes": ByteTokenizer.cpp, a tokenizer.json whose ids 0..255 are
//    UTF-8 bytes and whose ids above are special tokens.
// Encoding and whole-sequence decoding are the kind's own. Streaming
// decoding (TextStream.cpp) is shared: each kind describes every id as a
// Piece (text, a byte of UTF-8, or nothing) and the stream joins them, so a
// new kind needs no streaming code of its own.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_RUNTIME_LIB_TOKENIZER_TOKENIZER_H
#define TERNION_RUNTIME_LIB_TOKENIZER_TOKENIZER_H

#include "ternion/llm.h"

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ternion::runtime {

namespace json {
class Value;
} // namespace json

enum class PieceKind : uint8_t {
  /// A word piece; "▁" already replaced by ' ' in its surface.
  Normal,
  /// BOS, EOS and other control tokens: no text.
  Control,
  /// <unk>: SentencePiece's unknown surface (" ⁇ " by default).
  Unknown,
  /// One byte of UTF-8: SentencePiece's <0xXX> byte-fallback pieces, and
  /// every id below 256 of a byte tokenizer.
  Byte,
};

struct Piece {
  PieceKind kind = PieceKind::Normal;
  /// The byte of a Byte piece.
  uint8_t byte = 0;
  std::string surface;
};

/// Appends the text of `bytes` to `out` the way SentencePiece decodes byte
/// pieces: each valid UTF-8 character as is, each byte that does not start
/// one as U+FFFD. Unless `final`, stops before a character that more bytes
/// could still complete and leaves it in `bytes`.
void appendUtf8Bytes(std::string &bytes, std::string &out, bool final);

} // namespace ternion::runtime

/// The interface every tokenizer kind implements. The C API (Tokenizer.cpp)
/// checks arguments and token ranges and adds BOS before calling in, so the
/// implementations only see valid input.
struct tnx_tokenizer {
  std::atomic<int> refCount{1};
  /// How each id decodes when streamed; one entry per id of the vocabulary.
  std::vector<ternion::runtime::Piece> pieces;
  int32_t bosId = -1;
  int32_t eosId = -1;
  bool addBos = false;
  /// Whether decoding drops the space that starts the text (SentencePiece
  /// does when the model adds a dummy prefix while encoding).
  bool dropsLeadingSpace = false;

  tnx_tokenizer() = default;
  tnx_tokenizer(const tnx_tokenizer &) = delete;
  tnx_tokenizer &operator=(const tnx_tokenizer &) = delete;
  virtual ~tnx_tokenizer();

  /// The token as the model stores it (tnx_tokenizer_piece); `id` is in
  /// range. The string lives as long as the tokenizer.
  virtual const std::string &pieceText(int32_t id) const = 0;
  /// Appends the ids of `text` (without BOS) to `ids`.
  virtual tnx_status_t encode(std::string_view text,
                              std::vector<int32_t> &ids) const = 0;
  /// The text of `ids`, all in range.
  virtual tnx_status_t decode(const std::vector<int32_t> &ids,
                              std::string &text) const = 0;
};

namespace ternion::runtime {

void retainTokenizer(tnx_tokenizer *tokenizer);

/// Loads a SentencePiece model file. Errors name `path`.
tnx_status_t openSentencePieceTokenizer(const std::string &path,
                                        std::unique_ptr<tnx_tokenizer> &out);

/// Builds a byte tokenizer from the parsed tokenizer.json at `path` (whose
/// "type" the caller has checked is "bytes"). Errors name `path` and the
/// member at fault.
tnx_status_t createByteTokenizer(const std::string &path,
                                 const json::Value &document,
                                 std::unique_ptr<tnx_tokenizer> &out);

} // namespace ternion::runtime

#endif // TERNION_RUNTIME_LIB_TOKENIZER_TOKENIZER_H
