//===- Passes.td - Ternion's passes ----------------------------*- tablegen -*-===//
//
// Every Ternion pass is declared here with its options and statistics. One
// folder per pass family holds the implementations.
//
//===----------------------------------------------------------------------===//

#ifndef TERNION_PASSES_TD
#define TERNION_PASSES_TD

include "mlir/Pass/PassBase.td"

def TernInferShapes : Pass<"tern-infer-shapes", "mlir::func::FuncOp"> {
  let summary = "Refine result types of tern ops from their operands";
  let description = [{
    Re-runs each tern op's shape inference in program order and replaces a
    result type with the inferred one where that is strictly more refined
    (a `?` becomes static, an unranked tensor becomes ranked). Run after
    canonicalization has folded shape arithmetic, so Reshape and Expand whose
    target shapes became constant get static result types. Function result
    types are updated to match.
  }];
  let dependentDialects = ["::ternion::tern::TernDialect"];
  let statistics = [
    Statistic<"numRefined", "refined-results", "Number of op results whose type was refined">
  ];
}

def TernFuseLinear : Pass<"tern-fuse-linear", "mlir::func::FuncOp"> {
  let summary = "Form tern.linear from MatMul/Gemm with a constant weight (+ bias Add)";
  let description = [{
    Rewrites `MatMul(x, W)` and `Gemm(x, W, b)` whose weight is a 2-D
    constant (or a Transpose of one) into `tern.linear` with the weight in
    the `[N, K]` (nn.Linear) layout, transposing a `[K, N]` constant once at
    compile time. A following `Add` of a constant 1-D bias of N elements is
    folded into the linear op. Contractions with a non-constant right-hand
    side (attention scores) are left alone.
  }];
  let dependentDialects = ["::ternion::tern::TernDialect"];
  let options = [
    Option<"fuseBias", "fuse-bias", "bool", /*default=*/"true",
           "Fold a following constant bias Add into tern.linear">,
    Option<"minFeatures", "min-features", "int64_t", /*default=*/"1",
           "Leave contractions with fewer input features (K) than this unfused">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark per function with this pass's counts (Debian's LLVM "
           "is built without statistics, so --mlir-pass-statistics shows 0)">
  ];
  let statistics = [
    Statistic<"numFusedMatMul", "fused-matmul", "Number of MatMul ops turned into tern.linear">,
    Statistic<"numFusedGemm", "fused-gemm", "Number of Gemm ops turned into tern.linear">,
    Statistic<"numFusedBias", "fused-bias", "Number of bias Adds folded into tern.linear">,
    Statistic<"numTransposedWeights", "transposed-weights",
              "Number of [K, N] weights transposed to [N, K] at compile time">
  ];
}

def TernFuseAttention : Pass<"tern-fuse-attention", "mlir::func::FuncOp"> {
  let summary = "Form tern.attention from MatMul/Softmax/MatMul chains";
  let description = [{
    Rewrites `MatMul(Softmax(mask(scale(MatMul(Q, Transpose(K))))), V)` into
    `tern.attention`. Scale is a chain of Mul/Div by scalar constants; masks
    are additive (Add) or GPT-2's `Where(cond, scores, -big)`; grouped-query
    attention written as HF's `repeat_kv` (Unsqueeze/Expand/Reshape) is
    undone so K and V keep their own heads. A mask proven to be the causal
    mask at run time (its sides traced to the query and key lengths) becomes
    `causal = true`; other masks stay an operand. Chains that cannot be
    proven equivalent stay unfused and are counted.
  }];
  let dependentDialects = ["::ternion::tern::TernDialect"];
  let options = [
    Option<"detectCausal", "detect-causal", "bool", /*default=*/"true",
           "Replace masks proven to be causal with the causal attribute">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark per function with this pass's counts">
  ];
  let statistics = [
    Statistic<"numFused", "fused", "Number of attention chains fused">,
    Statistic<"numCausal", "causal", "Number of fused attentions with a proven causal mask">,
    Statistic<"numGrouped", "grouped-query", "Number of fused grouped-query attentions">,
    Statistic<"numUnfused", "unfused-softmax", "Number of Softmax ops left unfused">
  ];
}


