// Sparse attention patterns on tern.attention: they print as they parse,
// and the verifiers refuse budgets no kernel can run.
// RUN: ternion-opt %s --split-input-file | FileCheck %s
// RUN: ternion-opt %s --split-input-file | ternion-opt --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @patterns
// CHECK: tern.attention %{{.*}}, %{{.*}}, %{{.*}} {causal = true, scale = 2.500000e-01 : f32, sparsity = #tern.sparse_attention<min_tokens = 4096, heads = [#tern.a_shape<sink = 64, local = 1024>, #tern.vertical_slash<vertical = 1000, slash = 200>, #tern.block_sparse<blocks = 16>, #tern.dense]>}
func.func @patterns(%q: tensor<1x4x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<1x2x?x8xf32>) -> tensor<1x4x?x8xf32> {
  %y = tern.attention %q, %k, %v {scale = 0.25 : f32, causal = true, sparsity = #tern.sparse_attention<min_tokens = 4096, heads = [#tern.a_shape<sink = 64, local = 1024>, #tern.vertical_slash<vertical = 1000, slash = 200>, #tern.block_sparse<blocks = 16>, #tern.dense]>} : (tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x8xf32>) -> tensor<1x4x?x8xf32>
  return %y : tensor<1x4x?x8xf32>
}

// -----

// A-shape without sink tokens is a sliding window.
// CHECK-LABEL: func.func @window
// CHECK: #tern.sparse_attention<min_tokens = 1, heads = [#tern.a_shape<sink = 0, local = 1>]>
func.func @window(%q: tensor<1x1x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> tensor<1x1x?x16xf32> {
  %y = tern.attention %q, %k, %v {scale = 0.25 : f32, causal = true, sparsity = #tern.sparse_attention<min_tokens = 1, heads = [#tern.a_shape<sink = 0, local = 1>]>} : (tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32>) -> tensor<1x1x?x16xf32>
  return %y : tensor<1x1x?x16xf32>
}
