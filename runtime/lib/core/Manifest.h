//===- Manifest.h - The artifact's manifest.json ----------------*- C++ -*-===//
//
// Typed view of manifest.json. Unknown keys are ignored so that later
// format additions (generation defaults, tokenizer, KV-cache layout, draft
// model, packed-weight tables) do not break older readers; those sections
// get their own structs here when the runtime starts to use them, and until
// then stay reachable through `document`.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_RUNTIME_LIB_CORE_MANIFEST_H
#define TERNION_RUNTIME_LIB_CORE_MANIFEST_H

#include "core/Json.h"

#include "ternion/abi.h"
#include "ternion/runtime.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ternion::runtime {

/// The signature of one input or output.
struct TensorSpec {
  std::string name;
  tnx_dtype_t dtype = TNX_DTYPE_INVALID;
  /// -1 marks a dynamic dim.
  std::vector<int64_t> shape;
  /// One entry per dim; "" where the dim has no symbolic name.
  std::vector<std::string> dimParams;
  /// For an in-out KV-cache input ("kv_cache" in the manifest): the name of
  /// the Optimum output it replaces, e.g. "present.0.key". The compiled code
  /// writes the step's rows into it (docs/runtime.md); "" otherwise.
  std::string kvCache;
};

struct FunctionSpec {
  std::string name;
  /// The C symbol in the library: void symbol(void **args).
  std::string symbol;
  std::vector<TensorSpec> inputs;
  std::vector<TensorSpec> outputs;
};

struct WeightsSpec {
  bool present = false;
  /// Relative to the artifact directory.
  std::string file;
  uint64_t size = 0;
  uint64_t alignment = 1;
  /// "fnv1a64:<16 lowercase hex digits>", or "" if the manifest has none.
  std::string checksum;
};

/// The "tokenizer" section of a language-model artifact.
struct TokenizerSpec {
  bool present = false;
  /// Relative to the artifact directory.
  std::string file;
  /// "sentencepiece" (a SentencePiece model) or "bytes" (a tokenizer.json
  /// of a byte-level tokenizer); others are refused when the tokenizer is
  /// opened, not with the manifest.
  std::string type;
  /// -1 where the manifest does not say (the tokenizer model's own ids are
  /// used then).
  int64_t bosId = -1;
  int64_t eosId = -1;
  bool addBos = false;
};

/// The "generation" section: defaults for text generation.
struct GenerationSpec {
  /// Most tokens a context may hold; 0 if the manifest does not say.
  int64_t maxContext = 0;
};

/// The "speculative" section: a draft model compiled into the artifact
/// beside the target (ternion-compile --draft; docs/speculative.md).
struct SpeculativeSpec {
  bool present = false;
  /// Function names: the target the generator drives, and its draft.
  std::string target;
  std::string draft;
  /// Tokens the draft proposes per target pass by default.
  int64_t draftTokens = 0;
  /// "shared" (one tokenizer) or "slem" (string-level exact match).
  std::string vocabulary;
  /// The draft's own tokenizer; present only for "slem".
  TokenizerSpec draftTokenizer;
};

struct Manifest {
  int formatVersion = 0;
  std::string ternionVersion;
  std::string llvmVersion;
  /// "tensor" or "llm".
  std::string modelKind;
  /// TNX_DEVICE_CPU (also when the manifest has no "device") or
  /// TNX_DEVICE_CUDA.
  std::string device = TNX_DEVICE_CPU;
  /// compile_options, flattened to strings for display (e.g. "opt_level"
  /// -> "3"); the runtime does not interpret them.
  std::vector<std::pair<std::string, std::string>> compileOptions;
  /// Relative to the artifact directory.
  std::string library;
  WeightsSpec weights;
  std::vector<FunctionSpec> functions;
  TokenizerSpec tokenizer;
  GenerationSpec generation;
  SpeculativeSpec speculative;
  /// The whole parsed document, for sections not modelled above.
  json::Value document;
};

/// Whether `path` names a file inside the artifact directory (relative, no
/// ".."). Manifest members name files of the artifact; keeping them inside
/// it means a manifest cannot point the loader elsewhere by accident.
bool isPlainRelativePath(const std::string &path);

/// Parses and checks manifest text. On failure returns false with `error`
/// describing the problem (without the file name; the caller prefixes it)
/// and `unsupported` set when the manifest is well-formed but of a format
/// this runtime does not read.
bool parseManifest(const std::string &text, Manifest &manifest,
                   std::string &error, bool &unsupported);

} // namespace ternion::runtime

#endif // TERNION_RUNTIME_LIB_CORE_MANIFEST_H