def TernQuantize : Pass<"tern-quantize", "mlir::func::FuncOp"> {
  let summary = "Quantize f32 linear layers to b-bit group codes (RTN or SINQ)";
  let description = [{
    Rewrites every `tern.linear` with a constant f32 `[N, K]` weight (the
    LM head included) into a `tern.quantized_linear` over `bits`-bit codes
    with an f16 scale and zero point per row and group of `group-size`
    inputs (`#tern.group_quantized`). No calibration data is needed.

    - `method=rtn`: asymmetric round-to-nearest per group, the baseline:
      `scale = max(max - min, 1e-4) / (2^bits - 1)`, `zero = -round(min /
      scale)`.
    - `method=sinq`: SINQ (Mueller et al., 2025). Each tile of `group-size`
      columns and all rows is first balanced: up to 16 Sinkhorn-like steps
      divide its columns and rows by scales that move their standard
      deviations towards the smallest one (steps clamped to [0.7, 2], log
      scales to [-0.3, 10]), keeping the scales of least imbalance (largest
      over smallest standard deviation); then RTN. The row scales fold into
      the group scales; the column scales become the layer's
      `column_scales`, applied to the input.

    Scales and zero points are stored as f16 and the codes are rounded
    against the stored values. Layers whose weight is not a static f32
    constant, and those already in another format, are left alone.
  }];
  let dependentDialects = ["::ternion::tern::TernDialect"];
  let options = [
    Option<"method", "method", "std::string", /*default=*/"\"sinq\"",
           "rtn (round-to-nearest per group) or sinq (Sinkhorn-normalized, then RTN)">,
    Option<"bits", "bits", "int", /*default=*/"4", "Bits per code: 2, 3, 4, 5, 6 or 8">,
    Option<"groupSize", "group-size", "int", /*default=*/"64",
           "Inputs per group of a scale and zero point (a multiple of 8; 64 or 128 usual)">,
    Option<"progress", "progress", "bool", /*default=*/"false",
           "Print a line per quantized layer to stderr">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark per function with the counts and the bits per weight">
  ];
  let statistics = [
    Statistic<"numQuantized", "quantized", "Number of linear layers quantized">,
    Statistic<"numSkipped", "skipped", "Number of linear layers left f32 (weight not a static f32 constant)">
  ];
}

def TernTernarize : Pass<"tern-ternarize", "mlir::func::FuncOp"> {
  let summary = "Rewrite BitNet b1.58 linear layers into tern.ternary_linear over packed codes";
  let description = [{
    Finds the linear layers (`tern.linear`, or `tern.matmul` whose right-hand
    side is computed from constants) whose weight is exactly
    `{-1, 0, +1} * scale` and whose input is BitNet's int8 absmax activation
    quantization, and rewrites each into one `tern.ternary_linear` over
    packed codes (`#tern.ternary<format>`) that absorbs the quantization.

    The weight is recognized by value, not by the ops that produce it: the
    constant subgraph feeding the layer (a Cast of int8 codes times a scale,
    the training form's absmean quantization of latent weights, a
    Transpose, or a constant already folded) is evaluated in f32 at compile
    time, and the layer is ternary when every value is `-a`, `0` or `a` for
    one `a`. So every export form of a QAT model is one case, and nothing is
    rounded: a layer that is not exactly ternary stays f32.

    The activation side must be the exported absmax quantization:
    `q = Clip(Round(x * s), -128, 127)` with `s = 127 / Clip(ReduceMax(Abs(x),
    axes = [-1]), eps)` (`127 * Reciprocal(...)` or `127 / ...`, the Clip
    optional), the layer reading `q`, and its only user `Div(y, s)`. A
    ternary weight whose input is not quantized this way is left f32 and
    counted (`float-activations`): an int8 kernel would change its result.

    `mode=force` also ternarizes ordinary f32 layers with BitNet's absmean
    rule (`scale = mean |W|`, `T = Clip(Round(W / scale), -1, 1)`) and
    quantizes their input with absmax (eps 1e-5): lossy, for trying a model
    as ternary. The layer producing a function result (a language model's
    head) is kept f32, as BitNet keeps it.
  }];
  let dependentDialects = ["::ternion::tern::TernDialect"];
  let options = [
    Option<"mode", "mode", "std::string", /*default=*/"\"auto\"",
           "auto: exactly ternary layers with quantized inputs; force: also "
           "ternarize f32 layers with absmean (lossy)">,
    Option<"format", "format", "std::string", /*default=*/"\"i2\"",
           "Packing of the codes: i2 (2 bits per weight) or base3 (1.6 bits)">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark per function with this pass's counts">
  ];
  let statistics = [
    Statistic<"numTernarized", "ternarized", "Number of exactly ternary layers rewritten">,
    Statistic<"numForced", "forced", "Number of f32 layers ternarized with absmean (mode=force)">,
    Statistic<"numFloatActivations", "float-activations",
              "Number of ternary weights left f32 because their input is not quantized">
  ];
}

