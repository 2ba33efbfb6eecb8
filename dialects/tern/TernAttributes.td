//===- TernAttributes.td - weight formats -----------------*- tablegen -*-===//
//
// How a linear layer's weight is stored is a typed attribute on the op that
// reads it (`weight_format`), chosen per target by a pass and carried
// through lowering onto the contraction it becomes, so that kernels
// dispatch on the attribute and never re-derive a layout from loop shapes
// (IREE's encoding attributes are the model). Every format implements
// WeightFormatAttrInterface, which gives N back from a stored shape, so shape
// inference needs no case per format.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_ATTRIBUTES_TD
#define TERN_ATTRIBUTES_TD

include "dialects/tern/TernBase.td"
include "mlir/IR/EnumAttr.td"

def Tern_WeightFormatAttrInterface : AttrInterface<"WeightFormatAttrInterface"> {
  let cppNamespace = "::ternion::tern";
  let description = [{
    How a linear layer's logical `[N, K]` weight (the PyTorch `nn.Linear`
    layout) is stored. Formats differ in shape (panels), in element type
    (packed ternary codes, quantized codes) and in the side data a kernel
    reads with them (scales, zero points); the op that carries the format
    holds that side data as operands.
  }];
  let methods = [
    InterfaceMethod<[{
        N, the output features, of a stored weight of this shape (dynamic
        when unknown), or failure when the rank is not this format's.
        The default is dim 0 of a 2-D `[N, ...]` weight, which every format
        that keeps a row per output feature stores.
      }], "::mlir::FailureOr<int64_t>", "getOutputFeatures",
      (ins "::llvm::ArrayRef<int64_t>":$storedShape), [{}], [{
        if (storedShape.size() != 2)
          return ::mlir::failure();
        return storedShape[0];
      }]>,
  ];
}

class Tern_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Tern_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def Tern_RowsAttr : Tern_Attr<"Rows", "rows",
    [DeclareAttrInterfaceMethods<Tern_WeightFormatAttrInterface>]> {
  let summary = "[N, K] rows: the weight as imported";
  let description = [{
    The logical layout itself; what a linear op without a `weight_format`
    holds. The CPU's dot-product kernel reads it.
  }];
}

def Tern_PanelsAttr : Tern_Attr<"Panels", "panels",
    [DeclareAttrInterfaceMethods<Tern_WeightFormatAttrInterface, ["getOutputFeatures"]>]> {
  let summary = "[N / P, K, P] column panels of W^T, for an outer-product GEMM";
  let description = [{
    `weight[p, k, j] = W[p * P + j, k]`: for every k, the P weights of
    outputs `p * P ... p * P + P - 1` side by side, so a GEMM kernel reads
    the weights it multiplies by one input element as whole vectors and
    each panel as one stream. P is a multiple of the target's vector lanes
    (the CPU target chooses 64 with AVX-512, 16 with AVX2).

    ```mlir
    %y = tern.linear %x, %w {weight_format = #tern.panels<64>} : (tensor<?x256xf32>, tensor<8x256x64xf32>) -> tensor<?x512xf32>
    ```
  }];
  let parameters = (ins "int64_t":$width);
  let assemblyFormat = "`<` $width `>`";
  let genVerifyDecl = 1;
}

def Tern_TernaryPacking : I32EnumAttr<"TernaryPacking", "how {-1, 0, +1} codes are packed", [
    I32EnumAttrCase<"I2", 0, "i2">,
    I32EnumAttrCase<"Base3", 1, "base3">,
    I32EnumAttrCase<"Pairs", 2, "pairs">,
  ]> {
  let cppNamespace = "::ternion::tern";
  let genSpecializedAttr = 0;
}

