//===- ByteTokenizer.cpp - Byte-level tokenizers (tokenizer.json) ---------===//
//
// A byte tokenizer has no model to load: token id = UTF-8 byte value for
// ids 0..255, and ids from 256 up to vocab_size are special tokens (BOS,
// EOS, padding, ...). tokenizer.json only says how large the vocabulary is
// and which special ids play which role:
//
//   {"type": "bytes", "vocab_size": 260, "bos_id": 256, "eos_id": 257,
//    "pad_id": 258, "unk_id": 259, "add_bos": false}
//
// Every member but type and vocab_size is optional; other members (a
// description) are ignored.
//
// Encoding is the text's bytes. Decoding joins the bytes and drops special
// ids; like SentencePiece's byte pieces, a byte that starts no valid UTF-8
// character becomes U+FFFD. Streaming (TextStream.cpp, which holds a
// character back until all its bytes have come) gives the same text.
//
//===----------------------------------------------------------------------===//
#include "core/Json.h"
#include "core/Status.h"
#include "tokenizer/Tokenizer.h"

#include "ternion/abi.h"

#include <cstdio>

using namespace ternion::runtime;

namespace {

/// Bytes are ids 0..255; specials come after them.
constexpr int64_t ByteCount = TNX_BYTE_TOKENIZER_BYTES;
/// Only there so a hostile file cannot make the runtime allocate a table of
/// billions of pieces.
constexpr int64_t MaxVocabSize = TNX_BYTE_TOKENIZER_MAX_VOCAB;

class ByteTokenizer final : public tnx_tokenizer {
public:
  tnx_status_t load(const std::string &path, const json::Value &document);

  const std::string &pieceText(int32_t id) const override {
    return names[static_cast<size_t>(id)];
  }

  tnx_status_t encode(std::string_view text,
                      std::vector<int32_t> &ids) const override {
    for (char c : text)
      ids.push_back(static_cast<uint8_t>(c));
    return nullptr;
  }

  tnx_status_t decode(const std::vector<int32_t> &ids,
                      std::string &text) const override {
    std::string bytes;
    for (int32_t id : ids) {
      if (id < ByteCount) {
        bytes += static_cast<char>(id);
        continue;
      }
      // A special id ends a run of bytes, as a control piece ends one in
      // SentencePiece (and in a text stream): a character cut by it is
      // not completed by the bytes after it.
      appendUtf8Bytes(bytes, text, /*final=*/true);
    }
    appendUtf8Bytes(bytes, text, /*final=*/true);
    return nullptr;
  }

private:
  /// tnx_tokenizer_piece of each id: printable ASCII as itself, other bytes
  /// as SentencePiece writes byte pieces ("<0x0A>"), specials by role.
  std::vector<std::string> names;
};

/// Reads the optional special id `key` into `id` (-1 when absent, null or
/// -1). Special ids must lie above the bytes and inside the vocabulary.
std::string readSpecialId(const json::Value &document, const char *key,
                          int64_t vocabSize, int64_t &id) {
  id = -1;
  const json::Value *value = document.get(key);
  if (!value || value->isNull())
    return "";
  if (!value->isInteger())
    return std::string("\"") + key + "\" must be an integer, not " +
           json::Value::kindName(value->getKind());
  id = value->getInteger();
  if (id == -1 || (id >= ByteCount && id < vocabSize))
    return "";
  return std::string("\"") + key + "\" is " + std::to_string(id) +
         ", but special ids are from " + std::to_string(ByteCount) + " to " +
         std::to_string(vocabSize - 1) +
         " (ids below 256 are bytes; -1 for none)";
}

std::string byteName(int byte) {
  if (byte > ' ' && byte < 0x7F)
    return std::string(1, static_cast<char>(byte));
  char buffer[8];
  std::snprintf(buffer, sizeof(buffer), "<0x%02X>", byte);
  return buffer;
}

tnx_status_t ByteTokenizer::load(const std::string &path,
                                 const json::Value &document) {
  auto invalid = [&](const std::string &what) {
    return invalidArgument(path + ": " + what);
  };
  const json::Value *vocab = document.get("vocab_size");
  if (!vocab)
    return invalid("is missing \"vocab_size\"");
  if (!vocab->isInteger() || vocab->getInteger() < ByteCount ||
      vocab->getInteger() > MaxVocabSize)
    return invalid("\"vocab_size\" must be an integer from " +
                   std::to_string(ByteCount) + " to " +
                   std::to_string(MaxVocabSize));
  int64_t vocabSize = vocab->getInteger();
  // The roles tokenizer.json can give special ids, and their piece names.
  const char *roles[] = {"bos_id", "eos_id", "pad_id", "unk_id"};
  const char *roleNames[] = {"<bos>", "<eos>", "<pad>", "<unk>"};
  int64_t ids[4];
  for (int i = 0; i < 4; ++i) {
    std::string error = readSpecialId(document, roles[i], vocabSize, ids[i]);
    if (!error.empty())
      return invalid(error);
  }
  pieces.resize(static_cast<size_t>(vocabSize));
  names.resize(static_cast<size_t>(vocabSize));
  for (int64_t id = 0; id < vocabSize; ++id) {
    Piece &piece = pieces[static_cast<size_t>(id)];
    if (id < ByteCount) {
      piece.kind = PieceKind::Byte;
      piece.byte = static_cast<uint8_t>(id);
      names[static_cast<size_t>(id)] = byteName(static_cast<int>(id));
    } else {
      piece.kind = PieceKind::Control;
      names[static_cast<size_t>(id)] = "<special_" + std::to_string(id) + ">";
    }
  }
  for (int i = 0; i < 4; ++i)
    if (ids[i] >= 0)
      names[static_cast<size_t>(ids[i])] = roleNames[i];
  bosId = static_cast<int32_t>(ids[0]);
  eosId = static_cast<int32_t>(ids[1]);
  if (const json::Value *bos = document.get("add_bos")) {
    if (!bos->isBool())
      return invalid("\"add_bos\" must be true or false, not " +
                     std::string(json::Value::kindName(bos->getKind())));
    addBos = bos->getBool();
  }
  // The text is the bytes: no dummy prefix to drop when decoding.
  dropsLeadingSpace = false;
  return nullptr;
}

} // namespace

tnx_status_t
ternion::runtime::createByteTokenizer(const std::string &path,
                                      const json::Value &document,
                                      std::unique_ptr<tnx_tokenizer> &out) {
  auto tokenizer = std::make_unique<ByteTokenizer>();
  if (tnx_status_t status = tokenizer->load(path, document))
    return status;
  out = std::move(tokenizer);
  return nullptr;
}
