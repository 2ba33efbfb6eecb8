// RUN: ternion-opt %s --split-input-file --convert-tern-to-linalg --verify-diagnostics | FileCheck %s

// Stable softmax over a dynamic axis: max-reduce, sum of exp(x - max), then
// exp(x - max) / sum, the statistics read through the dropped-axis map.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[ST:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @softmax
// CHECK: %[[NEG:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[MI:.*]] = linalg.fill ins(%[[NEG]] : f32) outs(%{{.*}} : tensor<2x8xf32>)
// CHECK: %[[MAX:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ST]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%arg0 : tensor<2x?x8xf32>) outs(%[[MI]] : tensor<2x8xf32>)
// CHECK: arith.maximumf
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ST]], #[[ST]]], iterator_types = ["parallel", "reduction", "parallel"]} ins(%arg0, %[[MAX]] : tensor<2x?x8xf32>, tensor<2x8xf32>)
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: arith.addf {{.*}} fastmath<reassoc> : f32
// CHECK: %[[D:.*]] = tensor.dim %arg0, %{{.*}} : tensor<2x?x8xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<2x?x8xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ST]], #[[ST]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg0, %[[MAX]], %[[SUM]] : {{.*}}) outs(%[[E]] : tensor<2x?x8xf32>)
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: arith.divf
func.func @softmax(%x: tensor<2x?x8xf32>) -> tensor<2x?x8xf32> {
  %0 = tern.softmax %x {axis = 1 : i64} : (tensor<2x?x8xf32>) -> tensor<2x?x8xf32>
  return %0 : tensor<2x?x8xf32>
}

// -----

// LogSoftmax: x - max - log(sum).
// CHECK-LABEL: func.func @log_softmax
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: linalg.generic
// CHECK: %[[S:.*]] = arith.subf
// CHECK: %[[L:.*]] = math.log
// CHECK: arith.subf %[[S]], %[[L]]
func.func @log_softmax(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = tern.log_softmax %x : (tensor<?x8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// LayerNorm over the last dim: sum, then the two-pass sum of squared
// deviations, then (x - mean) / sqrt(var + eps) * scale + bias with scale
// and bias read as (d2).
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[ST:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[P:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @layer_norm
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ST]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: %[[SQ:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ST]], #[[ST]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0, %[[SUM]] :
// CHECK: %[[EPS:.*]] = arith.constant 1.000000e-03 : f32
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ST]], #[[ST]], #[[P]], #[[P]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg0, %[[SUM]], %[[SQ]], %arg1, %arg2 :
// CHECK: arith.addf %{{.*}}, %[[EPS]]
// CHECK: math.sqrt
// CHECK: arith.divf
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @layer_norm(%x: tensor<?x4x8xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<?x4x8xf32> {
  %0 = tern.layer_norm %x, %s, %b {epsilon = 1.0e-3 : f32} : (tensor<?x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x4x8xf32>
  return %0 : tensor<?x4x8xf32>
}

// -----

// axis = 1 normalizes dims 1 and 2; a [4, 1] scale broadcasts over dim 2.
// CHECK-DAG: #[[ST:.*]] = affine_map<(d0, d1, d2) -> (d0)>
// CHECK-DAG: #[[P:.*]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-LABEL: func.func @layer_norm_axis1
// CHECK: iterator_types = ["parallel", "reduction", "reduction"]
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[ST]], #[[ST]], #[[P]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel"]}
func.func @layer_norm_axis1(%x: tensor<?x4x8xf32>, %s: tensor<4x1xf32>) -> tensor<?x4x8xf32> {
  %0 = tern.layer_norm %x, %s {axis = 1 : i64} : (tensor<?x4x8xf32>, tensor<4x1xf32>) -> tensor<?x4x8xf32>
  return %0 : tensor<?x4x8xf32>
}

// -----

func.func @softmax_unranked(%x: tensor<*xf32>) -> tensor<*xf32> {
  // expected-error @+2 {{'tern.softmax' op is not supported by the CPU lowering: unranked input}}
  // expected-error @+1 {{failed to legalize operation 'tern.softmax'}}
  %0 = tern.softmax %x : (tensor<*xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}