def TernKvCacheInPlace : Pass<"tern-kv-cache-in-place", "mlir::func::FuncOp"> {
  let summary = "Update a language model's KV cache in caller-owned buffers";
  let description = [{
    In the Hugging Face Optimum convention every layer returns
    `present.N.key|value = Concat(past_key_values.N.key|value, new, axis=2)`,
    so each decode step copies the whole cache into fresh buffers: at 512
    tokens of a 12-layer model, 38 MB read and written per token. This pass
    turns each such pair into one in-out buffer the runtime preallocates to
    its maximum context:

    * the `past_key_values.N.*` argument becomes a `memref` of
      `[batch, heads, capacity, head_dim]` marked `tern.kv_cache` (the
      manifest and the runtime see the name of the output it replaces);
    * the step's new rows are inserted at `[past, past + sequence)` with
      `tensor.insert_slice` on `bufferization.to_tensor ... restrict
      writable`, so bufferization writes them in place;
    * attention and every other user read the first `past + sequence` rows
      (`tensor.extract_slice`, a strided view after bufferization);
    * `bufferization.materialize_in_destination` keeps the update alive;
      the `present.N.*` results are dropped.

    The past length comes from `attention_mask`, whose length is past plus
    sequence in this convention. Functions without `present.N.*` results
    are left alone; a function whose cache does not have this form is an
    error that names the output.
  }];
  let dependentDialects = [
    "::mlir::bufferization::BufferizationDialect", "::mlir::tensor::TensorDialect",
    "::mlir::memref::MemRefDialect", "::mlir::arith::ArithDialect"
  ];
  let statistics = [
    Statistic<"numCaches", "caches", "Number of KV-cache tensors updated in place">
  ];
}

