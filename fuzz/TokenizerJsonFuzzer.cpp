//===- TokenizerJsonFuzzer.cpp - Fuzzing tokenizer.json files -------------===//
//
// A tokenizer.json as the runtime reads it (today the byte-level kind,
// "type": "bytes"; the JSON reader is the same one manifests use): opened
// through the C API, then used as SentencePieceFuzzer.cpp uses a model.
//
//===----------------------------------------------------------------------===//
#include "FuzzFiles.h"
#include "TokenizerExercise.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string path = ternion::fuzz::writeScratchFile(
      "tokenizer.json",
      std::string_view(reinterpret_cast<const char *>(data), size));
  ternion::fuzz::openAndExerciseTokenizer(path, data, size);
  return 0;
}
