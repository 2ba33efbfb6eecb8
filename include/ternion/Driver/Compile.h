//===- Compile.h - the compiler driver: ONNX model -> artifact --*- C++ -*-===//
//
// One compile, from a model to an artifact or to any stage on the way, as a
// library call: ternion-compile is an option parser around it, and tests and
// tools (the sparse-attention search compiles and runs models) call it too.
// The pass order lives here and only here.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_DRIVER_COMPILE_H
#define TERNION_DRIVER_COMPILE_H

#include "ternion/Target/Target.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace ternion {

/// The stage a compile stops after (as Toy's -emit=).
enum class EmitStage {
  /// Optimized tern IR.
  Tern,
  /// GPU targets: host functions launching outlined gpu.module kernels.
  Gpu,
  /// GPU targets: the kernels' PTX.
  Ptx,
  /// LLVM-dialect MLIR.
  Mlir,
  /// Optimized LLVM IR.
  Llvm,
  /// An ELF object.
  Obj,
  /// An artifact directory: model.so, weights.bin, manifest.json.
  Artifact,
};

/// How the KV cache of an Optimum graph is kept.
/// What tern-ternarize does (--ternary).
enum class TernaryMode {
  /// Layers whose weights are exactly ternary and whose inputs are int8
  /// absmax-quantized (BitNet b1.58 exports): lossless.
  Auto,
  /// No ternary layers.
  Off,
  /// Also every other f32 linear layer but the last, with absmean: lossy.
  Force,
};

/// What tern-quantize does (--quantize).
enum class QuantizeMethod {
  /// No quantization: f32 layers stay f32.
  None,
  /// Asymmetric round-to-nearest per group.
  Rtn,
  /// SINQ: Sinkhorn-normalized, then round-to-nearest.
  Sinq,
};

enum class KvCacheMode {
  /// past_key_values.N become caller-owned buffers updated in place.
  InPlace,
  /// The graph's past -> present Concat outputs.
  Concat,
};

struct CompileOptions {
  /// model.onnx, model.onnxtxt, or tern IR in .mlir.
  std::string inputPath;
  /// Empty: getDefaultOutputPath(). "-" is stdout (not for artifacts).
  std::string outputPath;
  EmitStage emit = EmitStage::Artifact;
  TargetOptions target;
  /// tern-optimize (clean-up, fusions); off for already optimized .mlir.
  bool ternOptimize = true;
  KvCacheMode kvCache = KvCacheMode::InPlace;
  TernaryMode ternary = TernaryMode::Auto;
  /// Packing of ternary codes: "i2" (2 bits per weight) or "base3" (1.6).
  std::string ternaryFormat = "i2";
  /// Weight quantization of the f32 linear layers left after the ternary
  /// pass (tern-quantize), with its bits per code and group size.
  QuantizeMethod quantize = QuantizeMethod::None;
  int quantizeBits = 4;
  int quantizeGroupSize = 64;

  /// Language models: the tokenizer shipped in the artifact and its ids
  /// (unset: the tokenizer's own, else 1, 2 and no BOS).
  std::string tokenizerPath;
  std::optional<int64_t> bosId, eosId;
  std::optional<bool> addBos;
  /// The context the runtime preallocates for by default.
  int64_t maxContext = 2048;

  /// Speculative decoding: a draft language model compiled into the same
  /// artifact as `@draft_main` (empty: none), its tokenizer when it is not
  /// the target's, the tokens it proposes per target pass, and how its
  /// tokens reach the target ("auto": shared when the tokenizers are one,
  /// else string-level matching; "shared"; "slem").
  std::string draftPath;
  std::string draftTokenizerPath;
  int64_t draftTokens = 4;
  std::string speculative = "auto";

  /// Sparse attention for long prefills (tern-sparse-attention): the
  /// pattern file (empty: dense attention) and the shortest prefill that
  /// runs sparse (0: the file's min_tokens, else 1024).
  std::string attentionPatternsPath;
  int64_t sparseAttentionMinTokens = 0;

  /// Return the query, key, value and scale of every attention op of
  /// @main as extra outputs (tern-expose-attention; the pattern search).
  bool exposeAttention = false;

  /// Outline identical layers into one function called per layer
  /// (tern-outline-layers): code generation costs one layer, not the depth.
  bool outlineLayers = true;

  /// Stage lines with their times on stderr.
  bool progress = false;
  /// Prefix of messages on stderr ("ternion-compile: error: ...").
  std::string toolName = "ternion-compile";
};

/// <input stem>.tnx, or .mlir, .ll or .o per the stage.
std::string getDefaultOutputPath(const CompileOptions &options);

/// Runs the compile. Every error is printed on stderr (naming the file,
/// node or op, and the reason) and the result is false; no output, or
/// partial artifact, is left behind on failure.
bool compile(const CompileOptions &options);

} // namespace ternion

#endif // TERNION_DRIVER_COMPILE_H
