//===- Tokenizer.cpp - The tokenizer C API --------------------------------===//
//
// What every kind of tokenizer shares: choosing the kind (from the
// manifest's "type", or from a file's content for tnx_tokenizer_open),
// argument and range checks, BOS, and copying results out to the caller.
// The kinds themselves are in SentencePieceTokenizer.cpp and
// ByteTokenizer.cpp. Implementations may throw (SentencePiece is C++);
// every call into them is wrapped so that nothing escapes the C API.
//
//===----------------------------------------------------------------------===//
#include "tokenizer/Tokenizer.h"
#include "core/Artifact.h"
#include "core/FileIO.h"
#include "core/Json.h"
#include "core/Status.h"

#include "ternion/abi.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
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

/// tokenizer.json files are small (a byte tokenizer's is a few hundred
/// bytes); the bound only keeps a wrong file from being read whole.
constexpr size_t MaxTokenizerJsonSize = 16u << 20;

/// Whether `path` holds a JSON tokenizer rather than a SentencePiece model:
/// it is named *.json or starts with '{' (a serialized SentencePiece
/// ModelProto never does: 0x7B would be a group start of field 15, which
/// the proto does not have). A file that cannot be read is left to the
/// SentencePiece loader, which reports it as before.
bool isJsonTokenizer(const std::string &path) {
  const std::string extension = ".json";
  if (path.size() >= extension.size() &&
      path.compare(path.size() - extension.size(), extension.size(),
                   extension) == 0)
    return true;
  std::FILE *file = std::fopen(path.c_str(), "rb");
  if (!file)
    return false;
  int c = EOF;
  for (int seen = 0; seen < 256 && (c = std::fgetc(file)) != EOF; ++seen)
    if (!std::isspace(c))
      break;
  std::fclose(file);
  return c == '{';
}

/// Opens the JSON tokenizer at `path`, dispatching on its "type". When
/// `expectedType` is not empty (the manifest's), the file must be of it.
tnx_status_t openJsonTokenizer(const std::string &path,
                               const std::string &expectedType,
                               std::unique_ptr<tnx_tokenizer> &out) {
  std::string text;
  if (tnx_status_t status = readSmallFile(path, MaxTokenizerJsonSize,
                                          TNX_STATUS_INVALID_ARGUMENT, text))
    return status;
  json::Value document;
  std::string error;
  if (!json::parse(text, document, error))
    return invalidArgument(path + ": is not valid JSON: " + error);
  if (!document.isObject())
    return invalidArgument(path + ": must be a JSON object, not " +
                           json::Value::kindName(document.getKind()));
  const json::Value *type = document.get("type");
  if (!type || !type->isString())
    return invalidArgument(path + ": has no \"type\" string (a byte-level "
                                  "tokenizer says \"type\": \"bytes\")");
  const std::string &kind = type->getString();
  if (!expectedType.empty() && kind != expectedType)
    return makeStatus(TNX_STATUS_INVALID_ARTIFACT,
                      path + ": is a tokenizer of type \"" + kind +
                          "\", but the manifest says \"" + expectedType + "\"");
  if (kind == TNX_TOKENIZER_TYPE_BYTES)
    return createByteTokenizer(path, document, out);
  return makeStatus(TNX_STATUS_UNSUPPORTED,
                    path + ": tokenizer type \"" + kind +
                        "\" is not supported (tokenizer.json files of type "
                        "\"bytes\" and SentencePiece models are)");
}