def TernFuseSpeculative : Pass<"tern-fuse-speculative", "mlir::ModuleOp"> {
  let summary = "Pair a target language model with a draft model for speculative decoding";
  let description = [{
    An artifact compiled with a draft model holds two language-model
    functions (ternion-compile --draft imports the draft as `@draft_main`
    beside the target's `@main`). This pass checks that the pair can
    speculate and records the decision on the target as
    `#tern.speculative<draft = @draft_main, draft_tokens = K, vocabulary = v>`,
    which the manifest and the runtime's generator read:

    * both functions follow the language-model convention (an `input_ids`
      argument, a rank-3 `logits` result), and the draft keeps a KV cache
      (`past_key_values.N.*`), since it runs one token at a time;
    * `vocabulary=auto` picks `shared` when both logits have the same static
      width and `slem` otherwise (the driver decides from the tokenizers
      instead, and passes `shared` or `slem`); `shared` with different
      widths is an error naming both;
    * `draft-tokens` (K, 1..16) is the default number of tokens the draft
      proposes before the target verifies them in one pass over K + 1
      positions.

    The draft loop, the acceptance (greedy match, rejection sampling with
    the residual distribution, or SLEM's exact match after re-encoding) and
    the rollback of both KV caches run in the runtime (docs/speculative.md
    says why): they depend on the sampler's settings and the tokenizers,
    which are chosen at run time.
  }];
  let options = [
    Option<"target", "target", "std::string", "\"main\"", "The target function">,
    Option<"draft", "draft", "std::string", "\"draft_main\"", "The draft function">,
    Option<"draftTokens", "draft-tokens", "int64_t", "4",
           "Tokens the draft proposes per target pass (1..16)">,
    Option<"vocabulary", "vocabulary", "std::string", "\"auto\"",
           "shared | slem | auto (shared when the logits widths agree)">,
  ];
}

def TernSparseAttention : Pass<"tern-sparse-attention", "mlir::func::FuncOp"> {
  let summary = "Give each attention head a sparse pattern for long prefills (MInference)";
  let description = [{
    Reads a pattern file (JSON, written by `ternion-search-attention` or by
    hand; docs/sparse-attention.md has its format) with one entry per
    layer and one pattern per query head, and records it on the function's
    causal `tern.attention` ops, in program order, as
    `sparsity = #tern.sparse_attention<min_tokens = N, heads = [...]>`:

    ```json
    {"format": "ternion.attention-patterns", "version": 1, "layers": [
      {"heads": [{"pattern": "a_shape", "sink": 64, "local": 1024},
                 {"pattern": "vertical_slash", "vertical": 1000, "slash": 200},
                 {"pattern": "block_sparse", "blocks": 16},
                 {"pattern": "dense"} ] } ] }
    ```

    The layer count must equal the number of attention ops and each layer's
    head count the op's query heads; budgets are checked by the pattern
    attributes' verifiers. Errors name the file and the entry. Functions
    other than `function` are left alone (a speculative pair's draft keeps
    dense attention).
  }];
  let options = [
    Option<"patterns", "patterns", "std::string", "\"\"", "The pattern file (JSON)">,
    Option<"minTokens", "min-tokens", "int64_t", "0",
           "Prefills of at least this many tokens run sparse (0: the file's "
           "min_tokens, else 1024)">,
    Option<"function", "function", "std::string", "\"main\"", "The function to annotate">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark per function with this pass's counts">
  ];
  let statistics = [
    Statistic<"numLayers", "layers", "Attention ops given sparse patterns">,
    Statistic<"numAShape", "a-shape-heads", "Heads with an A-shape pattern">,
    Statistic<"numVerticalSlash", "vertical-slash-heads", "Heads with a vertical-slash pattern">,
    Statistic<"numBlockSparse", "block-sparse-heads", "Heads with a block-sparse pattern">,
    Statistic<"numDense", "dense-heads", "Heads kept dense">
  ];
}

def TernExposeAttention : Pass<"tern-expose-attention", "mlir::func::FuncOp"> {
  let summary = "Return the query, key and value of every attention op (for the pattern search)";
  let description = [{
    Appends the operands of each `tern.attention` of `function`, in program
    order, to its results, named `attention.N.query`, `attention.N.key`
    and `attention.N.value`, with its scale as `attention.N.scale`
    (`tensor<1xf32>`). `ternion-search-attention` compiles a model
    with this pass to read what each layer attends with on real text; it
    is not part of a normal compile.
  }];
  let options = [
    Option<"function", "function", "std::string", "\"main\"", "The function to instrument">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def TernOutlineLayers : Pass<"tern-outline-layers", "mlir::ModuleOp"> {
  let summary = "Outline a model's identical layers into one function called per layer";
  let description = [{
    A 22-layer model is one layer's code 22 times over, and every stage
    after this one (linalg, bufferization, LLVM's optimizer and code
    generator) pays for each copy. This pass finds the repeated layers and
    outlines them, so that code generation costs one layer whatever the depth:

    * **Layers** are found from their anchor op (`anchor`, by default
      `tern.attention`): the longest run of anchors at equal distances (in
      non-constant ops) of a function. Every window of that many ops
      around the anchors, at one offset, must be the same program: the same
      ops with the same attributes and result types, operands defined at the
      same place inside the window or taken from outside it in the same
      pattern. Of the offsets that qualify, the one with the fewest values
      crossing the window boundary is taken.
    * **Outlining:** the window becomes `func.func private @F_layer`, and
      each layer a `func.call` to it. Large constants (the layer's weights)
      and values from outside the window (the hidden state, the mask, the
      rotary tables, the KV cache buffers) are its arguments; small constants
      that every layer shares by value (`kMaxFoldedElements`) are cloned into
      it; values used after the window are its results.
    * A window that differs from the others (often the first layer, whose
      shape arithmetic the later layers share through CSE) stays inline.

    Runs last among the tern passes, after the target has chosen its weight
    layouts: those are attributes of the ops and part of what must match.
    With `report`, says per function how many layers were outlined, of how
    many ops each, or why none were.
  }];
  let options = [
    Option<"anchor", "anchor", "std::string", "\"tern.attention\"",
           "The op that occurs once per layer">,
    Option<"minLayers", "min-layers", "int64_t", "2",
           "Outline only when at least this many layers are identical">,
    Option<"report", "report", "bool", "false",
           "Emit a remark per function with what was outlined">,
  ];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

def TernWidenWeights : Pass<"tern-widen-weights", "mlir::func::FuncOp"> {
  let summary = "Turn f16 and bf16 weights cast to f32 into f32 weights";
  let description = [{
    Models published in 16 bits reach the graph as a 16-bit constant and a
    `tern.cast {to = f32}` (an ONNX `Cast` after each initializer). This pass
    converts each such constant once, at compile time, into an f32 constant
    (exactly: every f16 and bf16 value is an f32), so that the linear-layer
    fusions, the ternary and quantization passes and the f32 kernels see an
    ordinary f32 weight. The widened weights are file-backed scratch memory
    (tern/WeightMemory.h), written and dropped one tensor at a time.

    What the artifact stores is the target's choice: the CPU packs the
    panels back into f16 or bf16 with `ternion-compile --weights-dtype`
    (exact for weights that were f16 or bf16 to begin with), else f32.
    With `report`, says how many weights and bytes were widened.
  }];
  let options = [
    Option<"report", "report", "bool", "false",
           "Emit a remark with the number of weights widened">,
  ];
}

#endif // TERNION_PASSES_TD
