//===- Tokenizer.h - The tokenizer an artifact ships ------------*- C++ -*-===//
//
// What ternion-compile needs to know about the file given to --tokenizer
// before copying it into the artifact: its kind (the manifest's tokenizer
// "type"), its name inside the artifact and the special ids it declares.
// The runtime reads the file itself; checking it here turns a wrong file
// into a compile error rather than an artifact that cannot generate.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_ARTIFACT_TOKENIZER_H
#define TERNION_ARTIFACT_TOKENIZER_H

#include "ternion/Artifact/Manifest.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace ternion {

/// Reads the tokenizer at `path`. A tokenizer.json (a *.json name, or
/// content starting with '{') must be of a type the runtime reads
/// ("bytes") and well formed; its bos_id/eos_id/add_bos are taken from it.
/// Anything else is a SentencePiece model, shipped as before without being
/// parsed (ids 1 and 2 unless the command line says otherwise). Errors name
/// the file.
llvm::Expected<TokenizerInfo> inspectTokenizer(llvm::StringRef path);

/// Checks ids given on the command line against the tokenizer: -1 (the
/// tokenizer's own) or, where the vocabulary is known, inside it.
llvm::Error checkTokenizerIds(const TokenizerInfo &tokenizer, llvm::StringRef path);

} // namespace ternion

#endif // TERNION_ARTIFACT_TOKENIZER_H
