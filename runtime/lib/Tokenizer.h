//===- Tokenizer.h - SentencePiece tokenizers -------------------*- C++ -*-===//
//
// Wraps sentencepiece::SentencePieceProcessor behind the C API and keeps,
// per token, what streaming decoding needs (its kind and surface text), so
// that decoding one token never goes back into SentencePiece.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_RUNTIME_LIB_TOKENIZER_H
#define TERNION_RUNTIME_LIB_TOKENIZER_H

#include "ternion/llm.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace sentencepiece {
class SentencePieceProcessor;
} // namespace sentencepiece

namespace ternion::runtime {

enum class PieceKind : uint8_t {
  /// A word piece; "▁" already replaced by ' ' in its surface.
  Normal,
  /// BOS, EOS and other control tokens: no text.
  Control,
  /// <unk>: SentencePiece's unknown surface (" ⁇ " by default).
  Unknown,
  /// <0xXX> byte-fallback pieces.
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

struct tnx_tokenizer {
  std::atomic<int> refCount{1};
  std::unique_ptr<sentencepiece::SentencePieceProcessor> processor;
  std::vector<ternion::runtime::Piece> pieces;
  int32_t bosId = -1;
  int32_t eosId = -1;
  bool addBos = false;
  /// Whether decoding drops the space that starts the text (SentencePiece
  /// does when the model adds a dummy prefix while encoding).
  bool dropsLeadingSpace = true;

  ~tnx_tokenizer();
};

namespace ternion::runtime {
void retainTokenizer(tnx_tokenizer *tokenizer);
} // namespace ternion::runtime

#endif // TERNION_RUNTIME_LIB_TOKENIZER_H
