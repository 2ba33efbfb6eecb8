// RUN: ternion-opt %s --split-input-file --convert-tern-to-linalg --cse | FileCheck %s

// Flash attention: the query length picks the tiling at run time. Decode
// (S == 1) runs one tile per (batch, kv head) holding the group's 4 query
// heads; prefill runs 32-query tiles per (batch, query head) and stops each
// tile's key loop at its causal limit. Both stream 64-key blocks with a
// running max, denominator and output.
// CHECK-LABEL: func.func @gqa_causal
// CHECK: %[[S:.*]] = tensor.dim %arg0, %c2
// CHECK: %[[T:.*]] = tensor.dim %arg1, %c2
// CHECK: %[[DECODE:.*]] = arith.cmpi eq, %[[S]], %c1
// CHECK: scf.if %[[DECODE]]
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (1, 2)
// CHECK: tensor.extract_slice %arg0[%{{.*}}, %{{.*}}, 0, 0] [1, 4, 1, 32] [1, 1, 1, 1] : tensor<1x8x?x32xf32> to tensor<4x32xf32>
// CHECK: scf.for %{{.*}} = %c0 to %[[T]] step %c64
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: tensor.parallel_insert_slice
// CHECK: } else {
// Prefill transposes K once, so each tile's Q K^T is a matmul over k^T.
// CHECK: %[[KT:.*]] = linalg.transpose ins(%arg1 : tensor<1x2x?x32xf32>) outs(%{{.*}} : tensor<1x2x32x?xf32>) permutation = [0, 1, 3, 2]
// CHECK: %[[TILES:.*]] = arith.ceildivsi %[[S]], %c32
// CHECK: scf.forall (%{{.*}}, %[[H:.*]], %{{.*}}) in (1, 8, %[[TILES]])
// CHECK: arith.divui %[[H]], %c4
// CHECK: %[[LIMIT:.*]] = arith.minsi %[[T]], %{{.*}}
// CHECK: scf.for %{{.*}} = %c0 to %[[LIMIT]] step %c64
// CHECK: tensor.extract_slice %[[KT]][%{{.*}}, %{{.*}}, 0, %{{.*}}] [1, 1, 32, %{{.*}}] [1, 1, 1, 1] : tensor<1x2x32x?xf32> to tensor<32x?xf32>
// CHECK-NOT: tensor<1x8x?x?xf32>
func.func @gqa_causal(%q: tensor<1x8x?x32xf32>, %k: tensor<1x2x?x32xf32>, %v: tensor<1x2x?x32xf32>) -> tensor<1x8x?x32xf32> {
  %y = tern.attention %q, %k, %v {scale = 0.17677669 : f32, causal = true} : (tensor<1x8x?x32xf32>, tensor<1x2x?x32xf32>, tensor<1x2x?x32xf32>) -> tensor<1x8x?x32xf32>
  return %y : tensor<1x8x?x32xf32>
}

// -----

// Dynamic head counts get the reference lowering (materialized scores).
// CHECK-LABEL: func.func @dynamic_heads
// CHECK-NOT: scf.forall
// CHECK: linalg.generic
func.func @dynamic_heads(%q: tensor<1x?x4x8xf32>, %k: tensor<1x?x4x8xf32>, %v: tensor<1x?x4x8xf32>) -> tensor<1x?x4x8xf32> {
  %y = tern.attention %q, %k, %v {scale = 0.5 : f32} : (tensor<1x?x4x8xf32>, tensor<1x?x4x8xf32>, tensor<1x?x4x8xf32>) -> tensor<1x?x4x8xf32>
  return %y : tensor<1x?x4x8xf32>
}
