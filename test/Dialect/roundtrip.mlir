// Every tern op prints and parses back to the same IR.
// RUN: ternion-opt %s | ternion-opt | FileCheck %s
// RUN: ternion-opt %s --mlir-print-op-generic | ternion-opt | FileCheck %s

// CHECK-LABEL: func.func @graph_ops
func.func @graph_ops(%x: tensor<2x3xf32>, %b: tensor<3xf32>, %p: tensor<2x3xi1>,
                     %i: tensor<2xi64>, %s: tensor<i64>) -> tensor<2x3xf32> {
  // CHECK: tern.add %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %0 = tern.add %x, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.sub
  %1 = tern.sub %0, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.mul
  %2 = tern.mul %1, %x : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.div
  %3 = tern.div %2, %x : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.pow
  %4 = tern.pow %3, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.min
  %5 = tern.min %4, %x : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.max
  %6 = tern.max %5, %x : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.equal {{.*}} -> tensor<2x3xi1>
  %7 = tern.equal %6, %x : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
  // CHECK: tern.less
  %8 = tern.less %6, %x : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
  // CHECK: tern.greater
  %9 = tern.greater %6, %x : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xi1>
  // CHECK: tern.and
  %10 = tern.and %7, %8 : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  // CHECK: tern.or
  %11 = tern.or %10, %9 : (tensor<2x3xi1>, tensor<2x3xi1>) -> tensor<2x3xi1>
  // CHECK: tern.not
  %12 = tern.not %11 : (tensor<2x3xi1>) -> tensor<2x3xi1>
  // CHECK: tern.where
  %13 = tern.where %12, %6, %x : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.sqrt
  %u0 = tern.sqrt %13 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.neg
  %u1 = tern.neg %u0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.abs
  %u2 = tern.abs %u1 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.exp
  %u3 = tern.exp %u2 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.log
  %u4 = tern.log %u3 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.reciprocal
  %u5 = tern.reciprocal %u4 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.erf
  %u6 = tern.erf %u5 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.tanh
  %u7 = tern.tanh %u6 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.sigmoid
  %u8 = tern.sigmoid %u7 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.relu
  %u9 = tern.relu %u8 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.sin
  %u10 = tern.sin %u9 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.cos
  %u11 = tern.cos %u10 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.round
  %u12 = tern.round %u11 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.identity
  %u13 = tern.identity %u12 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.cast %{{.*}} {to = i64}
  %c0 = tern.cast %u13 {to = i64} : (tensor<2x3xf32>) -> tensor<2x3xi64>
  // CHECK: tern.clip %{{.*}} max %{{.*}} :
  %lim = tern.constant dense<6.0> : tensor<f32>
  %c1 = tern.clip %u13 max %lim : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  // CHECK: tern.softmax %{{.*}} {axis = 1 : i64}
  %s0 = tern.softmax %c1 {axis = 1} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.log_softmax
  %s1 = tern.log_softmax %s0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.layer_norm
  %s2 = tern.layer_norm %s1, %b, %b {epsilon = 1.0e-05 : f32} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.reduce_mean %{{.*}} {axes = [1]}
  %r0 = tern.reduce_mean %s2 {axes = [1]} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  // CHECK: tern.reduce_sum %{{.*}} {axes = [0], keepdims = false}
  %r1 = tern.reduce_sum %s2 {axes = [0], keepdims = false} : (tensor<2x3xf32>) -> tensor<3xf32>
  // CHECK: tern.reduce_max %{{.*}} : (tensor<2x3xf32>) -> tensor<1x1xf32>
  %r2 = tern.reduce_max %s2 : (tensor<2x3xf32>) -> tensor<1x1xf32>
  // CHECK: tern.arg_max %{{.*}} {axis = 1 : i64, keepdims = false}
  %r3 = tern.arg_max %s2 {axis = 1, keepdims = false} : (tensor<2x3xf32>) -> tensor<2xi64>
  // CHECK: tern.cumsum %{{.*}} {axis = 1 : i64}
  %r4 = tern.cumsum %s2 {axis = 1} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.transpose %{{.*}} {perm = array<i64: 1, 0>}
  %t0 = tern.transpose %r4 {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  // CHECK: tern.reshape
  %t1 = tern.reshape %t0, %i : (tensor<3x2xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  // CHECK: tern.flatten
  %t2 = tern.flatten %t1 : (tensor<?x?xf32>) -> tensor<?x?xf32>
  // CHECK: tern.unsqueeze %{{.*}} {axes = [0]}
  %t3 = tern.unsqueeze %r4 {axes = [0]} : (tensor<2x3xf32>) -> tensor<1x2x3xf32>
  // CHECK: tern.squeeze %{{.*}} {axes = [0]}
  %t4 = tern.squeeze %t3 {axes = [0]} : (tensor<1x2x3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.concat %{{.*}}, %{{.*}} {axis = 0 : i64}
  %t5 = tern.concat %t4, %x {axis = 0} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  // CHECK: tern.split %{{.*}} {num_outputs = 2 : i64}
  %t6:2 = tern.split %t5 {axis = 0, num_outputs = 2} : (tensor<4x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>)
  // CHECK: tern.slice %{{.*}}, %{{.*}}, %{{.*}} axes %{{.*}} :
  %one = tern.constant dense<[1]> : tensor<1xi64>
  %t7 = tern.slice %t6#0, %one, %one axes %one : (tensor<2x3xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2x0xf32>
  // CHECK: tern.gather %{{.*}}, %{{.*}} {axis = 1 : i64}
  %t8 = tern.gather %t6#1, %s {axis = 1} : (tensor<2x3xf32>, tensor<i64>) -> tensor<2xf32>
  // CHECK: tern.expand
  %t9 = tern.expand %b, %i : (tensor<3xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  // CHECK: tern.shape %{{.*}} {start = 1 : i64}
  %t10 = tern.shape %x {start = 1} : (tensor<2x3xf32>) -> tensor<1xi64>
  // CHECK: tern.trilu %{{.*}} {upper = false}
  %t11 = tern.trilu %x {upper = false} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: tern.constant_of_shape %{{.*}} {value = dense<0.000000e+00> : tensor<1xf32>}
  %g0 = tern.constant_of_shape %i {value = dense<0.0> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<?x?xf32>
  // CHECK: tern.range
  %g1 = tern.range %s, %s, %s : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  return %t11 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @matmul_and_quant
func.func @matmul_and_quant(%a: tensor<2x4xf32>, %w: tensor<4x8xf32>, %q: tensor<2x4xi8>,
                            %scale: tensor<f32>, %zp: tensor<i8>) -> tensor<2x8xf32> {
  // CHECK: tern.matmul
  %0 = tern.matmul %a, %w : (tensor<2x4xf32>, tensor<4x8xf32>) -> tensor<2x8xf32>
  // CHECK: tern.gemm {{.*}} {trans_b = true}
  %wt = tern.transpose %w {perm = array<i64: 1, 0>} : (tensor<4x8xf32>) -> tensor<8x4xf32>
  %1 = tern.gemm %a, %wt {trans_b = true} : (tensor<2x4xf32>, tensor<8x4xf32>) -> tensor<2x8xf32>
  // CHECK: tern.quantize_linear {{.*}} -> tensor<2x4xi8>
  %2 = tern.quantize_linear %a, %scale, %zp : (tensor<2x4xf32>, tensor<f32>, tensor<i8>) -> tensor<2x4xi8>
  // CHECK: tern.dequantize_linear {{.*}} -> tensor<2x4xf32>
  %3 = tern.dequantize_linear %2, %scale, %zp : (tensor<2x4xi8>, tensor<f32>, tensor<i8>) -> tensor<2x4xf32>
  // CHECK: tern.dynamic_quantize_linear {{.*}} -> (tensor<2x4xui8>, tensor<f32>, tensor<ui8>)
  %4:3 = tern.dynamic_quantize_linear %3 : (tensor<2x4xf32>) -> (tensor<2x4xui8>, tensor<f32>, tensor<ui8>)
  // CHECK: tern.matmul_integer %{{.*}}, %{{.*}} b_zero_point %{{.*}} :
  %qb = tern.constant dense<1> : tensor<4x8xui8>
  %zb = tern.constant dense<3> : tensor<ui8>
  %5 = tern.matmul_integer %4#0, %qb b_zero_point %zb : (tensor<2x4xui8>, tensor<4x8xui8>, tensor<ui8>) -> tensor<2x8xi32>
  return %1 : tensor<2x8xf32>
}

// CHECK-LABEL: func.func @high_level
func.func @high_level(%x: tensor<?x?x16xf32>, %q: tensor<1x8x?x4xf32>, %k: tensor<1x2x?x4xf32>,
                      %v: tensor<1x2x?x4xf32>) -> tensor<1x8x?x4xf32> {
  %w = tern.constant dense<1.0> : tensor<32x16xf32>
  %b = tern.constant dense<0.5> : tensor<32xf32>
  // CHECK: tern.linear %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x?x16xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<?x?x32xf32>
  %0 = tern.linear %x, %w, %b : (tensor<?x?x16xf32>, tensor<32x16xf32>, tensor<32xf32>) -> tensor<?x?x32xf32>
  // CHECK: tern.linear %{{.*}}, %{{.*}}, %{{.*}} {weight_format = #tern.panels<16>} : (tensor<?x?x16xf32>, tensor<2x16x16xf32>, tensor<32xf32>) -> tensor<?x?x32xf32>
  %wp = tern.constant dense<1.0> : tensor<2x16x16xf32>
  %p = tern.linear %x, %wp, %b {weight_format = #tern.panels<16>} : (tensor<?x?x16xf32>, tensor<2x16x16xf32>, tensor<32xf32>) -> tensor<?x?x32xf32>
  // CHECK: tern.attention %{{.*}}, %{{.*}}, %{{.*}} {causal = true, scale = 5.000000e-01 : f32}
  %1 = tern.attention %q, %k, %v {causal = true, scale = 0.5 : f32} : (tensor<1x8x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x8x?x4xf32>
  return %1 : tensor<1x8x?x4xf32>
}

// Weight formats round-trip: rows, panels, and the packed forms of the
// ternary and quantization techniques.
// CHECK-LABEL: func.func @weight_formats
// CHECK-SAME: base3 = #tern.ternary<base3>
// CHECK-SAME: i2 = #tern.ternary<i2>
// CHECK-SAME: pairs = #tern.ternary<pairs, lanes = 64>
// CHECK-SAME: panels = #tern.panels<64>
// CHECK-SAME: rows = #tern.rows
// CHECK-SAME: rtn = #tern.group_quantized<bits = 3, group = 128, column_scales = false>
// CHECK-SAME: sinq = #tern.group_quantized<bits = 4, group = 64, column_scales = true>
// CHECK-SAME: sinq16 = #tern.group_quantized<bits = 4, group = 64, column_scales = true, lanes = 16>
func.func @weight_formats() attributes {
    rows = #tern.rows, panels = #tern.panels<64>, i2 = #tern.ternary<i2>,
    base3 = #tern.ternary<base3>, pairs = #tern.ternary<pairs, lanes = 64>,
    sinq = #tern.group_quantized<bits = 4, group = 64, column_scales = true>,
    rtn = #tern.group_quantized<bits = 3, group = 128, column_scales = false>,
    sinq16 = #tern.group_quantized<bits = 4, group = 64, column_scales = true, lanes = 16>} {
  return
}

// CHECK-LABEL: func.func @quantized_linear
// CHECK: tern.quantized_linear %arg0, %{{.*}}, %{{.*}}, %{{.*}} column_scales %{{.*}} bias %arg1 {weight_format = #tern.group_quantized<bits = 4, group = 64, column_scales = true>} : (tensor<?x?x100xf32>, tensor<3x64xi8>, tensor<3x2xf16>, tensor<3x2xf16>, tensor<100xf32>, tensor<3xf32>) -> tensor<?x?x3xf32>
// CHECK: tern.quantized_linear %arg2, %{{.*}}, %{{.*}}, %{{.*}} {weight_format = #tern.group_quantized<bits = 3, group = 128, column_scales = false>} : (tensor<5x256xf32>, tensor<3x96xi8>, tensor<3x2xf16>, tensor<3x2xf16>) -> tensor<5x3xf32>
func.func @quantized_linear(%x: tensor<?x?x100xf32>, %b: tensor<3xf32>, %v: tensor<5x256xf32>) -> (tensor<?x?x3xf32>, tensor<5x3xf32>) {
  %c = tern.constant dense<0> : tensor<3x64xi8>
  %s = tern.constant dense<1.0> : tensor<3x2xf16>
  %z = tern.constant dense<8.0> : tensor<3x2xf16>
  %t = tern.constant dense<1.0> : tensor<100xf32>
  %y = tern.quantized_linear %x, %c, %s, %z column_scales %t bias %b {weight_format = #tern.group_quantized<bits = 4, group = 64, column_scales = true>} : (tensor<?x?x100xf32>, tensor<3x64xi8>, tensor<3x2xf16>, tensor<3x2xf16>, tensor<100xf32>, tensor<3xf32>) -> tensor<?x?x3xf32>
  %c3 = tern.constant dense<0> : tensor<3x96xi8>
  %y3 = tern.quantized_linear %v, %c3, %s, %z {weight_format = #tern.group_quantized<bits = 3, group = 128, column_scales = false>} : (tensor<5x256xf32>, tensor<3x96xi8>, tensor<3x2xf16>, tensor<3x2xf16>) -> tensor<5x3xf32>
  return %y, %y3 : tensor<?x?x3xf32>, tensor<5x3xf32>
}

// CHECK-LABEL: func.func @ternary_linear
// CHECK: tern.ternary_linear %arg0, %{{.*}} {input_eps = 9.99999974E-6 : f32, weight_format = #tern.ternary<i2>, weight_scale = 2.500000e-01 : f32} : (tensor<?x?x8xf32>, tensor<4x2xi8>) -> tensor<?x?x4xf32>
// CHECK: tern.ternary_linear %arg1, %{{.*}}, %arg2 {input_eps = 0.000000e+00 : f32, weight_format = #tern.ternary<base3, lanes = 16>, weight_scale = 1.000000e+00 : f32} : (tensor<300xf32>, tensor<3x64xi8>, tensor<3xf32>) -> tensor<3xf32>
func.func @ternary_linear(%x: tensor<?x?x8xf32>, %v: tensor<300xf32>, %b: tensor<3xf32>) -> (tensor<?x?x4xf32>, tensor<3xf32>) {
  %c = tern.constant dense<0> : tensor<4x2xi8>
  %y = tern.ternary_linear %x, %c {weight_format = #tern.ternary<i2>, weight_scale = 0.25 : f32, input_eps = 1.0e-5 : f32} : (tensor<?x?x8xf32>, tensor<4x2xi8>) -> tensor<?x?x4xf32>
  %c3 = tern.constant dense<0> : tensor<3x64xi8>
  %z = tern.ternary_linear %v, %c3, %b {weight_format = #tern.ternary<base3, lanes = 16>, weight_scale = 1.0 : f32, input_eps = 0.0 : f32} : (tensor<300xf32>, tensor<3x64xi8>, tensor<3xf32>) -> tensor<3xf32>
  return %y, %z : tensor<?x?x4xf32>, tensor<3xf32>
}

// The lookup-table layout: N = 2 tiles of 16 rows.
// CHECK-LABEL: func.func @ternary_linear_pairs
// CHECK: tern.ternary_linear %arg0, %{{.*}} {input_eps = 0.000000e+00 : f32, weight_format = #tern.ternary<pairs, lanes = 16>, weight_scale = 1.000000e+00 : f32} : (tensor<?x300xf32>, tensor<2x75x16xi8>) -> tensor<?x32xf32>
func.func @ternary_linear_pairs(%x: tensor<?x300xf32>) -> tensor<?x32xf32> {
  %c = tern.constant dense<0> : tensor<2x75x16xi8>
  %y = tern.ternary_linear %x, %c {weight_format = #tern.ternary<pairs, lanes = 16>, weight_scale = 1.0 : f32, input_eps = 0.0 : f32} : (tensor<?x300xf32>, tensor<2x75x16xi8>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}
