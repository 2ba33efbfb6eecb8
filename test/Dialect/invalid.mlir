// Verifiers name the op and the offending value. Shape inference is the
// verifier for most checks, so MLIR adds "failed to infer returned types".
// RUN: ternion-opt %s --split-input-file --verify-diagnostics

func.func @bad_broadcast(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{'tern.add' op operand shapes [2, 3] and [4, 3] are not broadcast-compatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.add %a, %b : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @mixed_types(%a: tensor<2xf32>, %b: tensor<2xi64>) -> tensor<2xf32> {
  // expected-error @+2 {{'tern.mul' op operand element types differ}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.mul %a, %b : (tensor<2xf32>, tensor<2xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @matmul_k(%a: tensor<2x4xf32>, %b: tensor<5x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{'tern.matmul' op contraction dims differ: lhs [2, 4], rhs [5, 3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.matmul %a, %b : (tensor<2x4xf32>, tensor<5x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @wrong_result(%a: tensor<2x4xf32>, %b: tensor<4x3xf32>) -> tensor<2x5xf32> {
  // expected-error @+2 {{'tern.matmul' op inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<2x5xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.matmul %a, %b : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @perm(%a: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{'tern.transpose' op perm is not a permutation of [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.transpose %a {perm = array<i64: 0, 0>} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @softmax_axis(%a: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{'tern.softmax' op axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.softmax %a {axis = 2} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @reshape_count(%a: tensor<2x4xf32>) -> tensor<3x3xf32> {
  %s = tern.constant dense<[3, 3]> : tensor<2xi64>
  // expected-error @+2 {{'tern.reshape' op cannot reshape [2, 4] (8 elements) to [3, 3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.reshape %a, %s : (tensor<2x4xf32>, tensor<2xi64>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @squeeze(%a: tensor<2x4xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{'tern.squeeze' op cannot squeeze dim 0 of size 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.squeeze %a {axes = [0]} : (tensor<2x4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @reduce_axes(%a: tensor<2x4xf32>) -> tensor<2xf32> {
  // expected-error @+2 {{'tern.reduce_sum' op axis -1 is repeated}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.reduce_sum %a {axes = [1, -1], keepdims = false} : (tensor<2x4xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @split_sizes(%a: tensor<6xf32>) -> tensor<2xf32> {
  // expected-error @+2 {{'tern.split' op split sizes sum to 5 but dim 0 is 6}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = tern.split %a {split = array<i64: 2, 3>} : (tensor<6xf32>) -> (tensor<2xf32>, tensor<3xf32>)
  return %0#0 : tensor<2xf32>
}

// -----

func.func @gather_index(%a: tensor<3xi64>) -> tensor<i64> {
  %i = tern.constant dense<5> : tensor<i64>
  // expected-error @+2 {{'tern.gather' op index 5 is out of range for dim 0 of size 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.gather %a, %i : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  return %0 : tensor<i64>
}

// -----

func.func @linear_k(%x: tensor<2x8xf32>) -> tensor<2x4xf32> {
  %w = tern.constant dense<1.0> : tensor<4x6xf32>
  // expected-error @+2 {{'tern.linear' op input features 8 differ from weight K 6}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.linear %x, %w : (tensor<2x8xf32>, tensor<4x6xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @linear_panels_rank(%x: tensor<2x8xf32>) -> tensor<2x4xf32> {
  %w = tern.constant dense<1.0> : tensor<4x8xf32>
  // expected-error @+2 {{'tern.linear' op a weight packed in panels of 2 must be a 3-D [N / 2, K, 2] tensor}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.linear %x, %w {weight_format = #tern.panels<2>} : (tensor<2x8xf32>, tensor<4x8xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @linear_panels_width(%x: tensor<2x8xf32>) -> tensor<2x4xf32> {
  %w = tern.constant dense<1.0> : tensor<1x8x4xf32>
  // expected-error @+2 {{'tern.linear' op a weight packed in panels of 2 must be a 3-D [N / 2, K, 2] tensor}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.linear %x, %w {weight_format = #tern.panels<2>} : (tensor<2x8xf32>, tensor<1x8x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @linear_panels_bias(%x: tensor<2x8xf32>, %b: tensor<2xf32>) -> tensor<2x4xf32> {
  %w = tern.constant dense<1.0> : tensor<2x8x2xf32>
  // expected-error @+2 {{'tern.linear' op bias must be a 1-D tensor of 4 elements}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.linear %x, %w, %b {weight_format = #tern.panels<2>} : (tensor<2x8xf32>, tensor<2x8x2xf32>, tensor<2xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @linear_panels_zero(%x: tensor<2x8xf32>) -> tensor<2x4xf32> {
  %w = tern.constant dense<1.0> : tensor<4x8xf32>
  // expected-error @+1 {{#tern.panels width must be positive, not 0}}
  %0 = tern.linear %x, %w {weight_format = #tern.panels<0>} : (tensor<2x8xf32>, tensor<4x8xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @gqa_heads(%q: tensor<1x6x4x8xf32>, %k: tensor<1x4x4x8xf32>) -> tensor<1x6x4x8xf32> {
  // expected-error @+2 {{'tern.attention' op query heads 6 are not a multiple of key/value heads 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.attention %q, %k, %k {scale = 1.0 : f32} : (tensor<1x6x4x8xf32>, tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x6x4x8xf32>
  return %0 : tensor<1x6x4x8xf32>
}

// -----

func.func @attention_mask(%q: tensor<1x2x4x8xf32>, %m: tensor<3x4xf32>) -> tensor<1x2x4x8xf32> {
  // expected-error @+2 {{'tern.attention' op mask of shape [3, 4] does not broadcast to the scores [1, 2, 4, 4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.attention %q, %q, %q mask %m {scale = 1.0 : f32} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<3x4xf32>) -> tensor<1x2x4x8xf32>
  return %0 : tensor<1x2x4x8xf32>
}

// -----

func.func @constant_of_shape(%s: tensor<2xi64>) -> tensor<?x?xf32> {
  // expected-error @+1 {{'tern.constant_of_shape' op value must have exactly one element, has 2}}
  %0 = tern.constant_of_shape %s {value = dense<[0.0, 1.0]> : tensor<2xf32>} : (tensor<2xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @linear_format_not_a_format(%x: tensor<2x8xf32>) -> tensor<2x4xf32> {
  %w = tern.constant dense<1.0> : tensor<4x8xf32>
  // expected-error @+1 {{'tern.linear' op attribute 'weight_format' failed to satisfy constraint: a weight format (#tern.rows, #tern.panels<P>, ...)}}
  %0 = tern.linear %x, %w {weight_format = 4 : i64} : (tensor<2x8xf32>, tensor<4x8xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @linear_packed_codes(%x: tensor<2x8xf32>) -> tensor<2x4xf32> {
  %w = tern.constant dense<1.0> : tensor<4x8xf32>
  // expected-error @+2 {{'tern.linear' op holds float weights; #tern.ternary<i2> is a format of packed codes, which tern.linear cannot read}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.linear %x, %w {weight_format = #tern.ternary<i2>} : (tensor<2x8xf32>, tensor<4x8xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// expected-error @+1 {{#tern.group_quantized bits must be 2..8, not 9}}
func.func @group_quantized_bits() attributes {format = #tern.group_quantized<bits = 9, group = 64, column_scales = false>} {
  return
}

// -----

// expected-error @+1 {{#tern.group_quantized group must be a positive multiple of 8, not 0}}
func.func @group_quantized_group() attributes {format = #tern.group_quantized<bits = 4, group = 0, column_scales = true>} {
  return
}

// -----

// expected-error @+2 {{expected ::ternion::tern::TernaryPacking to be one of: i2, base3}}
// expected-error @+1 {{failed to parse Tern_TernaryAttr parameter 'packing'}}
func.func @ternary_packing() attributes {format = #tern.ternary<i3>} {
  return
}

// -----

// expected-error @+1 {{#tern.ternary lanes must be 1..256, not 0}}
func.func @ternary_lanes() attributes {format = #tern.ternary<i2, lanes = 0>} {
  return
}

// -----

func.func @ternary_linear_bytes(%x: tensor<2x300xf32>) -> tensor<2x4xf32> {
  %c = tern.constant dense<0> : tensor<4x64xi8>
  // expected-error @+2 {{'tern.ternary_linear' op codes rows hold 64 bytes, but K = 300 in this format needs 75}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.ternary_linear %x, %c {weight_format = #tern.ternary<i2>, weight_scale = 1.0 : f32, input_eps = 0.0 : f32} : (tensor<2x300xf32>, tensor<4x64xi8>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @ternary_linear_lanes(%x: tensor<2x300xf32>) -> tensor<2x4xf32> {
  %c = tern.constant dense<0> : tensor<4x75xi8>
  // 64 lanes: K = 300 pads to 512, 128 bytes a row.
  // expected-error @+2 {{'tern.ternary_linear' op codes rows hold 75 bytes, but K = 300 in this format needs 128}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.ternary_linear %x, %c {weight_format = #tern.ternary<i2, lanes = 64>, weight_scale = 1.0 : f32, input_eps = 0.0 : f32} : (tensor<2x300xf32>, tensor<4x75xi8>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @ternary_linear_pairs_rank(%x: tensor<2x300xf32>) -> tensor<2x32xf32> {
  %c = tern.constant dense<0> : tensor<32x75xi8>
  // pairs interleaves tiles of 16 rows: the codes are [N / 16, bytes, 16].
  // expected-error @+2 {{'tern.ternary_linear' op codes must be a 3-D [N / 16, row bytes, 16] i8 tensor}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.ternary_linear %x, %c {weight_format = #tern.ternary<pairs, lanes = 16>, weight_scale = 1.0 : f32, input_eps = 0.0 : f32} : (tensor<2x300xf32>, tensor<32x75xi8>) -> tensor<2x32xf32>
  return %0 : tensor<2x32xf32>
}

// -----

func.func @ternary_linear_pairs_tile(%x: tensor<2x300xf32>) -> tensor<2x32xf32> {
  %c = tern.constant dense<0> : tensor<2x75x32xi8>
  // expected-error @+2 {{'tern.ternary_linear' op codes must be a 3-D [N / 16, row bytes, 16] i8 tensor}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.ternary_linear %x, %c {weight_format = #tern.ternary<pairs, lanes = 16>, weight_scale = 1.0 : f32, input_eps = 0.0 : f32} : (tensor<2x300xf32>, tensor<2x75x32xi8>) -> tensor<2x32xf32>
  return %0 : tensor<2x32xf32>
}

// -----

func.func @ternary_linear_dynamic_k(%x: tensor<2x?xf32>) -> tensor<2x4xf32> {
  %c = tern.constant dense<0> : tensor<4x75xi8>
  // expected-error @+2 {{'tern.ternary_linear' op input must be a ranked tensor whose last dim (K) is static}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.ternary_linear %x, %c {weight_format = #tern.ternary<i2>, weight_scale = 1.0 : f32, input_eps = 0.0 : f32} : (tensor<2x?xf32>, tensor<4x75xi8>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @ternary_linear_bias(%x: tensor<2x8xf32>, %b: tensor<3xf32>) -> tensor<2x4xf32> {
  %c = tern.constant dense<0> : tensor<4x2xi8>
  // expected-error @+2 {{'tern.ternary_linear' op bias must be a 1-D tensor of 4 elements of the input's type}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.ternary_linear %x, %c, %b {weight_format = #tern.ternary<i2>, weight_scale = 1.0 : f32, input_eps = 0.0 : f32} : (tensor<2x8xf32>, tensor<4x2xi8>, tensor<3xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @ternary_linear_format(%x: tensor<2x8xf32>) -> tensor<2x4xf32> {
  %c = tern.constant dense<0> : tensor<4x2xi8>
  // expected-error @+1 {{attribute 'weight_format' failed to satisfy constraint: a ternary weight format (#tern.ternary<...>)}}
  %0 = tern.ternary_linear %x, %c {weight_format = #tern.panels<4>, weight_scale = 1.0 : f32, input_eps = 0.0 : f32} : (tensor<2x8xf32>, tensor<4x2xi8>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// expected-error @+1 {{#tern.group_quantized lanes > 1 needs 2, 4 or 8 bits, not 3}}
func.func @group_quantized_lanes_bits() attributes {format = #tern.group_quantized<bits = 3, group = 64, column_scales = false, lanes = 16>} {
  return
}

// -----

// expected-error @+1 {{#tern.group_quantized group 64 is not whole blocks of 128 codes (lanes = 32)}}
func.func @group_quantized_lanes_group() attributes {format = #tern.group_quantized<bits = 2, group = 64, column_scales = false, lanes = 32>} {
  return
}

// -----

func.func @quantized_linear_bytes(%x: tensor<2x100xf32>, %s: tensor<4x2xf16>) -> tensor<2x4xf32> {
  %c = tern.constant dense<0> : tensor<4x50xi8>
  // expected-error @+2 {{'tern.quantized_linear' op codes rows hold 50 bytes, but K = 100 in this format needs 64}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.quantized_linear %x, %c, %s, %s {weight_format = #tern.group_quantized<bits = 4, group = 64, column_scales = false>} : (tensor<2x100xf32>, tensor<4x50xi8>, tensor<4x2xf16>, tensor<4x2xf16>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @quantized_linear_scales(%x: tensor<2x100xf32>, %s: tensor<4x3xf16>) -> tensor<2x4xf32> {
  %c = tern.constant dense<0> : tensor<4x64xi8>
  // expected-error @+2 {{'tern.quantized_linear' op scales must be [4, 2] (one per row and group)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.quantized_linear %x, %c, %s, %s {weight_format = #tern.group_quantized<bits = 4, group = 64, column_scales = false>} : (tensor<2x100xf32>, tensor<4x64xi8>, tensor<4x3xf16>, tensor<4x3xf16>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @quantized_linear_missing_columns(%x: tensor<2x100xf32>, %s: tensor<4x2xf16>) -> tensor<2x4xf32> {
  %c = tern.constant dense<0> : tensor<4x64xi8>
  // expected-error @+2 {{'tern.quantized_linear' op its format says column_scales = true but it has none}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.quantized_linear %x, %c, %s, %s {weight_format = #tern.group_quantized<bits = 4, group = 64, column_scales = true>} : (tensor<2x100xf32>, tensor<4x64xi8>, tensor<4x2xf16>, tensor<4x2xf16>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @quantized_linear_extra_columns(%x: tensor<2x100xf32>, %s: tensor<4x2xf16>, %t: tensor<100xf32>) -> tensor<2x4xf32> {
  %c = tern.constant dense<0> : tensor<4x64xi8>
  // expected-error @+2 {{'tern.quantized_linear' op has column_scales but its format says column_scales = false}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = tern.quantized_linear %x, %c, %s, %s column_scales %t {weight_format = #tern.group_quantized<bits = 4, group = 64, column_scales = false>} : (tensor<2x100xf32>, tensor<4x64xi8>, tensor<4x2xf16>, tensor<4x2xf16>, tensor<100xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
