//===- TokenizerFuzzer.cpp - Fuzzing the tokenizer files ------------------===//
//
// Built twice (fuzz/CMakeLists.txt): fuzz-sentencepiece writes each input
// as tokenizer.model, fuzz-tokenizer-json as tokenizer.json (the byte-level
// kind; its JSON reader is the one manifests use), TERNION_FUZZ_FILE. The
// file is opened through the C API and, if it opens, used as generation
// uses it: encode a text with spaces, bytes and multi-byte characters,
// decode the result, and decode ids taken from the input, in range and out
// of range (which the C API must refuse with a status).
//
//===----------------------------------------------------------------------===//
#include "FuzzFiles.h"

#include "ternion/llm.h"
#include "ternion/runtime.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string path = ternion::fuzz::writeScratchFile(
      TERNION_FUZZ_FILE,
      std::string_view(reinterpret_cast<const char *>(data), size));
  tnx_tokenizer_t *tokenizer = nullptr;
  if (tnx_status_t status = tnx_tokenizer_open(path.c_str(), &tokenizer)) {
    tnx_status_free(status);
    return 0;
  }
  static const char Text[] =
      "In the beginning \xe2\x96\x81 caf\xc3\xa9\n\t<0x41>";
  int32_t *ids = nullptr;
  size_t count = 0;
  if (tnx_status_t status = tnx_tokenizer_encode(
          tokenizer, Text, sizeof(Text) - 1, -1, &ids, &count)) {
    tnx_status_free(status);
  } else {
    char *text = nullptr;
    if (tnx_status_t decoded =
            tnx_tokenizer_decode(tokenizer, ids, count, &text, nullptr))
      tnx_status_free(decoded);
    tnx_free(text);
    tnx_free(ids);
  }
  // Ids from the last bytes of the input, folded into [-2, vocab + 2).
  auto vocab = static_cast<int64_t>(tnx_tokenizer_vocab_size(tokenizer));
  std::vector<int32_t> chosen;
  for (size_t i = size >= 64 ? size - 64 : 0; i + 2 <= size; i += 2) {
    uint16_t raw;
    std::memcpy(&raw, data + i, 2);
    chosen.push_back(static_cast<int32_t>(raw % (vocab + 4)) - 2);
    (void)tnx_tokenizer_piece(tokenizer, chosen.back());
  }
  char *text = nullptr;
  if (tnx_status_t status = tnx_tokenizer_decode(
          tokenizer, chosen.data(), chosen.size(), &text, nullptr))
    tnx_status_free(status);
  tnx_free(text);
  tnx_tokenizer_release(tokenizer);
  return 0;
}
