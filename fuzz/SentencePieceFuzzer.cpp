//===- SentencePieceFuzzer.cpp - Fuzzing SentencePiece model files --------===//
//
// A tokenizer.model from an untrusted artifact or download: opened through
// the C API, then asked to encode and decode text and to decode ids taken
// from the input (every tokenizer that opens must take any id in range).
//
//===----------------------------------------------------------------------===//
#include "FuzzFiles.h"
#include "TokenizerExercise.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string path = ternion::fuzz::writeScratchFile(
      "tokenizer.model",
      std::string_view(reinterpret_cast<const char *>(data), size));
  ternion::fuzz::openAndExerciseTokenizer(path, data, size);
  return 0;
}
