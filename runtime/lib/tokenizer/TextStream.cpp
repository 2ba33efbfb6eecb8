//===- TextStream.cpp - Decoding generated tokens one at a time -----------===//
//
// Shared by every tokenizer kind, which describe their ids as Pieces
// (Tokenizer.h): a byte tokenizer's ids are Byte pieces and its special ids
// Control pieces. Mirrors SentencePiece's Decode piece by piece so that
// printing tokens as they come gives exactly the text that decoding them all
// at once would:
//  - "▁" is a space; the space that starts the text is dropped (a model
//    trained with add_dummy_prefix put it there), and SentencePiece keeps
//    dropping it while the text is still empty;
//  - runs of <0xXX> byte pieces form UTF-8, a byte that starts no valid
//    character becomes U+FFFD; a character whose bytes have not all arrived
//    is held back rather than printed as U+FFFD and then "fixed".
// Decoding the whole sequence again each step would also match, but costs
// O(n) per token.
//
//===----------------------------------------------------------------------===//
#include "core/Status.h"
#include "tokenizer/Tokenizer.h"

#include <new>

using namespace ternion::runtime;

struct tnx_text_stream {
  tnx_tokenizer *tokenizer = nullptr;
  /// Bytes of a character not complete yet.
  std::string pending;
  /// What the last call returned.
  std::string out;
  /// Whether text has been produced (or, for a continuation, was there
  /// before the stream): from then on a leading "▁" is a real space.
  bool started = false;

  ~tnx_text_stream() { tnx_tokenizer_release(tokenizer); }
};

namespace {

const char ReplacementCharacter[] = "\xef\xbf\xbd"; // U+FFFD

bool isTrail(uint8_t byte) { return (byte & 0xC0) == 0x80; }

/// How many bytes a character starting with `lead` takes, as SentencePiece's
/// DecodeUTF8 reads lead bytes (1 for bytes that start none).
size_t expectedLength(uint8_t lead) {
  if ((lead & 0xE0) == 0xC0)
    return 2;
  if ((lead & 0xF0) == 0xE0)
    return 3;
  if ((lead & 0xF8) == 0xF0)
    return 4;
  return 1;
}

/// Whether the first `length` bytes of `s` are one valid character
/// (SentencePiece's IsValidDecodeUTF8: no overlong forms, no surrogates,
/// nothing above U+10FFFF).
bool isValidCharacter(const uint8_t *s, size_t length) {
  if (length == 1)
    return s[0] < 0x80;
  for (size_t i = 1; i < length; ++i)
    if (!isTrail(s[i]))
      return false;
  uint32_t cp;
  uint32_t minimum;
  if (length == 2) {
    cp = ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
    minimum = 0x80;
  } else if (length == 3) {
    cp = ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
    minimum = 0x800;
  } else {
    cp = ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) |
         ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
    minimum = 0x10000;
  }
  bool surrogate = cp >= 0xD800 && cp < 0xE000;
  return cp >= minimum && cp <= 0x10FFFF && !surrogate;
}

tnx_status_t putToken(tnx_text_stream &stream, int32_t token) {
  const tnx_tokenizer &tokenizer = *stream.tokenizer;
  if (token < 0 || static_cast<size_t>(token) >= tokenizer.pieces.size())
    return invalidArgument("token " + std::to_string(token) +
                           " is out of range for a vocabulary of " +
                           std::to_string(tokenizer.pieces.size()));
  const Piece &piece = tokenizer.pieces[static_cast<size_t>(token)];
  if (piece.kind == PieceKind::Byte) {
    stream.pending += static_cast<char>(piece.byte);
    appendUtf8Bytes(stream.pending, stream.out, /*final=*/false);
  } else {
    appendUtf8Bytes(stream.pending, stream.out, /*final=*/true);
    stream.started = stream.started || !stream.out.empty();
    if (piece.kind == PieceKind::Normal) {
      bool drop = !stream.started && tokenizer.dropsLeadingSpace &&
                  !piece.surface.empty() && piece.surface[0] == ' ';
      stream.out.append(piece.surface, drop ? 1 : 0, std::string::npos);
    } else if (piece.kind == PieceKind::Unknown) {
      stream.out += piece.surface;
    }
  }
  stream.started = stream.started || !stream.out.empty();
  return nullptr;
}

} // namespace

void ternion::runtime::appendUtf8Bytes(std::string &bytes, std::string &out,
                                       bool final) {
  size_t at = 0;
  const auto *data = reinterpret_cast<const uint8_t *>(bytes.data());
  while (at < bytes.size()) {
    size_t length = expectedLength(data[at]);
    if (at + length > bytes.size()) {
      if (!final)
        break;
      // Cut short for good: SentencePiece replaces the lead byte and goes
      // on with the next.
      length = 1;
    }
    if (length > 1 || data[at] < 0x80) {
      if (isValidCharacter(data + at, length)) {
        out.append(bytes, at, length);
        at += length;
        continue;
      }
    }
    out += ReplacementCharacter;
    ++at;
  }
  bytes.erase(0, at);
}

extern "C" {

tnx_status_t tnx_text_stream_create(tnx_tokenizer_t *tokenizer, int at_start,
                                    tnx_text_stream_t **out) {
  if (!tokenizer || !out)
    return invalidArgument("tnx_text_stream_create: NULL argument");
  auto *stream = new (std::nothrow) tnx_text_stream;
  if (!stream)
    return makeStatus(TNX_STATUS_OUT_OF_MEMORY, "out of memory");
  retainTokenizer(tokenizer);
  stream->tokenizer = tokenizer;
  stream->started = !at_start;
  *out = stream;
  return nullptr;
}

void tnx_text_stream_release(tnx_text_stream_t *stream) { delete stream; }

tnx_status_t tnx_text_stream_put(tnx_text_stream_t *stream, int32_t token,
                                 const char **text, size_t *length) {
  if (!stream || !text)
    return invalidArgument("tnx_text_stream_put: NULL argument");
  try {
    stream->out.clear();
    if (tnx_status_t status = putToken(*stream, token))
      return status;
  } catch (const std::bad_alloc &) {
    return makeStatus(TNX_STATUS_OUT_OF_MEMORY, "out of memory");
  }
  *text = stream->out.c_str();
  if (length)
    *length = stream->out.size();
  return nullptr;
}

tnx_status_t tnx_text_stream_flush(tnx_text_stream_t *stream, const char **text,
                                   size_t *length) {
  if (!stream || !text)
    return invalidArgument("tnx_text_stream_flush: NULL argument");
  try {
    stream->out.clear();
    appendUtf8Bytes(stream->pending, stream->out, /*final=*/true);
    stream->started = stream->started || !stream->out.empty();
  } catch (const std::bad_alloc &) {
    return makeStatus(TNX_STATUS_OUT_OF_MEMORY, "out of memory");
  }
  *text = stream->out.c_str();
  if (length)
    *length = stream->out.size();
  return nullptr;
}

} // extern "C"
