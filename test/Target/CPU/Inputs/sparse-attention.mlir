// Attention with sparse patterns for sparse-attention.test: four query
// heads (two per kv head), one of each pattern.
func.func @sparse(%q: tensor<1x4x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<1x2x?x8xf32>) -> tensor<1x4x?x8xf32> {
  %y = tern.attention %q, %k, %v {scale = 0.25 : f32, causal = true, sparsity = #tern.sparse_attention<min_tokens = 128, heads = [#tern.a_shape<sink = 64, local = 128>, #tern.vertical_slash<vertical = 40, slash = 102>, #tern.block_sparse<blocks = 4>, #tern.dense]>} : (tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x8xf32>) -> tensor<1x4x?x8xf32>
  return %y : tensor<1x4x?x8xf32>
}

// Budgets that cover every key: dense attention.
func.func @full(%q: tensor<1x4x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<1x2x?x8xf32>) -> tensor<1x4x?x8xf32> {
  %y = tern.attention %q, %k, %v {scale = 0.25 : f32, causal = true, sparsity = #tern.sparse_attention<min_tokens = 2, heads = [#tern.a_shape<sink = 0, local = 100000>, #tern.vertical_slash<vertical = 0, slash = 100000>, #tern.block_sparse<blocks = 100000>, #tern.vertical_slash<vertical = 100000, slash = 1>]>} : (tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x8xf32>) -> tensor<1x4x?x8xf32>
  return %y : tensor<1x4x?x8xf32>
}

// Causality in a mask, as exported decoders build it (no causal flag): the
// mask applies on top of the patterns.
func.func @masked(%q: tensor<1x4x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<1x2x?x8xf32>, %m: tensor<1x1x?x?xf32>) -> tensor<1x4x?x8xf32> {
  %y = tern.attention %q, %k, %v mask %m {scale = 0.25 : f32, sparsity = #tern.sparse_attention<min_tokens = 128, heads = [#tern.a_shape<sink = 64, local = 128>, #tern.vertical_slash<vertical = 40, slash = 102>, #tern.block_sparse<blocks = 4>, #tern.dense]>} : (tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x8xf32>, tensor<1x1x?x?xf32>) -> tensor<1x4x?x8xf32>
  return %y : tensor<1x4x?x8xf32>
}