def Tern_TernaryAttr : Tern_Attr<"Ternary", "ternary",
    [DeclareAttrInterfaceMethods<Tern_WeightFormatAttrInterface, ["getOutputFeatures"]>]> {
  let summary = "ternary {-1, 0, +1} codes packed into bytes (BitNet b1.58)";
  let description = [{
    Weights that are exactly `{-1, 0, +1} * scale`, stored as the digit
    `t + 1` (0, 1 or 2) of each weight, several to a byte, one row of bytes
    per output feature (`tern.ternary_linear` holds the scale):

    - `i2`: four weights per byte, 2 bits each: digit `d` of a byte is
      `(byte >> 2d) & 3` (2 bits per weight; bitnet.cpp's I2_S and
      llama.cpp's TQ2_0 store the same information);
    - `base3`: five weights per byte as a base-3 number, digit `d` is
      `(byte / 3^d) % 3` (3^5 = 243 < 256; 1.6 bits per weight; TQ1_0-like);
    - `pairs`: the layout of lookup-table kernels (T-MAC, bitnet.cpp's
      TL1). Each pair of weights `(2p, 2p + 1)` is one 4-bit index
      `3 d(2p) + d(2p + 1)` (0..8) into a table of the 9 partial sums of
      its two activations; byte `j` holds pairs `2j` (low nibble) and
      `2j + 1` (high nibble), i.e. weights `4j .. 4j + 3` (2 bits per
      weight). Here `lanes` interleaves output rows, not weights: the
      codes are `[N / lanes, ceil(K / 4), lanes]`, byte `[t, j, l]` being
      byte `j` of row `t * lanes + l`, so one `lanes`-byte load holds the
      indices of `lanes` rows for one table (N is a multiple of `lanes`).

    `lanes` interleaves the digits for SIMD code: K is cut into blocks of
    `lanes * digits-per-byte` weights, each stored in `lanes` bytes, and
    byte `j` of a block holds weights `j, j + lanes, j + 2 lanes, ...` as its
    digits 0, 1, 2, .... One vector load of `lanes` bytes then unpacks, one
    shift (or division) per digit, into vectors of consecutive weights.
    `lanes = 1` (the default, what `tern-ternarize` writes) is the plain
    sequential order; a target repacks to its vector width. The stored
    weight is `[N, ceil(K / block) * lanes]` i8 (`pairs`: see above); the
    weights of the last block past K are 0 (digit 1).

    ```mlir
    #tern.ternary<i2>
    #tern.ternary<base3, lanes = 32>
    #tern.ternary<pairs, lanes = 64>
    ```
  }];
  let parameters = (ins EnumParameter<Tern_TernaryPacking>:$packing,
                    DefaultValuedParameter<"int64_t", "1">:$lanes);
  let assemblyFormat = "`<` $packing (`,` `lanes` `=` $lanes^)? `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Weights per byte: 4 (i2, pairs) or 5 (base3).
    int64_t getDigitsPerByte() const;
    /// Weights per block: `lanes` bytes of a row (i2, base3), or one byte
    /// (pairs, whose lanes are rows).
    int64_t getBlockWeights() const;
    /// True for `pairs`, whose codes are [N / lanes, row bytes, lanes].
    bool interleavesRows() const;
    /// K rounded up to whole blocks.
    int64_t getPaddedInputFeatures(int64_t k) const;
    /// Bytes per stored row for K input features.
    int64_t getRowBytes(int64_t k) const;
  }];
}

def Tern_GroupQuantizedAttr : Tern_Attr<"GroupQuantized", "group_quantized",
    [DeclareAttrInterfaceMethods<Tern_WeightFormatAttrInterface>]> {
  let summary = "b-bit codes with a scale and zero point per group of K (RTN, SINQ)";
  let description = [{
    `bits`-bit unsigned codes `Q` in `[0, 2^bits - 1]`, with a scale `s` and
    a zero point `z` for each group of `group` consecutive inputs of a row,
    and with `column_scales` one more scale `t` per input column (SINQ's
    second axis):

    ```
    W[n, k] = s[n, k / group] * (Q[n, k] - z[n, k / group]) * t[k]
    ```

    The op that carries the format holds `s` and `z` (f16, `[N, groups]`)
    and `t` (f32, `[K]`) as operands. The codes are `[N, groups * group *
    bits / 8]` i8: each row is a little-endian bit stream in which code `k`
    occupies bits `[k * bits, (k + 1) * bits)`, so every group starts on a
    byte (`group` is a multiple of 8) and codes of 3, 5 or 6 bits may
    straddle two bytes. Codes past K, in a last partial group, are 0.

    `lanes` (2, 4 or 8 bits only) interleaves the codes for SIMD code, as
    `#tern.ternary` does: K is cut into blocks of `lanes * 8 / bits` codes
    stored in `lanes` bytes, and byte `j` of a block holds codes `j, j +
    lanes, j + 2 lanes, ...` from its low bits up. One load of `lanes` bytes
    then unpacks, one shift-and-mask each, into vectors of consecutive
    codes. A group is whole blocks. `lanes = 1` (the default, what
    `tern-quantize` writes) is the plain bit stream above.

    ```mlir
    #tern.group_quantized<bits = 4, group = 64, column_scales = true>
    #tern.group_quantized<bits = 4, group = 64, column_scales = true, lanes = 16>
    ```
  }];
  let parameters = (ins "int64_t":$bits, "int64_t":$group, "::mlir::BoolAttr":$columnScales,
                    DefaultValuedParameter<"int64_t", "1">:$lanes);
  let assemblyFormat = "`<` `bits` `=` $bits `,` `group` `=` $group `,` `column_scales` `=` $columnScales (`,` `lanes` `=` $lanes^)? `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Codes per byte when they do not straddle bytes (2, 4 and 8 bits),
    /// else 0.
    int64_t getCodesPerByte() const { return 8 % getBits() == 0 ? 8 / getBits() : 0; }
    /// Codes per block of `lanes` bytes (lanes = 1: per byte, or 1 for
    /// 3, 5 and 6 bits).
    int64_t getBlockCodes() const { return getLanes() * std::max<int64_t>(getCodesPerByte(), 1); }
    /// Groups per row for K input features.
    int64_t getGroupCount(int64_t k) const { return (k + getGroup() - 1) / getGroup(); }
    /// Bytes of one group's codes.
    int64_t getGroupBytes() const { return getGroup() * getBits() / 8; }
    /// Bytes per stored row for K input features.
    int64_t getRowBytes(int64_t k) const { return getGroupCount(k) * getGroupBytes(); }
    /// Stored bits per weight, scales and zero points included (and the
    /// column scales of N rows).
    double getBitsPerWeight(int64_t n, int64_t k) const;
  }];
}

