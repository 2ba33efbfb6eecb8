//===- TernGraphOps.td - tern graph ops with ONNX semantics --*- tablegen -*-===//
//
// One op per ONNX op type that decoder-only and encoder transformer exports
// contain. Inputs that ONNX allows to be computed but that are constant in
// every real export (reduction axes, split sizes, CumSum's axis) are
// normalized to attributes by the importer; inputs that really are dynamic in
// KV-cache graphs (Reshape/Expand shapes, Slice bounds) stay operands.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_GRAPH_OPS_TD
#define TERN_GRAPH_OPS_TD

include "dialects/tern/TernBase.td"

//===----------------------------------------------------------------------===//
// Elementwise arithmetic, comparison and logic (broadcasting)
//===----------------------------------------------------------------------===//

let hasFolder = 1 in {
def Tern_AddOp : Tern_BroadcastBinaryOp<"add", "Elementwise addition">;
def Tern_SubOp : Tern_BroadcastBinaryOp<"sub", "Elementwise subtraction">;
def Tern_MulOp : Tern_BroadcastBinaryOp<"mul", "Elementwise multiplication">;
def Tern_DivOp : Tern_BroadcastBinaryOp<"div", "Elementwise division (integer division truncates)">;
def Tern_MinOp : Tern_BroadcastBinaryOp<"min", "Elementwise minimum (ONNX Min with two inputs)">;
def Tern_MaxOp : Tern_BroadcastBinaryOp<"max", "Elementwise maximum (ONNX Max with two inputs)">;
def Tern_EqualOp : Tern_BroadcastBinaryOp<"equal", "Elementwise ==, result i1">;
def Tern_LessOp : Tern_BroadcastBinaryOp<"less", "Elementwise <, result i1">;
def Tern_GreaterOp : Tern_BroadcastBinaryOp<"greater", "Elementwise >, result i1">;
}
def Tern_PowOp : Tern_BroadcastBinaryOp<"pow", "Elementwise power; the exponent may have another element type"> {
  let hasFolder = 1;
}
def Tern_AndOp : Tern_BroadcastBinaryOp<"and", "Elementwise logical and of i1 tensors">;
def Tern_OrOp : Tern_BroadcastBinaryOp<"or", "Elementwise logical or of i1 tensors">;

