//===- FakeLlm.h - Manifests of fixtures/fake_llm.c -------------*- C++ -*-===//
//
// The manifest functions and weights that describe the fake language model
// of fixtures/fake_llm.c, shared by the generator's C API tests and the
// white-box tests of its steps and cache sets.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_UNITTESTS_RUNTIME_FAKELLM_H
#define TERNION_UNITTESTS_RUNTIME_FAKELLM_H

#include <cstdint>
#include <string>

namespace ternion::test {

/// The manifest entry of one input or output; `extra` adds members.
inline std::string value(const std::string &name, const std::string &dtype,
                         const std::string &shape, const std::string &params,
                         const std::string &extra = "") {
  return R"({"name": ")" + name + R"(", "dtype": ")" + dtype + R"(", "shape": )" + shape +
         R"(, "dim_params": )" + params + extra + "}";
}

/// The manifest functions of fake_llm.c with vocabulary `vocab`: "main"
/// (Optimum KV cache), "nocache" and "inplace" (in-place KV cache).
/// `inputIds` renames main's input_ids to make a function that breaks the
/// convention.
inline std::string fakeLlmFunctions(int vocab, const std::string &inputIds = "input_ids") {
  std::string logits = value("logits", "f32", "[-1, -1, " + std::to_string(vocab) + "]",
                             R"(["batch", "sequence", ""])");
  std::string indices =
      value("attention_mask", "i64", "[-1, -1]", R"(["batch", "past_sequence+sequence"])") + ",\n" +
      value("position_ids", "i64", "[-1, -1]", R"(["batch", "sequence"])");
  std::string ids = value("input_ids", "i64", "[-1, -1]", R"(["batch", "sequence"])");
  std::string inputs =
      value(inputIds, "i64", "[-1, -1]", R"(["batch", "sequence"])") + ",\n" + indices;
  std::string inPlaceInputs = ids + ",\n" + indices;
  std::string outputs = logits;
  for (int layer = 0; layer < 2; ++layer)
    for (const char *kind : {"key", "value"}) {
      std::string suffix = std::to_string(layer) + "." + kind;
      inputs += ",\n" + value("past_key_values." + suffix, "f32", "[-1, 2, -1, 4]",
                              R"(["batch", "", "past_sequence", ""])");
      outputs += ",\n" + value("present." + suffix, "f32", "[-1, 2, -1, 4]",
                               R"(["batch", "", "past_sequence+sequence", ""])");
      inPlaceInputs +=
          ",\n" + value("past_key_values." + suffix, "f32", "[-1, 2, -1, 4]",
                        R"(["batch", "", "", ""])", R"(, "kv_cache": "present.)" + suffix + "\"");
    }
  std::string nocache = R"({"name": "nocache", "symbol": "tnx_fake_lm_nocache", "inputs": [)" +
                        ids + R"(], "outputs": [)" + logits + "]}";
  std::string inplace = R"({"name": "inplace", "symbol": "tnx_fake_lm_inplace", "inputs": [)" +
                        inPlaceInputs + R"(], "outputs": [)" + logits + "]}";
  return "[{\"name\": \"main\", \"symbol\": \"tnx_fake_lm\",\n\"inputs\": [" + inputs +
         "],\n\"outputs\": [" + outputs + "]},\n" + nocache + ",\n" + inplace + "]";
}

/// The weights of fake_llm.c: the vocabulary and a mode (fake_llm.c).
inline std::string fakeLlmWeights(int64_t vocab, int64_t mode) {
  int64_t words[2] = {vocab, mode};
  return std::string(reinterpret_cast<const char *>(words), sizeof(words));
}

} // namespace ternion::test

#endif // TERNION_UNITTESTS_RUNTIME_FAKELLM_H
