//===- Tokenizer.cpp - SentencePiece tokenizers ---------------------------===//
//
// SentencePiece reports errors through util::Status, but it is C++ and can
// still throw (std::bad_alloc, protobuf parsing); every call into it is
// wrapped so that nothing escapes the C API.
//
//===----------------------------------------------------------------------===//
#include "Tokenizer.h"
#include "Artifact.h"
#include "Status.h"

#include <sentencepiece_processor.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>

using namespace ternion::runtime;

tnx_tokenizer::~tnx_tokenizer() = default;

void ternion::runtime::retainTokenizer(tnx_tokenizer *tokenizer) {
  tokenizer->refCount.fetch_add(1, std::memory_order_relaxed);
}

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
  char *end = nullptr;
  unsigned long value = std::strtoul(piece.substr(3, 2).c_str(), &end, 16);
  if (*end != '\0' || value > 255)
    return false;
  byte = static_cast<uint8_t>(value);
  return true;
}

tnx_status_t fromSentencePiece(const sentencepiece::util::Status &status,
                               const std::string &context) {
  if (status.ok())
    return nullptr;
  return makeStatus(TNX_STATUS_INTERNAL,
                    context + ": " + std::string(status.message()));
}

tnx_status_t loadTokenizer(const std::string &path,
                           std::unique_ptr<tnx_tokenizer> &result) {
  auto tokenizer = std::make_unique<tnx_tokenizer>();
  tokenizer->processor =
      std::make_unique<sentencepiece::SentencePieceProcessor>();
  sentencepiece::SentencePieceProcessor &sp = *tokenizer->processor;
  sentencepiece::util::Status loaded = sp.Load(path);
  if (!loaded.ok()) {
    bool missing = loaded.code() == sentencepiece::util::StatusCode::kNotFound;
    return makeStatus(missing ? TNX_STATUS_IO_ERROR
                              : TNX_STATUS_INVALID_ARGUMENT,
                      path + ": cannot load the SentencePiece model: " +
                          std::string(loaded.message()));
  }
  int size = sp.GetPieceSize();
  tokenizer->pieces.resize(static_cast<size_t>(size));
  for (int id = 0; id < size; ++id) {
    Piece &piece = tokenizer->pieces[static_cast<size_t>(id)];
    const std::string &text = sp.IdToPiece(id);
    if (sp.IsControl(id)) {
      piece.kind = PieceKind::Control;
    } else if (sp.IsUnknown(id)) {
      piece.kind = PieceKind::Unknown;
      // The unknown surface lives in the trainer spec, out of reach of the
      // public API; decoding the id alone yields it.
      piece.surface = sp.DecodeIds({id});
    } else if (sp.IsByte(id) && parseBytePiece(text, piece.byte)) {
      piece.kind = PieceKind::Byte;
    } else {
      piece.surface = replaceSpaceSymbols(text);
    }
  }
  tokenizer->bosId = sp.bos_id();
  tokenizer->eosId = sp.eos_id();
  // add_dummy_prefix is in the normalizer spec, also out of reach: a model
  // that has it encodes "a" to a first piece starting with "▁".
  std::vector<std::string> pieces;
  tokenizer->dropsLeadingSpace = sp.Encode("a", &pieces).ok() &&
                                 !pieces.empty() &&
                                 pieces[0].compare(0, 3, SpaceSymbol) == 0;
  result = std::move(tokenizer);
  return nullptr;
}