/// A #tern.group_quantized format.
def Tern_GroupQuantizedFormatAttr : Attr<CPred<"::llvm::isa<::ternion::tern::GroupQuantizedAttr>($_self)">,
                                 "a group-quantized weight format (#tern.group_quantized<...>)"> {
  let storageType = "::ternion::tern::GroupQuantizedAttr";
  let returnType = "::ternion::tern::GroupQuantizedAttr";
  let convertFromStorage = "::llvm::cast<::ternion::tern::GroupQuantizedAttr>($_self)";
}

/// A #tern.ternary format.
def Tern_TernaryFormatAttr : Attr<CPred<"::llvm::isa<::ternion::tern::TernaryAttr>($_self)">,
                                 "a ternary weight format (#tern.ternary<...>)"> {
  let storageType = "::ternion::tern::TernaryAttr";
  let returnType = "::ternion::tern::TernaryAttr";
  let convertFromStorage = "::llvm::cast<::ternion::tern::TernaryAttr>($_self)";
}

/// Any weight format.
def Tern_WeightFormatAttr : Attr<
    CPred<"::llvm::isa<::ternion::tern::WeightFormatAttrInterface>($_self)">,
    "a weight format (#tern.rows, #tern.panels<P>, ...)"> {
  let storageType = "::ternion::tern::WeightFormatAttrInterface";
  let returnType = "::ternion::tern::WeightFormatAttrInterface";
  let convertFromStorage = "::llvm::cast<::ternion::tern::WeightFormatAttrInterface>($_self)";
}

//===----------------------------------------------------------------------===//
// Speculative decoding
//===----------------------------------------------------------------------===//

def Tern_SpeculativeVocabulary : I32EnumAttr<"SpeculativeVocabulary",
    "how a draft model's tokens reach the target", [
    I32EnumAttrCase<"Shared", 0, "shared">,
    I32EnumAttrCase<"Slem", 1, "slem">,
  ]> {
  let cppNamespace = "::ternion::tern";
  let genSpecializedAttr = 0;
}

def Tern_SpeculativeAttr : Tern_Attr<"Speculative", "speculative"> {
  let summary = "the draft model that speculates for this language model";
  let description = [{
    Set by `tern-fuse-speculative` on the target function of an artifact
    compiled with a draft model: which function drafts, how many tokens it
    proposes per target pass by default, and how its tokens become the
    target's:

    - `shared`: both models use one tokenizer; the draft's tokens are the
      target's, and with sampling the target accepts them by rejection
      sampling (Leviathan et al.; Chen et al., 2023);
    - `slem`: the vocabularies differ; the draft's text is re-encoded with
      the target's tokenizer and the target keeps the tokens it would have
      chosen itself (string-level exact match, Timor et al., ICML'25).

    ```mlir
    func.func @main(...) attributes {tern.speculative = #tern.speculative<draft = @draft_main, draft_tokens = 4, vocabulary = shared>}
    ```
  }];
  let parameters = (ins "::mlir::FlatSymbolRefAttr":$draft, "int64_t":$draftTokens,
                    EnumParameter<Tern_SpeculativeVocabulary>:$vocabulary);
  let assemblyFormat = "`<` `draft` `=` $draft `,` `draft_tokens` `=` $draftTokens `,` `vocabulary` `=` $vocabulary `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The most tokens a draft may propose per target pass.
    static constexpr int64_t kMaxDraftTokens = 16;
  }];
}

