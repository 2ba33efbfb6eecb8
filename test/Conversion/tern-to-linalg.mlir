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

// An op without a lowering is an error naming it, not a silent skip.
func.func @no_lowering_yet(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{failed to legalize operation 'tern.softmax'}}
  %y = tern.softmax %x : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
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
