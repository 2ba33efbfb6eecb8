// RUN: ternion-opt %s --split-input-file --tern-cpu-flash-attention --convert-tern-to-linalg --cse | FileCheck %s

// Flash attention: the query length picks the tiling at run time. Decode
// (S == 1) runs one tile per (batch, kv head) holding the group's 4 query
// heads; prefill runs 64-query tiles per (batch, query head) and stops each
// tile's key loop at its causal limit. Both stream key blocks (512 keys
// for decode, 64 for prefill) with a running max, denominator and output.
// CHECK-LABEL: func.func @gqa_causal
// CHECK: %[[S:.*]] = tensor.dim %arg0, %c2
// CHECK: %[[T:.*]] = tensor.dim %arg1, %c2
// CHECK: %[[DECODE:.*]] = arith.cmpi eq, %[[S]], %c1
// CHECK: scf.if %[[DECODE]]
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (1, 2)
// CHECK: tensor.extract_slice %arg0[%{{.*}}, %{{.*}}, 0, 0] [1, 4, 1, 32] [1, 1, 1, 1] : tensor<1x8x?x32xf32> to tensor<4x32xf32>
// CHECK: scf.for %{{.*}} = %c0 to %[[T]] step %c512
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: tensor.parallel_insert_slice
// CHECK: } else {
// Prefill transposes K once, so each tile's Q K^T is a matmul over k^T.
// CHECK: %[[KT:.*]] = linalg.transpose ins(%arg1 : tensor<1x2x?x32xf32>) outs(%{{.*}} : tensor<1x2x32x?xf32>) permutation = [0, 1, 3, 2]
// CHECK: %[[TILES:.*]] = arith.ceildivsi %[[S]], %c64
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

// -----

// A mask without the causal flag (how exported models give their causal
// mask): the prefill key loop carries whether every row of the tile has met
// an allowed key; from then on a block whose mask entries are all at most
// -1e30 is skipped (its contribution would be exactly zero). Until then the
// rows' running maxima are tested against -1e29 after each block.
// CHECK-LABEL: func.func @mask_prefill
// CHECK: } else {
// CHECK: scf.forall
// CHECK: scf.for %{{.*}} = %c0 to %{{.*}} step %c64 iter_args(%[[M:.*]] = %{{.*}}, %[[L:.*]] = %{{.*}}, %[[ACC:.*]] = %{{.*}}, %[[SEEN:.*]] = %false) -> (tensor<?xf32>, tensor<?xf32>, tensor<?x16xf32>, i1)
// CHECK: %[[MASKED:.*]] = scf.if %[[SEEN]] -> (i1)
// CHECK: arith.constant -1.000000e+30 : f32
// CHECK: tensor.extract %arg3
// CHECK: arith.cmpf ugt
// CHECK: arith.xori
// CHECK: } else {
// CHECK: scf.yield %false
// CHECK: %[[STATE:.*]]:3 = scf.if %[[MASKED]] -> (tensor<?xf32>, tensor<?xf32>, tensor<?x16xf32>)
// CHECK-NEXT: scf.yield %[[M]], %[[L]], %[[ACC]]
// CHECK: } else {
// CHECK: math.exp
// CHECK: %[[NOW:.*]] = scf.if %[[SEEN]] -> (i1)
// CHECK: scf.yield %true
// CHECK: arith.constant -1.000000e+29 : f32
// CHECK: tensor.extract %[[STATE]]#0
// CHECK: arith.cmpf ogt
// CHECK: scf.yield %[[STATE]]#0, %[[STATE]]#1, %[[STATE]]#2, %[[NOW]]
func.func @mask_prefill(%q: tensor<1x4x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<1x2x?x16xf32>, %mask: tensor<1x1x?x?xf32>) -> tensor<1x4x?x16xf32> {
  %y = tern.attention %q, %k, %v mask %mask {scale = 0.25 : f32} : (tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x1x?x?xf32>) -> tensor<1x4x?x16xf32>
  return %y : tensor<1x4x?x16xf32>
}

// -----

// With the causal flag the loop already ends at the diagonal: no test.
// CHECK-LABEL: func.func @mask_and_causal
// CHECK: } else {
// CHECK: scf.forall
// CHECK: scf.for %{{.*}} iter_args(%{{.*}}, %{{.*}}, %{{.*}}) -> (tensor<?xf32>, tensor<?xf32>, tensor<?x16xf32>)
// CHECK-NOT: -1.000000e+30
func.func @mask_and_causal(%q: tensor<1x4x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<1x2x?x16xf32>, %mask: tensor<1x1x?x?xf32>) -> tensor<1x4x?x16xf32> {
  %y = tern.attention %q, %k, %v mask %mask {scale = 0.25 : f32, causal = true} : (tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x1x?x?xf32>) -> tensor<1x4x?x16xf32>
  return %y : tensor<1x4x?x16xf32>
}
