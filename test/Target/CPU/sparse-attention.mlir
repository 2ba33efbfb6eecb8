// RUN: ternion-opt %s --split-input-file --tern-cpu-flash-attention --cse | FileCheck %s

// A sparse attention with one head of each pattern. Decode keeps the dense
// decode tiling; a prefill of min_tokens or more estimates the
// vertical-slash and block-sparse heads (one scf.forall each over batch and
// the heads of that pattern), then one kernel over (batch, head, block of
// 64 queries) builds the block's key ranges and columns by the head's
// pattern (scf.index_switch on a table of pattern codes) and attends to
// them; shorter prefills take the dense 64-query tiling.
// CHECK-LABEL: func.func @mixed
// CHECK: %[[S:.*]] = tensor.dim %arg0, %c2
// CHECK: scf.if
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (1, 2)
// CHECK: } else {
// CHECK: %[[LONG:.*]] = arith.cmpi sge, %[[S]], %c4096
// CHECK: scf.if %[[LONG]]
// CHECK: linalg.transpose ins(%arg1
// CHECK: %[[BLOCKS:.*]] = arith.ceildivsi %[[S]], %c64
// Vertical-slash estimate: budgets per head, then top-k by bisection.
// CHECK-DAG: arith.constant dense<[64, 40, 4, 0]> : tensor<4xindex>
// CHECK-DAG: arith.constant dense<[128, 102, 0, 0]> : tensor<4xindex>
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (1, 1) shared_outs(%{{.*}}, %{{.*}}, %{{.*}}) -> (tensor<?x1x?xindex>, tensor<?x1x?xindex>, tensor<?x1x2xindex>)
// CHECK: math.exp
// CHECK: arith.bitcast %{{.*}} : f32 to i32
// Block-sparse estimate: kept blocks per query block.
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (1, 1) shared_outs(%{{.*}}, %{{.*}}) -> (tensor<?x1x?x?xindex>, tensor<?x1x?xindex>)
// The kernel.
// CHECK: scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (1, 4, %[[BLOCKS]])
// CHECK: arith.constant dense<[1, 2, 3, 0]> : tensor<4xindex>
// CHECK: scf.index_switch %{{.*}} -> tensor<?x2xindex>, index, tensor<?xindex>, index
// CHECK: case 1 {
// CHECK: case 2 {
// CHECK: scf.while
// CHECK: case 3 {
// CHECK: default {
// Ranges 64 keys at a time, then the gathered columns.
// CHECK: scf.for
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c64
// CHECK: scf.for %{{.*}} = %c0 to %{{.*}} step %c64
// CHECK: tensor.parallel_insert_slice
// CHECK: } else {
// CHECK: arith.ceildivsi %[[S]], %c64
func.func @mixed(%q: tensor<1x4x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<1x2x?x8xf32>) -> tensor<1x4x?x8xf32> {
  %y = tern.attention %q, %k, %v {scale = 0.25 : f32, causal = true, sparsity = #tern.sparse_attention<min_tokens = 4096, heads = [#tern.a_shape<sink = 64, local = 128>, #tern.vertical_slash<vertical = 40, slash = 102>, #tern.block_sparse<blocks = 4>, #tern.dense]>} : (tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x8xf32>) -> tensor<1x4x?x8xf32>
  return %y : tensor<1x4x?x8xf32>
}

// -----

// Only A-shape heads: no estimate, and the kernel's switch has one case.
// CHECK-LABEL: func.func @a_shape_only
// CHECK-NOT: shared_outs(%{{.*}}, %{{.*}}, %{{.*}}) -> (tensor<?x1x?xindex>
// CHECK: scf.index_switch
// CHECK: case 1 {
// CHECK-NOT: case 2 {
// CHECK: default {
func.func @a_shape_only(%q: tensor<1x2x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<1x2x?x16xf32>) -> tensor<1x2x?x16xf32> {
  %y = tern.attention %q, %k, %v {scale = 0.25 : f32, causal = true, sparsity = #tern.sparse_attention<min_tokens = 1024, heads = [#tern.a_shape<sink = 64, local = 128>, #tern.a_shape<sink = 0, local = 256>]>} : (tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>) -> tensor<1x2x?x16xf32>
  return %y : tensor<1x2x?x16xf32>
}

// -----

// The reference lowering (targets without sparse kernels) refuses the
// decision instead of computing it densely.
// RUN: not ternion-opt %s --split-input-file --convert-tern-to-linalg 2>&1 | FileCheck %s --check-prefix=REFERENCE
// REFERENCE: sparse attention (#tern.sparse_attention) has no reference lowering; this target has no sparse kernels
func.func @reference(%q: tensor<1x2x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<1x2x?x16xf32>) -> tensor<1x2x?x16xf32> {
  %y = tern.attention %q, %k, %v {scale = 0.25 : f32, causal = true, sparsity = #tern.sparse_attention<min_tokens = 1024, heads = [#tern.dense, #tern.dense]>} : (tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>) -> tensor<1x2x?x16xf32>
  return %y : tensor<1x2x?x16xf32>
}