/// Opens `path` as a tokenizer of `type` ("" to tell from the file).
tnx_status_t openTokenizer(const std::string &path, const std::string &type,
                           tnx_tokenizer **out) {
  try {
    std::unique_ptr<tnx_tokenizer> tokenizer;
    bool json = type.empty() ? isJsonTokenizer(path)
                             : type != TNX_TOKENIZER_TYPE_SENTENCEPIECE;
    tnx_status_t status = json ? openJsonTokenizer(path, type, tokenizer)
                               : openSentencePieceTokenizer(path, tokenizer);
    if (status)
      return status;
    *out = tokenizer.release();
    return nullptr;
  } catch (const std::bad_alloc &) {
    return makeStatus(TNX_STATUS_OUT_OF_MEMORY,
                      path + ": out of memory while loading the tokenizer");
  } catch (const std::exception &error) {
    return invalidArgument(path +
                           ": cannot load the tokenizer: " + error.what());
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

/// Opens the tokenizer `spec` of `artifact` describes (its manifest's
/// `section`).
tnx_status_t openArtifactTokenizer(const tnx_artifact &artifact,
                                   const TokenizerSpec &spec,
                                   const char *section, tnx_tokenizer **out) {
  std::string manifest = artifact.path + "/" TNX_MANIFEST_FILE;
  if (!spec.present)
    return makeStatus(TNX_STATUS_NOT_FOUND,
                      manifest + ": has no " + section + " section");
  if (spec.type != TNX_TOKENIZER_TYPE_SENTENCEPIECE &&
      spec.type != TNX_TOKENIZER_TYPE_BYTES)
    return makeStatus(TNX_STATUS_UNSUPPORTED,
                      manifest + ": tokenizer type \"" + spec.type +
                          "\" is not supported (only \"" +
                          TNX_TOKENIZER_TYPE_SENTENCEPIECE + "\" and \"" +
                          TNX_TOKENIZER_TYPE_BYTES + "\")");
  // A link in the artifact may not lead to a file outside it.
  std::string resolved;
  if (tnx_status_t status =
          resolveInsideDirectory(artifact.path, spec.file, resolved))
    return status;
  tnx_tokenizer *tokenizer = nullptr;
  if (tnx_status_t status = openTokenizer(artifact.path + "/" + spec.file,
                                          spec.type, &tokenizer))
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

} // namespace

extern "C" {

tnx_status_t tnx_tokenizer_open(const char *path, tnx_tokenizer_t **out) {
  if (!path || !out)
    return invalidArgument("tnx_tokenizer_open: NULL argument");
  return openTokenizer(path, "", out);
}

tnx_status_t tnx_artifact_tokenizer(const tnx_artifact_t *artifact,
                                    tnx_tokenizer_t **out) {
  if (!artifact || !out)
    return invalidArgument("tnx_artifact_tokenizer: NULL argument");
  return openArtifactTokenizer(*artifact, artifact->manifest.tokenizer,
                               "\"tokenizer\"", out);
}

tnx_status_t tnx_artifact_draft_tokenizer(const tnx_artifact_t *artifact,
                                          tnx_tokenizer_t **out) {
  if (!artifact || !out)
    return invalidArgument("tnx_artifact_draft_tokenizer: NULL argument");
  const SpeculativeSpec &speculative = artifact->manifest.speculative;
  if (speculative.present && !speculative.draftTokenizer.present)
    return tnx_artifact_tokenizer(artifact, out);
  return openArtifactTokenizer(*artifact, speculative.draftTokenizer,
                               "\"speculative.draft_tokenizer\"", out);
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
  return tokenizer->pieceText(token).c_str();
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
    std::vector<int32_t> encoded;
    if (bos)
      encoded.push_back(tokenizer->bosId);
    if (tnx_status_t status = tokenizer->encode(
            std::string_view(text ? text : "", length), encoded))
      return status;
    size_t total = encoded.size();
    auto *result = static_cast<int32_t *>(std::malloc((total ? total : 1) * 4));
    if (!result)
      return makeStatus(TNX_STATUS_OUT_OF_MEMORY, "out of memory");
    std::copy(encoded.begin(), encoded.end(), result);
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
    std::vector<int32_t> input(ids, ids + count);
    std::string decoded;
    if (tnx_status_t status = tokenizer->decode(input, decoded))
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