def Tern_WhereOp : Tern_Op<"where"> {
  let summary = "Select elements from `x` where `condition` is true, else from `y`";
  let arguments = (ins Tern_BoolTensor:$condition, Tern_Tensor:$x, Tern_Tensor:$y);
  let results = (outs Tern_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise unary
//===----------------------------------------------------------------------===//

def Tern_SqrtOp : Tern_UnaryOp<"sqrt", "Elementwise square root"> {
  let hasFolder = 1;
}
def Tern_NegOp : Tern_UnaryOp<"neg", "Elementwise negation"> {
  let hasFolder = 1;
}
def Tern_AbsOp : Tern_UnaryOp<"abs", "Elementwise absolute value">;
def Tern_ExpOp : Tern_UnaryOp<"exp", "Elementwise e^x">;
def Tern_LogOp : Tern_UnaryOp<"log", "Elementwise natural logarithm">;
def Tern_ReciprocalOp : Tern_UnaryOp<"reciprocal", "Elementwise 1/x">;
def Tern_ErfOp : Tern_UnaryOp<"erf", "Elementwise error function">;
def Tern_TanhOp : Tern_UnaryOp<"tanh", "Elementwise hyperbolic tangent">;
def Tern_SigmoidOp : Tern_UnaryOp<"sigmoid", "Elementwise 1/(1+e^-x)">;
def Tern_ReluOp : Tern_UnaryOp<"relu", "Elementwise max(x, 0)">;
def Tern_SinOp : Tern_UnaryOp<"sin", "Elementwise sine">;
def Tern_CosOp : Tern_UnaryOp<"cos", "Elementwise cosine">;
def Tern_RoundOp : Tern_UnaryOp<"round", "Elementwise round half to even">;
def Tern_NotOp : Tern_UnaryOp<"not", "Elementwise logical not of an i1 tensor">;
def Tern_IdentityOp : Tern_UnaryOp<"identity", "The input, unchanged"> {
  let hasFolder = 1;
}

def Tern_CastOp : Tern_Op<"cast"> {
  let summary = "Convert elements to the element type `to`";
  let arguments = (ins Tern_Tensor:$input, TypeAttr:$to);
  let results = (outs Tern_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Tern_ClipOp : Tern_Op<"clip", [AttrSizedOperandSegments]> {
  let summary = "Clamp elements to [min, max]; a missing bound is unbounded";
  let arguments = (ins Tern_Tensor:$input, Optional<Tern_Tensor>:$min,
                   Optional<Tern_Tensor>:$max);
  let results = (outs Tern_Tensor:$output);
  let assemblyFormat = [{
    $input (`min` $min^)? (`max` $max^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Contractions and normalizations
//===----------------------------------------------------------------------===//

def Tern_MatMulOp : Tern_Op<"matmul"> {
  let summary = "numpy.matmul: batched matrix product with broadcast batch dims";
  let arguments = (ins Tern_Tensor:$lhs, Tern_Tensor:$rhs);
  let results = (outs Tern_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def Tern_GemmOp : Tern_Op<"gemm"> {
  let summary = "alpha * op(A) * op(B) + beta * C with 2-D A and B";
  let arguments = (ins Tern_Tensor:$a, Tern_Tensor:$b, Optional<Tern_Tensor>:$c,
                   DefaultValuedAttr<F32Attr, "1.0">:$alpha,
                   DefaultValuedAttr<F32Attr, "1.0">:$beta,
                   DefaultValuedAttr<BoolAttr, "false">:$trans_a,
                   DefaultValuedAttr<BoolAttr, "false">:$trans_b);
  let results = (outs Tern_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def Tern_MatMulIntegerOp : Tern_Op<"matmul_integer", [AttrSizedOperandSegments]> {
  let summary = "Integer matmul of (A - a_zero_point) and (B - b_zero_point) into i32";
  let arguments = (ins TensorOf<[I8, UI8]>:$a, TensorOf<[I8, UI8]>:$b,
                   Optional<TensorOf<[I8, UI8]>>:$a_zero_point,
                   Optional<TensorOf<[I8, UI8]>>:$b_zero_point);
  let results = (outs TensorOf<[I32]>:$output);
  let assemblyFormat = [{
    $a `,` $b (`a_zero_point` $a_zero_point^)? (`b_zero_point` $b_zero_point^)?
    attr-dict `:` functional-type(operands, results)
  }];
}

def Tern_SoftmaxOp : Tern_Op<"softmax"> {
  let summary = "Softmax along one axis (opset-13 semantics)";
  let arguments = (ins Tern_FloatTensor:$input, DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs Tern_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Tern_LogSoftmaxOp : Tern_Op<"log_softmax"> {
  let summary = "Log of softmax along one axis (opset-13 semantics)";
  let arguments = (ins Tern_FloatTensor:$input, DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs Tern_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Tern_LayerNormOp : Tern_Op<"layer_norm"> {
  let summary = "Layer normalization over dims [axis, rank), scaled and shifted";
  let arguments = (ins Tern_FloatTensor:$input, Tern_FloatTensor:$scale,
                   Optional<Tern_FloatTensor>:$bias,
                   DefaultValuedAttr<I64Attr, "-1">:$axis,
                   DefaultValuedAttr<F32Attr, "1.0e-5">:$epsilon);
  let results = (outs Tern_FloatTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

class Tern_ReduceOp<string mnemonic, string desc> : Tern_Op<mnemonic> {
  let summary = desc;
  let description = [{
    Reduces over `axes` (all dims when absent, unless `noop_with_empty_axes`).
    ONNX's axes input (opset 13/18) is normalized to this attribute.
  }];
  let arguments = (ins Tern_Tensor:$input, OptionalAttr<I64ArrayAttr>:$axes,
                   DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                   DefaultValuedAttr<BoolAttr, "false">:$noop_with_empty_axes);
  let results = (outs Tern_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}
def Tern_ReduceMeanOp : Tern_ReduceOp<"reduce_mean", "Mean over axes">;
def Tern_ReduceSumOp : Tern_ReduceOp<"reduce_sum", "Sum over axes">;
def Tern_ReduceMaxOp : Tern_ReduceOp<"reduce_max", "Maximum over axes">;

def Tern_ArgMaxOp : Tern_Op<"arg_max"> {
  let summary = "Index of the maximum along one axis, as i64";
  let arguments = (ins Tern_Tensor:$input, DefaultValuedAttr<I64Attr, "0">:$axis,
                   DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                   DefaultValuedAttr<BoolAttr, "false">:$select_last_index);
  let results = (outs TensorOf<[I64]>:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Tern_CumSumOp : Tern_Op<"cumsum"> {
  let summary = "Cumulative sum along `axis`";
  let arguments = (ins Tern_Tensor:$input, I64Attr:$axis,
                   DefaultValuedAttr<BoolAttr, "false">:$exclusive,
                   DefaultValuedAttr<BoolAttr, "false">:$reverse);
  let results = (outs Tern_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// Shape and data movement
//===----------------------------------------------------------------------===//

def Tern_TransposeOp : Tern_Op<"transpose"> {
  let summary = "Permute dims; output dim i is input dim perm[i]";
  let arguments = (ins Tern_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Tern_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Tern_ReshapeOp : Tern_Op<"reshape"> {
  let summary = "Reshape to `shape` (0 copies the input dim unless allowzero; -1 is inferred)";
  let arguments = (ins Tern_Tensor:$input, TensorOf<[I64]>:$shape,
                   DefaultValuedAttr<BoolAttr, "false">:$allowzero);
  let results = (outs Tern_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Tern_FlattenOp : Tern_Op<"flatten"> {
  let summary = "Reshape to 2-D: dims [0, axis) and [axis, rank)";
  let arguments = (ins Tern_Tensor:$input, DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs Tern_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Tern_SqueezeOp : Tern_Op<"squeeze"> {
  let summary = "Remove size-1 dims `axes` (all size-1 dims when absent)";
  let arguments = (ins Tern_Tensor:$input, OptionalAttr<I64ArrayAttr>:$axes);
  let results = (outs Tern_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Tern_UnsqueezeOp : Tern_Op<"unsqueeze"> {
  let summary = "Insert size-1 dims at `axes` of the output";
  let arguments = (ins Tern_Tensor:$input, I64ArrayAttr:$axes);
  let results = (outs Tern_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Tern_ConcatOp : Tern_Op<"concat"> {
  let summary = "Concatenate tensors along `axis`";
  let arguments = (ins Variadic<Tern_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Tern_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Tern_SplitOp : Tern_Op<"split"> {
  let summary = "Split along `axis` into pieces of `split` sizes (equal when absent)";
  let description = [{
    Exactly one of `split` (the size of each piece) or `num_outputs` (equal
    pieces, the last one smaller when the dim does not divide) is given.
  }];
  let arguments = (ins Tern_Tensor:$input, DefaultValuedAttr<I64Attr, "0">:$axis,
                   OptionalAttr<DenseI64ArrayAttr>:$split,
                   OptionalAttr<I64Attr>:$num_outputs);
  let results = (outs Variadic<Tern_Tensor>:$outputs);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Tern_SliceOp : Tern_Op<"slice", [AttrSizedOperandSegments]> {
  let summary = "numpy-style slice with starts, ends, axes and steps (ONNX clamping)";
  let arguments = (ins Tern_Tensor:$input, Tern_IndexTensor:$starts,
                   Tern_IndexTensor:$ends, Optional<Tern_IndexTensor>:$axes,
                   Optional<Tern_IndexTensor>:$steps);
  let results = (outs Tern_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $starts `,` $ends (`axes` $axes^)? (`steps` $steps^)? attr-dict
    `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

def Tern_GatherOp : Tern_Op<"gather"> {
  let summary = "Gather slices of `input` along `axis` at `indices` (negative indices wrap)";
  let arguments = (ins Tern_Tensor:$input, Tern_IndexTensor:$indices,
                   DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs Tern_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Tern_GatherElementsOp : Tern_Op<"gather_elements"> {
  let summary = "out[i] = input[i with i[axis] = indices[i]] (ONNX GatherElements; negative indices wrap)";
  let description = [{
    `indices` has the rank of `input`; the result has the shape of
    `indices`, and each element reads `input` at its own position with the
    `axis` coordinate replaced by its index.
  }];
  let arguments = (ins Tern_Tensor:$input, Tern_IndexTensor:$indices,
                   DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs Tern_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def Tern_GatherNDOp : Tern_Op<"gather_nd"> {
  let summary = "Slices of `input` at the index tuples in the last dim of `indices` (ONNX GatherND)";
  let description = [{
    With `b = batch_dims` leading dims shared by both operands and
    `m = indices.shape[-1]`, the result is
    `indices.shape[:-1] + input.shape[b + m:]`: each index tuple selects
    coordinates `b .. b + m - 1` of `input` within its batch (negative
    indices wrap).
  }];
  let arguments = (ins Tern_Tensor:$input, Tern_IndexTensor:$indices,
                   DefaultValuedAttr<I64Attr, "0">:$batch_dims);
  let results = (outs Tern_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def Tern_ExpandOp : Tern_Op<"expand"> {
  let summary = "Broadcast `input` to `shape` (bidirectionally, as ONNX Expand)";
  let arguments = (ins Tern_Tensor:$input, TensorOf<[I64]>:$shape);
  let results = (outs Tern_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Tern_ShapeOp : Tern_Op<"shape"> {
  let summary = "The dims [start, end) of `input` as a 1-D i64 tensor";
  let arguments = (ins Tern_Tensor:$input, DefaultValuedAttr<I64Attr, "0">:$start,
                   OptionalAttr<I64Attr>:$end);
  let results = (outs TensorOf<[I64]>:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Tern_TriluOp : Tern_Op<"trilu"> {
  let summary = "Keep the upper (or lower) triangle of the last two dims, offset by k";
  let arguments = (ins Tern_Tensor:$input, Optional<TensorOf<[I64]>>:$k,
                   DefaultValuedAttr<BoolAttr, "true">:$upper);
  let results = (outs Tern_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Constants and generators
//===----------------------------------------------------------------------===//

def Tern_ConstantOp : Tern_Op<"constant", [ConstantLike]> {
  let summary = "A constant tensor; weights are dense_resource blobs";
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Tern_Tensor:$output);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

def Tern_ConstantOfShapeOp : Tern_Op<"constant_of_shape"> {
  let summary = "A tensor of `shape` filled with the one element of `value`";
  let arguments = (ins TensorOf<[I64]>:$shape, ElementsAttr:$value);
  let results = (outs Tern_Tensor:$output);
  let assemblyFormat = "$shape attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Tern_RangeOp : Tern_Op<"range"> {
  let summary = "1-D tensor [start, start+delta, ...) below `limit` (scalar operands)";
  let arguments = (ins Tern_Tensor:$start, Tern_Tensor:$limit, Tern_Tensor:$delta);
  let results = (outs Tern_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

def Tern_QuantizeLinearOp : Tern_Op<"quantize_linear"> {
  let summary = "saturate(round(x / scale) + zero_point) to i8 or ui8";
  let arguments = (ins Tern_FloatTensor:$input, Tern_FloatTensor:$scale,
                   Optional<TensorOf<[I8, UI8]>>:$zero_point,
                   DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs TensorOf<[I8, UI8]>:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def Tern_DequantizeLinearOp : Tern_Op<"dequantize_linear"> {
  let summary = "(x - zero_point) * scale";
  let arguments = (ins TensorOf<[I8, UI8, I32]>:$input, Tern_FloatTensor:$scale,
                   Optional<TensorOf<[I8, UI8, I32]>>:$zero_point,
                   DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs Tern_FloatTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def Tern_DynamicQuantizeLinearOp : Tern_Op<"dynamic_quantize_linear"> {
  let summary = "Quantize f32 to ui8 with a scale and zero point computed from the data";
  let arguments = (ins TensorOf<[F32]>:$input);
  let results = (outs TensorOf<[UI8]>:$output, TensorOf<[F32]>:$scale,
                  TensorOf<[UI8]>:$zero_point);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif // TERN_GRAPH_OPS_TD
