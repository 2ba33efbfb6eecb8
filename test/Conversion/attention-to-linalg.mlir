// RUN: ternion-opt %s --split-input-file --convert-tern-to-linalg --verify-diagnostics | FileCheck %s

// Reference attention, grouped-query (Hq = 4, Hkv = 2): K and V are read
// through h floordiv 2, never copied. The [1, 1, S, T] mask broadcasts over
// heads; causal masking compares linalg.index t with s + (T - S).
// CHECK-DAG: #[[Q:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-DAG: #[[K:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 floordiv 2, d3, d4)>
// CHECK-DAG: #[[S5:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[MASK:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, 0, d2, d3)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[ROW5:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>
// CHECK-DAG: #[[V:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 floordiv 2, d4, d3)>
// CHECK-LABEL: func.func @gqa_causal_mask
// CHECK: %[[S:.*]] = tensor.dim %arg0, %{{.*}} : tensor<1x4x?x8xf32>
// CHECK: %[[T:.*]] = tensor.dim %arg1, %{{.*}} : tensor<1x2x?x8xf32>
// CHECK: tensor.empty(%[[S]], %[[T]]) : tensor<1x4x?x?xf32>
// CHECK: %[[QK:.*]] = linalg.generic {indexing_maps = [#[[Q]], #[[K]], #[[S5]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%arg0, %arg1 :
// CHECK: %[[OFF:.*]] = arith.subi
// CHECK: %[[SCALE:.*]] = arith.constant 0.353553385 : f32
// CHECK: %[[NEG:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[SC:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[MASK]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[QK]], %arg3 :
// CHECK: arith.mulf %{{.*}}, %[[SCALE]]
// CHECK: arith.addf
// CHECK: %[[I:.*]] = linalg.index 2 : index
// CHECK: %[[J:.*]] = linalg.index 3 : index
// CHECK: %[[LAST:.*]] = arith.addi %[[I]], %[[OFF]] : index
// CHECK: %[[FUT:.*]] = arith.cmpi sgt, %[[J]], %[[LAST]] : index
// CHECK: arith.select %[[FUT]], %[[NEG]]
// CHECK: %[[MAX:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[SC]] :
// CHECK: arith.maximumf
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ROW]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[SC]], %[[MAX]] :
// CHECK: math.exp
// CHECK: %[[PV:.*]] = linalg.generic {indexing_maps = [#[[Q]], #[[ROW5]], #[[V]], #[[S5]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[SC]], %[[MAX]], %arg2 :
// CHECK: math.exp
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[PV]], %[[SUM]] :
// CHECK: arith.divf
func.func @gqa_causal_mask(%q: tensor<1x4x?x8xf32>, %k: tensor<1x2x?x8xf32>, %v: tensor<1x2x?x6xf32>, %m: tensor<1x1x?x?xf32>) -> tensor<1x4x?x6xf32> {
  %0 = tern.attention %q, %k, %v mask %m {scale = 0.35355339 : f32, causal = true} : (tensor<1x4x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x6xf32>, tensor<1x1x?x?xf32>) -> tensor<1x4x?x6xf32>
  return %0 : tensor<1x4x?x6xf32>
}

// -----

// Multi-head attention without mask or causality: plain head index, no
// linalg.index.
// CHECK-DAG: #[[K:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>
// CHECK-LABEL: func.func @mha
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[K]], #{{.*}}]
// CHECK-NOT: linalg.index
// CHECK: return
func.func @mha(%q: tensor<?x2x3x4xf32>, %k: tensor<?x2x5x4xf32>, %v: tensor<?x2x5x4xf32>) -> tensor<?x2x3x4xf32> {
  %0 = tern.attention %q, %k, %v {scale = 0.5 : f32} : (tensor<?x2x3x4xf32>, tensor<?x2x5x4xf32>, tensor<?x2x5x4xf32>) -> tensor<?x2x3x4xf32>
  return %0 : tensor<?x2x3x4xf32>
}

// -----

func.func @dynamic_groups(%q: tensor<1x?x3x4xf32>, %k: tensor<1x2x5x4xf32>, %v: tensor<1x2x5x4xf32>) -> tensor<1x?x3x4xf32> {
  // expected-error @+2 {{'tern.attention' op is not supported by the CPU lowering: grouped-query attention needs static head counts}}
  // expected-error @+1 {{failed to legalize operation 'tern.attention'}}
  %0 = tern.attention %q, %k, %v {scale = 0.5 : f32} : (tensor<1x?x3x4xf32>, tensor<1x2x5x4xf32>, tensor<1x2x5x4xf32>) -> tensor<1x?x3x4xf32>
  return %0 : tensor<1x?x3x4xf32>
}
