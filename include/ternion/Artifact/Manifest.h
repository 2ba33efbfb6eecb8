//===- Manifest.h - an artifact's manifest.json ------------------*- C++ -*-===//
//
// The manifest is the contract between the compiler and the runtime
// (docs/runtime.md): function signatures with symbolic dims, the weights
// file, and how the artifact was compiled.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_ARTIFACT_MANIFEST_H
#define TERNION_ARTIFACT_MANIFEST_H

#include "ternion/abi.h"

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

namespace mlir {
class Type;
namespace func {
class FuncOp;
} // namespace func
} // namespace mlir

namespace ternion {

struct ValueSignature {
  std::string name;
  std::string dtype;
  llvm::SmallVector<int64_t> shape; // -1 for a dynamic dim
  llvm::SmallVector<std::string> dimParams;
  /// For an input: the output whose KV cache this in-out buffer holds
  /// (tern-kv-cache-in-place); empty for an ordinary, read-only input.
  std::string kvCache;
};

struct FunctionSignature {
  std::string name;
  std::string symbol; // the C entry point: TNX_ENTRY_POINT_PREFIX + name
  std::vector<ValueSignature> inputs;
  std::vector<ValueSignature> outputs;
};

/// The runtime's dtype name of a tensor element type ("f32", "u8", "bool"),
/// or empty when the runtime has none.
std::string runtimeDTypeName(mlir::Type elementType);

/// Reads a function's signature from its tensor types and the importer's
/// `tern.name` / `tern.dim_params` attributes. Fails with a diagnostic on
/// the function when a type has no runtime equivalent.
mlir::FailureOr<FunctionSignature> captureSignature(mlir::func::FuncOp fn);

struct WeightsInfo {
  std::string file; // empty: no weights file
  int64_t size = 0;
  int64_t alignment = TNX_WEIGHTS_ALIGNMENT;
  std::string checksum;
};

/// A language model's tokenizer, copied into the artifact.
struct TokenizerInfo {
  std::string file; // the name in the artifact; empty: none
  std::string type = TNX_TOKENIZER_TYPE_SENTENCEPIECE; // or _BYTES (a tokenizer.json)
  int64_t bosId = 1; // -1: the tokenizer file's own
  int64_t eosId = 2;
  bool addBos = false;
  int64_t vocabSize = 0; // 0: not known (SentencePiece models are not read)
};

/// True when `fn` follows the Hugging Face Optimum KV-cache convention
/// (input_ids, past_key_values.N.key|value -> logits, present.N.key|value),
/// or its in-place form (tern-kv-cache-in-place: the past inputs are caches
/// and the present outputs are gone), which the runtime's generator drives.
bool isOptimumLanguageModel(const FunctionSignature &fn);

/// A draft model paired with the target for speculative decoding
/// (#tern.speculative).
struct SpeculativeInfo {
  std::string target; // empty: no draft
  std::string draft;
  int64_t draftTokens = 0;
  std::string vocabulary; // "shared" or "slem"
  TokenizerInfo draftTokenizer; // file empty when shared
};

struct ManifestContents {
  std::string modelKind = TNX_MODEL_KIND_TENSOR;
  /// TNX_DEVICE_CPU or TNX_DEVICE_CUDA: the target's name.
  std::string device = TNX_DEVICE_CPU;
  TokenizerInfo tokenizer;
  SpeculativeInfo speculative;
  int64_t maxContext = 0; // generation default; 0: none
  std::string library = TNX_LIBRARY_FILE;
  WeightsInfo weights;
  std::vector<FunctionSignature> functions;
  llvm::json::Object compileOptions;
};

/// The manifest as pretty-printed JSON.
std::string renderManifest(const ManifestContents &contents);

} // namespace ternion

#endif // TERNION_ARTIFACT_MANIFEST_H
