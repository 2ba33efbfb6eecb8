// RUN: ternion-opt %s --split-input-file --convert-tern-to-linalg --verify-diagnostics | FileCheck %s

// numpy broadcasting becomes indexing maps: the [4] operand is read with
// (d0, d1) -> (d1), the dynamic result dim comes from the operand that has it.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @broadcast_add
// CHECK: %[[D:.*]] = tensor.dim %arg0, %{{.*}} : tensor<?x4xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<?x4xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK: arith.addf
func.func @broadcast_add(%x: tensor<?x4xf32>, %y: tensor<4xf32>) -> tensor<?x4xf32> {
  %a = tern.add %x, %y : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return %a : tensor<?x4xf32>
}

// -----

// tern.linear keeps W as [N, K]: x[m, k] * w[n, k] over flattened rows.
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[Y:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @linear
// CHECK: tensor.collapse_shape %arg0 {{\[\[}}0, 1], [2]] : tensor<?x?x8xf32> into tensor<?x8xf32>
// CHECK: linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[Y]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2]] output_shape [%{{.*}}, %{{.*}}, 16] : tensor<?x16xf32> into tensor<?x?x16xf32>
func.func @linear(%x: tensor<?x?x8xf32>, %w: tensor<16x8xf32>) -> tensor<?x?x16xf32> {
  %y = tern.linear %x, %w : (tensor<?x?x8xf32>, tensor<16x8xf32>) -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// -----

// A weight packed in panels, [N / P, K, P]: y is computed as [M, N / P, P]
// (every map a projected permutation) from the bias reshaped to [N / P, P],
// then collapsed back.
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d3, d2)>
// CHECK-DAG: #[[Y:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @linear_panels
// CHECK: %[[BIAS:.*]] = tensor.expand_shape %arg2 {{\[\[}}0, 1]] output_shape [2, 4] : tensor<8xf32> into tensor<2x4xf32>
// CHECK: %[[INIT:.*]] = linalg.generic {indexing_maps = [#[[B]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[BIAS]] : tensor<2x4xf32>) outs(%{{.*}} : tensor<?x2x4xf32>)
// CHECK: %[[OUT:.*]] = linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[Y]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%arg0, %arg1 : tensor<?x3xf32>, tensor<2x3x4xf32>) outs(%[[INIT]] : tensor<?x2x4xf32>)
// CHECK: tensor.collapse_shape %[[OUT]] {{\[\[}}0], [1, 2]] : tensor<?x2x4xf32> into tensor<?x8xf32>
func.func @linear_panels(%x: tensor<?x3xf32>, %w: tensor<2x3x4xf32>, %b: tensor<8xf32>) -> tensor<?x8xf32> {
  %y = tern.linear %x, %w, %b {weight_format = #tern.panels<4>} : (tensor<?x3xf32>, tensor<2x3x4xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// Batched MatMul with a broadcast batch dim on the right.
// CHECK-DAG: #[[L:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-DAG: #[[R:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d4, d3)>
// CHECK-LABEL: func.func @batched_matmul
// CHECK: linalg.fill
// CHECK: linalg.generic {indexing_maps = [#[[L]], #[[R]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
func.func @batched_matmul(%a: tensor<2x4x?x8xf32>, %b: tensor<2x1x8x5xf32>) -> tensor<2x4x?x5xf32> {
  %c = tern.matmul %a, %b : (tensor<2x4x?x8xf32>, tensor<2x1x8x5xf32>) -> tensor<2x4x?x5xf32>
  return %c : tensor<2x4x?x5xf32>
}

// -----

// Casts follow ONNX: bool -> float is unsigned, float -> int truncates.
// CHECK-LABEL: func.func @casts
// CHECK: arith.uitofp
// CHECK: arith.fptosi
func.func @casts(%b: tensor<3xi1>, %f: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xi64>) {
  %0 = tern.cast %b {to = f32} : (tensor<3xi1>) -> tensor<3xf32>
  %1 = tern.cast %f {to = i64} : (tensor<3xf32>) -> tensor<3xi64>
  return %0, %1 : tensor<3xf32>, tensor<3xi64>
}

// -----

// Unsigned integers (ONNX uint8 is ui8) cast through signless arith:
// ui8 -> f32 is uitofp, f32 -> ui8 fptoui.
// CHECK-LABEL: func.func @unsigned_casts
// CHECK: ^bb0(%[[IN:.*]]: ui8, %{{.*}}: f32):
// CHECK: %[[S:.*]] = builtin.unrealized_conversion_cast %[[IN]] : ui8 to i8
// CHECK: arith.uitofp %[[S]] : i8 to f32
// CHECK: %[[U:.*]] = arith.fptoui %{{.*}} : f32 to i8
// CHECK: builtin.unrealized_conversion_cast %[[U]] : i8 to ui8
func.func @unsigned_casts(%u: tensor<3xui8>, %f: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xui8>) {
  %0 = tern.cast %u {to = f32} : (tensor<3xui8>) -> tensor<3xf32>
  %1 = tern.cast %f {to = ui8} : (tensor<3xf32>) -> tensor<3xui8>
  return %0, %1 : tensor<3xf32>, tensor<3xui8>
}

// -----

// Clip: max with the lower bound, then min with the upper one (numpy.clip);
// the scalar bounds are read with () maps.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[S:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @clip
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[S]], #[[S]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK: %[[LO:.*]] = arith.maximumf
// CHECK: arith.minimumf %[[LO]]
func.func @clip(%x: tensor<?x4xf32>, %lo: tensor<f32>, %hi: tensor<f32>) -> tensor<?x4xf32> {
  %0 = tern.clip %x min %lo max %hi : (tensor<?x4xf32>, tensor<f32>, tensor<f32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// Clip with only an upper bound on ui8: an unsigned min; the ui8 splat
// bound is read as the signless splat with the same bits.
// CHECK-LABEL: func.func @clip_max_ui8
// CHECK: %[[HI:.*]] = arith.constant dense<-56> : tensor<i8>
// CHECK: linalg.generic {{.*}} ins(%arg0, %[[HI]] : tensor<?xui8>, tensor<i8>)
// CHECK-NOT: arith.maxui
// CHECK: arith.minui
func.func @clip_max_ui8(%x: tensor<?xui8>) -> tensor<?xui8> {
  %hi = tern.constant dense<200> : tensor<ui8>
  %0 = tern.clip %x max %hi : (tensor<?xui8>, tensor<ui8>) -> tensor<?xui8>
  return %0 : tensor<?xui8>
}

// -----

// An op the CPU lowering cannot handle is an error naming it and saying
// why, not a silent skip.
func.func @not_lowered(%a: tensor<3x4xi64>, %b: tensor<4x2xi64>) -> tensor<3x2xi64> {
  // expected-error @+2 {{not supported by the CPU lowering}}
  // expected-error @+1 {{failed to legalize operation 'tern.gemm'}}
  %0 = tern.gemm %a, %b {alpha = 0.5 : f32} : (tensor<3x4xi64>, tensor<4x2xi64>) -> tensor<3x2xi64>
  return %0 : tensor<3x2xi64>
}

// -----

// Pow with an integer base computes in f64 and converts back (ONNX: the
// result has the base's type).
// CHECK-LABEL: func.func @int_pow
// CHECK: arith.sitofp %{{.*}} : i64 to f64
// CHECK: arith.sitofp %{{.*}} : i64 to f64
// CHECK: math.powf %{{.*}}, %{{.*}} : f64
// CHECK: arith.fptosi %{{.*}} : f64 to i64
func.func @int_pow(%x: tensor<3xi64>, %y: tensor<3xi64>) -> tensor<3xi64> {
  %p = tern.pow %x, %y : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  return %p : tensor<3xi64>
}

// -----

// Unsigned integers: arith takes signless values, so the body casts in and
// out, and division, max and comparison use their unsigned forms.
// CHECK-LABEL: func.func @unsigned_ops
// CHECK: builtin.unrealized_conversion_cast %{{.*}} : ui8 to i8
// CHECK: arith.divui %{{.*}}, %{{.*}} : i8
// CHECK: builtin.unrealized_conversion_cast %{{.*}} : i8 to ui8
// CHECK: arith.maxui
// CHECK: arith.cmpi ult
func.func @unsigned_ops(%x: tensor<4xui8>, %y: tensor<4xui8>) -> (tensor<4xui8>, tensor<4xui8>, tensor<4xi1>) {
  %d = tern.div %x, %y : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %m = tern.max %x, %y : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %l = tern.less %x, %y : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xi1>
  return %d, %m, %l : tensor<4xui8>, tensor<4xui8>, tensor<4xi1>
}
