//===- SentencePieceTokenizer.cpp - SentencePiece models ------------------===//
//
// Wraps sentencepiece::SentencePieceProcessor and keeps, per token, what
// streaming decoding needs (its kind and surface text), so that decoding one
// token never goes back into SentencePiece.
//
// SentencePiece reports errors through util::Status, but it is C++ and can
// still throw (std::bad_alloc, protobuf parsing); loading is wrapped here,
// and the C API wraps encoding and decoding, so nothing escapes it.
//
//===----------------------------------------------------------------------===//
#include "core/Status.h"
#include "tokenizer/Tokenizer.h"

#include <sentencepiece_processor.h>

#include <charconv>
#include <exception>
#include <new>

using namespace ternion::runtime;

namespace {

const char SpaceSymbol[] = "\xe2\x96\x81"; // U+2581, SentencePiece's space

std::string replaceSpaceSymbols(const std::string &piece) {
  std::string result;
  for (size_t at = 0; at < piece.size();) {
    if (piece.compare(at, 3, SpaceSymbol) == 0) {
      result += ' ';
      at += 3;
    } else {
      result += piece[at++];
    }
  }
  return result;
}

/// Parses "<0xAB>".
bool parseBytePiece(const std::string &piece, uint8_t &byte) {
  if (piece.size() != 6 || piece.compare(0, 3, "<0x") != 0 || piece[5] != '>')
    return false;
  // from_chars reads the two digits in place (strtoul on a temporary
  // substr read its end pointer after the string was gone).
  const char *first = piece.data() + 3, *last = piece.data() + 5;
  auto [end, error] = std::from_chars(first, last, byte, 16);
  return error == std::errc() && end == last;
}

tnx_status_t fromSentencePiece(const sentencepiece::util::Status &status,
                               const std::string &context) {
  if (status.ok())
    return nullptr;
  return makeStatus(TNX_STATUS_INTERNAL,
                    context + ": " + std::string(status.message()));
}

class SentencePieceTokenizer final : public tnx_tokenizer {
public:
  tnx_status_t load(const std::string &path);

  const std::string &pieceText(int32_t id) const override {
    return processor.IdToPiece(id);
  }

  tnx_status_t encode(std::string_view text,
                      std::vector<int32_t> &ids) const override {
    std::vector<int> encoded;
    if (tnx_status_t status = fromSentencePiece(
            processor.Encode(absl::string_view(text.data(), text.size()),
                             &encoded),
            "cannot encode the text"))
      return status;
    ids.insert(ids.end(), encoded.begin(), encoded.end());
    return nullptr;
  }

  tnx_status_t decode(const std::vector<int32_t> &ids,
                      std::string &text) const override {
    std::vector<int> input(ids.begin(), ids.end());
    return fromSentencePiece(processor.Decode(input, &text),
                             "cannot decode the tokens");
  }

private:
  sentencepiece::SentencePieceProcessor processor;
};

tnx_status_t SentencePieceTokenizer::load(const std::string &path) {
  sentencepiece::util::Status loaded = processor.Load(path);
  if (!loaded.ok()) {
    bool missing = loaded.code() == sentencepiece::util::StatusCode::kNotFound;
    return makeStatus(missing ? TNX_STATUS_IO_ERROR
                              : TNX_STATUS_INVALID_ARGUMENT,
                      path + ": cannot load the SentencePiece model: " +
                          std::string(loaded.message()));
  }
  int size = processor.GetPieceSize();
  pieces.resize(static_cast<size_t>(size));
  for (int id = 0; id < size; ++id) {
    Piece &piece = pieces[static_cast<size_t>(id)];
    const std::string &text = processor.IdToPiece(id);
    if (processor.IsControl(id)) {
      piece.kind = PieceKind::Control;
    } else if (processor.IsUnknown(id)) {
      piece.kind = PieceKind::Unknown;
      // The unknown surface lives in the trainer spec, out of reach of the
      // public API; decoding the id alone yields it.
      piece.surface = processor.DecodeIds({id});
    } else if (processor.IsByte(id) && parseBytePiece(text, piece.byte)) {
      piece.kind = PieceKind::Byte;
    } else {
      piece.surface = replaceSpaceSymbols(text);
    }
  }
  bosId = processor.bos_id();
  eosId = processor.eos_id();
  // add_dummy_prefix is in the normalizer spec, also out of reach: a model
  // that has it encodes "a" to a first piece starting with "▁".
  std::vector<std::string> encoded;
  dropsLeadingSpace = processor.Encode("a", &encoded).ok() &&
                      !encoded.empty() &&
                      encoded[0].compare(0, 3, SpaceSymbol) == 0;
  return nullptr;
}

} // namespace

tnx_status_t ternion::runtime::openSentencePieceTokenizer(
    const std::string &path, std::unique_ptr<tnx_tokenizer> &out) {
  try {
    auto tokenizer = std::make_unique<SentencePieceTokenizer>();
    if (tnx_status_t status = tokenizer->load(path))
      return status;
    out = std::move(tokenizer);
    return nullptr;
  } catch (const std::bad_alloc &) {
    return makeStatus(TNX_STATUS_OUT_OF_MEMORY,
                      path + ": out of memory while loading the tokenizer");
  } catch (const std::exception &error) {
    return invalidArgument(
        path + ": cannot load the SentencePiece model: " + error.what());
  } catch (...) {
    return invalidArgument(path + ": cannot load the SentencePiece model");
  }
}
