//===- Tokenizer.cpp - The tokenizer an artifact ships --------------------===//
//
// The rules for a byte tokenizer's tokenizer.json mirror the runtime's
// (runtime/lib/tokenizer/ByteTokenizer.cpp), which checks the file again when it
// opens it: the compiler only refuses early what the runtime would refuse.
//
//===----------------------------------------------------------------------===//
#include "ternion/Artifact/Tokenizer.h"

#include "ternion/abi.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

namespace ternion {
namespace {

/// Ids below this are bytes in a byte tokenizer; special ids come after.
constexpr int64_t kByteCount = TNX_BYTE_TOKENIZER_BYTES;
/// The runtime's bound on a byte tokenizer's vocabulary.
constexpr int64_t kMaxVocabSize = TNX_BYTE_TOKENIZER_MAX_VOCAB;

llvm::Error fileError(llvm::StringRef path, const llvm::Twine &what) {
  return llvm::createStringError(path + ": " + what);
}

/// A *.json name or JSON content. A serialized SentencePiece ModelProto
/// cannot start with '{' (it would be a group start of field 15, which the
/// proto does not have).
bool isJson(llvm::StringRef path, llvm::StringRef contents) {
  return path.ends_with(".json") || contents.ltrim().starts_with("{");
}

/// Reads the optional special id `key` (absent, null or -1: none). Special
/// ids lie above the bytes and inside the vocabulary.
llvm::Error readSpecialId(const llvm::json::Object &object, llvm::StringRef key, int64_t vocabSize,
                          llvm::StringRef path, int64_t &id) {
  id = -1;
  const llvm::json::Value *value = object.get(key);
  if (!value || value->getAsNull())
    return llvm::Error::success();
  std::optional<int64_t> integer = value->getAsInteger();
  if (!integer)
    return fileError(path, "\"" + key + "\" must be an integer");
  id = *integer;
  if (id == -1 || (id >= kByteCount && id < vocabSize))
    return llvm::Error::success();
  return fileError(path, "\"" + key + "\" is " + llvm::Twine(id) + ", but special ids are from " +
                             llvm::Twine(kByteCount) + " to " + llvm::Twine(vocabSize - 1) +
                             " (ids below 256 are bytes; -1 for none)");
}

llvm::Expected<TokenizerInfo> inspectJsonTokenizer(llvm::StringRef path, llvm::StringRef contents) {
  llvm::Expected<llvm::json::Value> document = llvm::json::parse(contents);
  if (!document)
    return fileError(path, "is not valid JSON: " + llvm::toString(document.takeError()));
  const llvm::json::Object *object = document->getAsObject();
  if (!object)
    return fileError(path, "must be a JSON object");
  std::optional<llvm::StringRef> type = object->getString("type");
  if (!type)
    return fileError(path, "has no \"type\" string (a byte-level tokenizer says \"type\": "
                           "\"bytes\")");
  if (*type != TNX_TOKENIZER_TYPE_BYTES)
    return fileError(path, "unknown tokenizer type \"" + *type +
                               "\" (a tokenizer.json must be of type \"bytes\"; a SentencePiece "
                               "tokenizer is given as its .model file)");
  std::optional<int64_t> vocabSize = object->getInteger("vocab_size");
  if (!vocabSize || *vocabSize < kByteCount || *vocabSize > kMaxVocabSize)
    return fileError(path, "\"vocab_size\" must be an integer from " + llvm::Twine(kByteCount) +
                               " to " + llvm::Twine(kMaxVocabSize));
  TokenizerInfo info;
  info.file = TNX_TOKENIZER_JSON_FILE;
  info.type = TNX_TOKENIZER_TYPE_BYTES;
  info.vocabSize = *vocabSize;
  int64_t unused;
  if (llvm::Error e = readSpecialId(*object, "bos_id", info.vocabSize, path, info.bosId))
    return std::move(e);
  if (llvm::Error e = readSpecialId(*object, "eos_id", info.vocabSize, path, info.eosId))
    return std::move(e);
  for (llvm::StringRef key : {"pad_id", "unk_id"})
    if (llvm::Error e = readSpecialId(*object, key, info.vocabSize, path, unused))
      return std::move(e);
  if (const llvm::json::Value *addBos = object->get("add_bos")) {
    std::optional<bool> value = addBos->getAsBoolean();
    if (!value)
      return fileError(path, "\"add_bos\" must be true or false");
    info.addBos = *value;
  }
  return info;
}

} // namespace

llvm::Expected<TokenizerInfo> inspectTokenizer(llvm::StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fileError(path, "cannot read the tokenizer: " + buffer.getError().message());
  llvm::StringRef contents = (*buffer)->getBuffer();
  if (isJson(path, contents))
    return inspectJsonTokenizer(path, contents);
  TokenizerInfo info;
  info.file = TNX_TOKENIZER_MODEL_FILE;
  return info;
}

llvm::Error checkTokenizerIds(const TokenizerInfo &tokenizer, llvm::StringRef path) {
  for (auto [name, id] : {std::pair<const char *, int64_t>{"bos", tokenizer.bosId},
                          std::pair<const char *, int64_t>{"eos", tokenizer.eosId}}) {
    if (id < -1)
      return llvm::createStringError(llvm::Twine("--") + name + "-id " + llvm::Twine(id) +
                                     " is not a token id (-1: the tokenizer's own)");
    if (tokenizer.vocabSize > 0 && id >= tokenizer.vocabSize)
      return llvm::createStringError(llvm::Twine("--") + name + "-id " + llvm::Twine(id) +
                                     " is outside the " + llvm::Twine(tokenizer.vocabSize) +
                                     "-id vocabulary of '" + path + "'");
  }
  return llvm::Error::success();
}

} // namespace ternion
