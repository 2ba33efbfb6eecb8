//===- TernHighLevelOps.td - ops that Ternion's passes produce -*- tablegen -*-===//
//
// High-level ops carry the decisions of the optimization passes as
// attributes; each has its own lowering, replaceable without touching the
// passes that produce it.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_HIGH_LEVEL_OPS_TD
#define TERN_HIGH_LEVEL_OPS_TD

include "dialects/tern/TernAttributes.td"

def Tern_LinearOp : Tern_Op<"linear"> {
  let summary = "y = x * W^T + b with a constant weight W of shape [N, K]";
  let description = [{
    A linear layer: `input` is `[..., K]`, `weight` is `[N, K]` (the PyTorch
    `nn.Linear` layout, produced by a constant), `bias` is `[N]`. The result
    is `[..., N]`. `tern-fuse-linear` forms it from MatMul/Gemm (+ Add) with a
    constant weight; the ternary and quantization passes rewrite it.

    ```mlir
    %y = tern.linear %x, %w, %b : (tensor<?x?x256xf32>, tensor<512x256xf32>, tensor<512xf32>) -> tensor<?x?x512xf32>
    ```

    `weight_format` says how the weight is stored when a target chose other
    than `[N, K]` rows (`tern-pack-linear-weights`: `#tern.panels<P>`,
    `[N / P, K, P]` column panels of `W^T`); it travels with the lowered
    contraction, and the kernels dispatch on it.

    ```mlir
    %y = tern.linear %x, %w {weight_format = #tern.panels<64>} : (tensor<?x256xf32>, tensor<8x256x64xf32>) -> tensor<?x512xf32>
    ```
  }];
  let arguments = (ins Tern_FloatTensor:$input, Tern_FloatTensor:$weight,
                   Optional<Tern_FloatTensor>:$bias,
                   OptionalAttr<Tern_WeightFormatAttr>:$weight_format);
  let results = (outs Tern_FloatTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let extraClassDeclaration = [{
    /// N, the output features (dynamic when the weight's dims are).
    int64_t getOutputFeatures();
    /// The weight's format: #tern.rows when none is set.
    WeightFormatAttrInterface getWeightFormatOrRows();
  }];
}

def Tern_TernaryLinearOp : Tern_Op<"ternary_linear"> {
  let summary = "A BitNet b1.58 linear layer: int8 absmax activations times packed ternary weights";
  let description = [{
    `y = x * W^T (+ b)` where `W = weight_scale * T`, `T` in {-1, 0, +1}
    stored as packed codes (`weight_format`, a `#tern.ternary`, gives the
    layout of the `[N, rowBytes]` i8 `codes`), and where the input is first
    quantized to int8 per row (BitNet's absmax activation quantization,
    which `tern-ternarize` absorbs from the graph):

    ```
    s[m]    = 127 * (1 / max(max_k |x[m, k]|, input_eps))
    q[m, k] = clamp(round_half_even(x[m, k] * s[m]), -128, 127)
    y[m, n] = (sum_k q[m, k] * T[n, k]) * weight_scale / s[m]  (+ b[n])
    ```

    The sum is exact in int32, so the layer computes what the exported
    graph computes (its float MatMul over integers and ternary weights) up
    to the rounding of the last two products. `input` is `[..., K]` with a
    static K; the result is `[..., N]`.

    ```mlir
    %y = tern.ternary_linear %x, %codes {weight_format = #tern.ternary<i2>, weight_scale = 0.02 : f32, input_eps = 1.0e-05 : f32} : (tensor<?x?x256xf32>, tensor<512x64xi8>) -> tensor<?x?x512xf32>
    ```
  }];
  let arguments = (ins Tern_FloatTensor:$input, TensorOf<[I8]>:$codes,
                   Optional<Tern_FloatTensor>:$bias,
                   Tern_TernaryFormatAttr:$weight_format, F32Attr:$weight_scale,
                   F32Attr:$input_eps);
  let results = (outs Tern_FloatTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let extraClassDeclaration = [{
    /// K, the input features (dynamic when the input's last dim is).
    int64_t getInputFeatures();
  }];
}

def Tern_QuantizedLinearOp : Tern_Op<"quantized_linear", [AttrSizedOperandSegments]> {
  let summary = "A linear layer over b-bit group-quantized weights (RTN, SINQ)";
  let description = [{
    `y = x * W^T (+ b)` where the `[N, K]` weight is stored in the
    `#tern.group_quantized` format `weight_format`:

    ```
    W[n, k] = scales[n, k / group] * (Q[n, k] - zeros[n, k / group]) * column_scales[k]
    ```

    `codes` is `[N, row bytes]` i8 (the format gives the packing), `scales`
    and `zeros` are `[N, groups]` f16, `column_scales` (present exactly when
    the format says `column_scales = true`, SINQ's second axis) is `[K]`
    f32, `bias` `[N]`. `input` is `[..., K]` f32 with a static K; the result
    is `[..., N]`. Since `t` scales the weight's columns, a kernel may apply
    it to the input instead: `y = (x * t) * W'^T`.

    ```mlir
    %y = tern.quantized_linear %x, %codes, %scales, %zeros column_scales %t {weight_format = #tern.group_quantized<bits = 4, group = 64, column_scales = true>} : (tensor<?x256xf32>, tensor<512x128xi8>, tensor<512x4xf16>, tensor<512x4xf16>, tensor<256xf32>) -> tensor<?x512xf32>
    ```
  }];
  let arguments = (ins Tern_FloatTensor:$input, TensorOf<[I8]>:$codes,
                   TensorOf<[F16]>:$scales, TensorOf<[F16]>:$zeros,
                   Optional<TensorOf<[F32]>>:$column_scales,
                   Optional<Tern_FloatTensor>:$bias,
                   Tern_GroupQuantizedFormatAttr:$weight_format);
  let results = (outs Tern_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $codes `,` $scales `,` $zeros (`column_scales` $column_scales^)? (`bias` $bias^)?
    attr-dict `:` functional-type(operands, results)
  }];
  let extraClassDeclaration = [{
    /// K, the input features.
    int64_t getInputFeatures();
  }];
}

def Tern_AttentionOp : Tern_Op<"attention"> {
  let summary = "Scaled dot-product attention: softmax(scale * Q K^T + mask) V";
  let description = [{
    Multi-head or grouped-query attention over head-major tensors:

    - `query`: `[B, Hq, S, D]`; `key`: `[B, Hkv, T, D]`; `value`: `[B, Hkv, T, Dv]`
      with `Hq % Hkv == 0`: query head `h` reads key/value head `h / (Hq / Hkv)`
      (the grouping that HF `repeat_kv` expresses with Unsqueeze/Expand/Reshape).
    - `mask` (optional): an additive mask broadcastable to `[B, Hq, S, T]`,
      e.g. -inf (or a large negative) where attention is not allowed.
    - `causal`: query `i` attends key `j` only when `j <= i + (T - S)`; the
      query block is aligned with the end of the keys, which covers both the
      full-sequence case (`S == T`) and a KV-cache step (`T = past + S`).
    - `scale`: multiplies Q K^T; usually `1/sqrt(D)`.

    Rotary embeddings are applied to Q and K by graph ops before this op; the
    attention op is position-agnostic, so sparse-attention and decode kernels
    do not depend on how positions were encoded.

    Result: `[B, Hq, S, Dv]`.

    `sparsity` (set by `tern-sparse-attention`) gives each query head a
    sparse pattern for long prefills (`#tern.sparse_attention`); it needs
    one pattern per query head and a causal op (`causal`, or a mask that
    holds causality, applied on top of the patterns).
  }];
  let arguments = (ins Tern_FloatTensor:$query, Tern_FloatTensor:$key,
                   Tern_FloatTensor:$value, Optional<Tern_FloatTensor>:$mask,
                   F32Attr:$scale, DefaultValuedAttr<BoolAttr, "false">:$causal,
                   OptionalAttr<Tern_SparseAttentionAttr>:$sparsity);
  let hasVerifier = 1;
  let results = (outs Tern_FloatTensor:$output);
  let assemblyFormat = [{
    $query `,` $key `,` $value (`mask` $mask^)? attr-dict `:` functional-type(operands, results)
  }];
}

#endif // TERN_HIGH_LEVEL_OPS_TD
