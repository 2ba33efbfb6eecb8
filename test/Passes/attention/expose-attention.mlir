// tern-expose-attention returns what each attention op of @main attends
// with (for ternion-search-attention): query, key, value and the scale,
// named by layer, after the function's own results. Other functions and
// functions without attention are left alone.
// RUN: ternion-opt %s --split-input-file --tern-expose-attention | FileCheck %s
// RUN: ternion-opt %s --split-input-file --tern-expose-attention | ternion-opt --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @main(
// CHECK-SAME: -> (tensor<1x4x?x16xf32> {tern.name = "logits"}, tensor<1x4x?x16xf32> {tern.name = "attention.0.query"}, tensor<1x2x?x16xf32> {tern.name = "attention.0.key"}, tensor<1x2x?x16xf32> {tern.name = "attention.0.value"}, tensor<1xf32> {tern.name = "attention.0.scale"}, tensor<1x4x?x16xf32> {tern.name = "attention.1.query"}, tensor<1x2x?x16xf32> {tern.name = "attention.1.key"}, tensor<1x2x?x16xf32> {tern.name = "attention.1.value"}, tensor<1xf32> {tern.name = "attention.1.scale"})
// CHECK: %[[A0:.*]] = tern.attention %arg0, %arg1, %arg2
// CHECK: %[[A1:.*]] = tern.attention %[[A0]], %arg1, %arg2
// CHECK-DAG: %[[S0:.*]] = arith.constant dense<2.500000e-01> : tensor<1xf32>
// CHECK-DAG: %[[S1:.*]] = arith.constant dense<1.250000e-01> : tensor<1xf32>
// CHECK: return %[[A1]], %arg0, %arg1, %arg2, %[[S0]], %[[A0]], %arg1, %arg2, %[[S1]]
// CHECK-LABEL: func.func @other(
// CHECK-SAME: -> tensor<1x4x?x16xf32>
func.func @main(%q: tensor<1x4x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<1x2x?x16xf32>) -> (tensor<1x4x?x16xf32> {tern.name = "logits"}) {
  %0 = tern.attention %q, %k, %v {scale = 0.25 : f32, causal = true} : (tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>) -> tensor<1x4x?x16xf32>
  %1 = tern.attention %0, %k, %v {scale = 0.125 : f32, causal = true} : (tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>) -> tensor<1x4x?x16xf32>
  return %1 : tensor<1x4x?x16xf32>
}
func.func @other(%q: tensor<1x4x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<1x2x?x16xf32>) -> tensor<1x4x?x16xf32> {
  %0 = tern.attention %q, %k, %v {scale = 0.25 : f32, causal = true} : (tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>) -> tensor<1x4x?x16xf32>
  return %0 : tensor<1x4x?x16xf32>
}

// -----

// CHECK-LABEL: func.func @main(
// CHECK-SAME: -> tensor<2xf32>
func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}