tnx_status_t openTokenizer(const std::string &path, tnx_tokenizer **out) {
  try {
    std::unique_ptr<tnx_tokenizer> tokenizer;
    if (tnx_status_t status = loadTokenizer(path, tokenizer))
      return status;
    *out = tokenizer.release();
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

/// Copies `bytes` into a malloc'ed, NUL-terminated buffer for the caller.
char *copyString(const std::string &bytes) {
  auto *copy = static_cast<char *>(std::malloc(bytes.size() + 1));
  if (copy) {
    std::memcpy(copy, bytes.data(), bytes.size());
    copy[bytes.size()] = '\0';
  }
  return copy;
}

tnx_status_t checkIds(const tnx_tokenizer &tokenizer, const int32_t *ids,
                      size_t count) {
  for (size_t i = 0; i < count; ++i)
    if (ids[i] < 0 || static_cast<size_t>(ids[i]) >= tokenizer.pieces.size())
      return invalidArgument("token " + std::to_string(ids[i]) + " (at " +
                             std::to_string(i) +
                             ") is out of range for a vocabulary of " +
                             std::to_string(tokenizer.pieces.size()));
  return nullptr;
}

} // namespace

extern "C" {

tnx_status_t tnx_tokenizer_open(const char *path, tnx_tokenizer_t **out) {
  if (!path || !out)
    return invalidArgument("tnx_tokenizer_open: NULL argument");
  return openTokenizer(path, out);
}

tnx_status_t tnx_artifact_tokenizer(const tnx_artifact_t *artifact,
                                    tnx_tokenizer_t **out) {
  if (!artifact || !out)
    return invalidArgument("tnx_artifact_tokenizer: NULL argument");
  const TokenizerSpec &spec = artifact->manifest.tokenizer;
  std::string manifest = artifact->path + "/manifest.json";
  if (!spec.present)
    return makeStatus(TNX_STATUS_NOT_FOUND,
                      manifest + ": has no \"tokenizer\" section");
  if (spec.type != "sentencepiece")
    return makeStatus(TNX_STATUS_UNSUPPORTED,
                      manifest + ": tokenizer type \"" + spec.type +
                          "\" is not supported (only \"sentencepiece\")");
  tnx_tokenizer *tokenizer = nullptr;
  if (tnx_status_t status =
          openTokenizer(artifact->path + "/" + spec.file, &tokenizer))
    return status;
  int64_t size = static_cast<int64_t>(tokenizer->pieces.size());
  if (spec.bosId >= size || spec.eosId >= size) {
    tnx_tokenizer_release(tokenizer);
    return makeStatus(TNX_STATUS_INVALID_ARTIFACT,
                      manifest +
                          ": tokenizer bos_id/eos_id is out of range "
                          "for a vocabulary of " +
                          std::to_string(size));
  }
  if (spec.bosId >= 0)
    tokenizer->bosId = static_cast<int32_t>(spec.bosId);
  if (spec.eosId >= 0)
    tokenizer->eosId = static_cast<int32_t>(spec.eosId);
  tokenizer->addBos = spec.addBos;
  *out = tokenizer;
  return nullptr;
}

void tnx_tokenizer_release(tnx_tokenizer_t *tokenizer) {
  if (tokenizer &&
      tokenizer->refCount.fetch_sub(1, std::memory_order_acq_rel) == 1)
    delete tokenizer;
}

size_t tnx_tokenizer_vocab_size(const tnx_tokenizer_t *tokenizer) {
  return tokenizer ? tokenizer->pieces.size() : 0;
}

int32_t tnx_tokenizer_bos_id(const tnx_tokenizer_t *tokenizer) {
  return tokenizer ? tokenizer->bosId : -1;
}

int32_t tnx_tokenizer_eos_id(const tnx_tokenizer_t *tokenizer) {
  return tokenizer ? tokenizer->eosId : -1;
}

int tnx_tokenizer_add_bos(const tnx_tokenizer_t *tokenizer) {
  return tokenizer && tokenizer->addBos;
}

const char *tnx_tokenizer_piece(const tnx_tokenizer_t *tokenizer,
                                int32_t token) {
  if (!tokenizer || token < 0 ||
      static_cast<size_t>(token) >= tokenizer->pieces.size())
    return "";
  return tokenizer->processor->IdToPiece(token).c_str();
}

tnx_status_t tnx_tokenizer_encode(const tnx_tokenizer_t *tokenizer,
                                  const char *text, size_t length, int add_bos,
                                  int32_t **ids, size_t *count) {
  if (!tokenizer || (!text && length) || !ids || !count)
    return invalidArgument("tnx_tokenizer_encode: NULL argument");
  bool bos = add_bos < 0 ? tokenizer->addBos : add_bos != 0;
  if (bos && tokenizer->bosId < 0)
    return makeStatus(TNX_STATUS_FAILED_PRECONDITION,
                      "tnx_tokenizer_encode: the tokenizer has no BOS token");
  try {
    std::vector<int> encoded;
    if (tnx_status_t status = fromSentencePiece(
            tokenizer->processor->Encode(
                absl::string_view(text ? text : "", length), &encoded),
            "cannot encode the text"))
      return status;
    size_t total = encoded.size() + (bos ? 1 : 0);
    auto *result = static_cast<int32_t *>(std::malloc((total ? total : 1) * 4));
    if (!result)
      return makeStatus(TNX_STATUS_OUT_OF_MEMORY, "out of memory");
    size_t at = 0;
    if (bos)
      result[at++] = tokenizer->bosId;
    for (int id : encoded)
      result[at++] = id;
    *ids = result;
    *count = total;
    return nullptr;
  } catch (const std::bad_alloc &) {
    return makeStatus(TNX_STATUS_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception &error) {
    return makeStatus(TNX_STATUS_INTERNAL,
                      std::string("cannot encode the text: ") + error.what());
  }
}

tnx_status_t tnx_tokenizer_decode(const tnx_tokenizer_t *tokenizer,
                                  const int32_t *ids, size_t count, char **text,
                                  size_t *length) {
  if (!tokenizer || (!ids && count) || !text)
    return invalidArgument("tnx_tokenizer_decode: NULL argument");
  if (tnx_status_t status = checkIds(*tokenizer, ids, count))
    return status;
  try {
    std::vector<int> input(ids, ids + count);
    std::string decoded;
    if (tnx_status_t status =
            fromSentencePiece(tokenizer->processor->Decode(input, &decoded),
                              "cannot decode the tokens"))
      return status;
    char *copy = copyString(decoded);
    if (!copy)
      return makeStatus(TNX_STATUS_OUT_OF_MEMORY, "out of memory");
    *text = copy;
    if (length)
      *length = decoded.size();
    return nullptr;
  } catch (const std::bad_alloc &) {
    return makeStatus(TNX_STATUS_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception &error) {
    return makeStatus(TNX_STATUS_INTERNAL,
                      std::string("cannot decode the tokens: ") + error.what());
  }
}

} // extern "C"
