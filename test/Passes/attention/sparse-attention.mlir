// tern-sparse-attention records a pattern file's per-head patterns on the
// causal attention ops of @main, layer by layer in program order.
// RUN: ternion-opt %s --split-input-file --tern-sparse-attention='patterns=%S/Inputs/patterns.json' | FileCheck %s
// RUN: ternion-opt %s --split-input-file --tern-sparse-attention='patterns=%S/Inputs/patterns.json' | ternion-opt --split-input-file | FileCheck %s
// RUN: ternion-opt %s --split-input-file --tern-sparse-attention='patterns=%S/Inputs/patterns.json min-tokens=512' | FileCheck %s --check-prefix=OPTION
// RUN: ternion-opt %s --split-input-file --tern-sparse-attention='patterns=%S/Inputs/patterns.json report' -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT

// CHECK-LABEL: func.func @main
// CHECK: tern.attention {{.*}}sparsity = #tern.sparse_attention<min_tokens = 2048, heads = [#tern.a_shape<sink = 64, local = 1024>, #tern.vertical_slash<vertical = 1000, slash = 200>, #tern.block_sparse<blocks = 16>, #tern.dense]>
// CHECK: tern.attention {{.*}}sparsity = #tern.sparse_attention<min_tokens = 2048, heads = [#tern.dense, #tern.dense, #tern.block_sparse<blocks = 8>, #tern.a_shape<sink = 0, local = 512>]>
// CHECK-LABEL: func.func @draft_main
// CHECK-NOT: sparsity
// OPTION-COUNT-2: #tern.sparse_attention<min_tokens = 512,
// REPORT: remark: tern-sparse-attention: 2 layers (min_tokens 2048): 2 a_shape, 1 vertical_slash, 2 block_sparse, 3 dense heads
func.func @main(%q: tensor<1x4x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<1x2x?x16xf32>) -> tensor<1x4x?x16xf32> {
  %0 = tern.attention %q, %k, %v {scale = 0.25 : f32, causal = true} : (tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>) -> tensor<1x4x?x16xf32>
  %1 = tern.attention %0, %k, %v {scale = 0.25 : f32, causal = true} : (tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>) -> tensor<1x4x?x16xf32>
  return %1 : tensor<1x4x?x16xf32>
}
// A speculative pair's draft keeps dense attention.
func.func @draft_main(%q: tensor<1x4x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<1x2x?x16xf32>) -> tensor<1x4x?x16xf32> {
  %0 = tern.attention %q, %k, %v {scale = 0.25 : f32, causal = true} : (tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>) -> tensor<1x4x?x16xf32>
  return %0 : tensor<1x4x?x16xf32>
}