//===----------------------------------------------------------------------===//
// Sparse attention (MInference)
//===----------------------------------------------------------------------===//

def Tern_DenseHeadAttr : Tern_Attr<"DenseHead", "dense"> {
  let summary = "a head of a sparse attention that keeps every causal key";
  let description = [{
    The pattern of a head for which no sparse pattern kept enough of the
    attention output: it runs dense, like `tern.attention` without
    `sparsity`.
  }];
}

def Tern_AShapeAttr : Tern_Attr<"AShape", "a_shape"> {
  let summary = "A-shape head: the first `sink` keys and the last `local` keys";
  let description = [{
    Each block of 64 queries `[p0, p1]` (absolute positions) sees keys
    `[0, sink)` and `[p0 - local, p1]`, causally (StreamingLLM's attention
    sinks plus a sliding window, at block granularity as MInference
    computes it). `local` is at least 1: a query always sees itself.

    ```mlir
    #tern.a_shape<sink = 64, local = 1024>
    ```
  }];
  let parameters = (ins "int64_t":$sink, "int64_t":$local);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Tern_VerticalSlashAttr : Tern_Attr<"VerticalSlash", "vertical_slash"> {
  let summary = "vertical-slash head: `vertical` key columns and `slash` diagonals, estimated per prompt";
  let description = [{
    Per prompt, the last 64 queries are attended against every key; the
    `vertical` key columns and the `slash` diagonals (query minus key
    offsets) with the largest attention sums are kept, with the first 30
    columns and the first 100 diagonals forced in (MInference's rule), as
    far as the budgets go. Diagonal 0 is always kept, so `slash` is at
    least 1. A block of 64 queries sees the union of its diagonals' key
    ranges and the kept columns, causally.

    ```mlir
    #tern.vertical_slash<vertical = 1000, slash = 200>
    ```
  }];
  let parameters = (ins "int64_t":$vertical, "int64_t":$slash);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Columns and diagonals kept whatever the estimate says (capped by the
    /// budgets): attention sinks and the local window.
    static constexpr int64_t kForcedVertical = 30;
    static constexpr int64_t kForcedSlash = 100;
    /// How many of the last queries estimate the pattern.
    static constexpr int64_t kEstimateQueries = 64;
  }];
}

def Tern_BlockSparseAttr : Tern_Attr<"BlockSparse", "block_sparse"> {
  let summary = "block-sparse head: `blocks` 64x64 key blocks per block of 64 queries, estimated per prompt";
  let description = [{
    Per prompt, queries and keys are mean-pooled over blocks of 64; each
    query block keeps the `blocks` key blocks of highest pooled score,
    causally. The first key block (attention sink) and the diagonal key
    blocks are always kept and count in the budget, so `blocks` is at
    least 2.

    ```mlir
    #tern.block_sparse<blocks = 16>
    ```
  }];
  let parameters = (ins "int64_t":$blocks);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Tern_SparseAttentionAttr : Tern_Attr<"SparseAttention", "sparse_attention"> {
  let summary = "per-head sparse patterns of a causal tern.attention's prefill";
  let description = [{
    Set on `tern.attention` (`sparsity`) by `tern-sparse-attention` from a
    pattern file (MInference, NeurIPS'24): one pattern per query head
    (`#tern.a_shape`, `#tern.vertical_slash`, `#tern.block_sparse` or
    `#tern.dense`). A prefill of at least `min_tokens` queries computes
    only the keys of each head's pattern, in blocks of 64 queries; shorter
    prefills and decode steps run dense. Patterns are causal: a key after
    its query is never attended. The op must be causal: `causal = true`,
    or a mask that holds causality (exported decoders build it in the
    graph, with the padding), which then applies on top of the patterns.

    ```mlir
    sparsity = #tern.sparse_attention<min_tokens = 4096, heads = [#tern.a_shape<sink = 64, local = 1024>, #tern.block_sparse<blocks = 16>]>
    ```
  }];
  let parameters = (ins "int64_t":$minTokens, "::mlir::ArrayAttr":$heads);
  let assemblyFormat = "`<` `min_tokens` `=` $minTokens `,` `heads` `=` $heads `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Queries per block and keys per block of every pattern.
    static constexpr int64_t kBlock = 64;
  }];
}

#endif // TERN_ATTRIBUTES_TD
