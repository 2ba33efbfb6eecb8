// Budgets no kernel can run, and patterns that do not fit their op.
// RUN: ternion-opt %s --split-input-file --verify-diagnostics

func.func @no_local(%q: tensor<1x1x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> tensor<1x1x?x16xf32> {
  // expected-error @+2 {{#tern.a_shape local must be at least 1 (a query always sees itself), not 0}}
  // expected-error @+1 {{failed to parse Tern_SparseAttentionAttr parameter 'heads'}}
  %y = tern.attention %q, %k, %v {scale = 0.25 : f32, causal = true, sparsity = #tern.sparse_attention<min_tokens = 1, heads = [#tern.a_shape<sink = 64, local = 0>]>} : (tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32>) -> tensor<1x1x?x16xf32>
  return %y : tensor<1x1x?x16xf32>
}

// -----

func.func @negative_sink(%q: tensor<1x1x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> tensor<1x1x?x16xf32> {
  // expected-error @+2 {{#tern.a_shape sink must not be negative, not -1}}
  // expected-error @+1 {{failed to parse Tern_SparseAttentionAttr parameter 'heads'}}
  %y = tern.attention %q, %k, %v {scale = 0.25 : f32, causal = true, sparsity = #tern.sparse_attention<min_tokens = 1, heads = [#tern.a_shape<sink = -1, local = 16>]>} : (tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32>) -> tensor<1x1x?x16xf32>
  return %y : tensor<1x1x?x16xf32>
}

// -----

func.func @no_slash(%q: tensor<1x1x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> tensor<1x1x?x16xf32> {
  // expected-error @+2 {{#tern.vertical_slash slash must be at least 1 (diagonal 0, a query's own key, is always kept), not 0}}
  // expected-error @+1 {{failed to parse Tern_SparseAttentionAttr parameter 'heads'}}
  %y = tern.attention %q, %k, %v {scale = 0.25 : f32, causal = true, sparsity = #tern.sparse_attention<min_tokens = 1, heads = [#tern.vertical_slash<vertical = 100, slash = 0>]>} : (tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32>) -> tensor<1x1x?x16xf32>
  return %y : tensor<1x1x?x16xf32>
}

// -----

func.func @negative_vertical(%q: tensor<1x1x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> tensor<1x1x?x16xf32> {
  // expected-error @+2 {{#tern.vertical_slash vertical must not be negative, not -5}}
  // expected-error @+1 {{failed to parse Tern_SparseAttentionAttr parameter 'heads'}}
  %y = tern.attention %q, %k, %v {scale = 0.25 : f32, causal = true, sparsity = #tern.sparse_attention<min_tokens = 1, heads = [#tern.vertical_slash<vertical = -5, slash = 10>]>} : (tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32>) -> tensor<1x1x?x16xf32>
  return %y : tensor<1x1x?x16xf32>
}

// -----

func.func @one_block(%q: tensor<1x1x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> tensor<1x1x?x16xf32> {
  // expected-error @+2 {{#tern.block_sparse blocks must be at least 2 (the first key block and the diagonal block are always kept), not 1}}
  // expected-error @+1 {{failed to parse Tern_SparseAttentionAttr parameter 'heads'}}
  %y = tern.attention %q, %k, %v {scale = 0.25 : f32, causal = true, sparsity = #tern.sparse_attention<min_tokens = 1, heads = [#tern.block_sparse<blocks = 1>]>} : (tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32>) -> tensor<1x1x?x16xf32>
  return %y : tensor<1x1x?x16xf32>
}

// -----

func.func @min_tokens(%q: tensor<1x1x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> tensor<1x1x?x16xf32> {
  // expected-error @+1 {{#tern.sparse_attention min_tokens must be at least 1, not 0}}
  %y = tern.attention %q, %k, %v {scale = 0.25 : f32, causal = true, sparsity = #tern.sparse_attention<min_tokens = 0, heads = [#tern.dense]>} : (tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32>) -> tensor<1x1x?x16xf32>
  return %y : tensor<1x1x?x16xf32>
}

// -----

func.func @not_a_pattern(%q: tensor<1x1x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> tensor<1x1x?x16xf32> {
  // expected-error @+1 {{#tern.sparse_attention head 0 is not a pattern (#tern.dense, #tern.a_shape, #tern.vertical_slash or #tern.block_sparse): 3 : i64}}
  %y = tern.attention %q, %k, %v {scale = 0.25 : f32, causal = true, sparsity = #tern.sparse_attention<min_tokens = 1, heads = [3]>} : (tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32>) -> tensor<1x1x?x16xf32>
  return %y : tensor<1x1x?x16xf32>
}

// -----

func.func @head_count(%q: tensor<1x4x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<1x2x?x8xf32>) -> tensor<1x4x?x8xf32> {
  // expected-error @+1 {{'tern.attention' op sparsity has 2 head patterns for 4 query heads}}
  %y = tern.attention %q, %k, %v {scale = 0.25 : f32, causal = true, sparsity = #tern.sparse_attention<min_tokens = 1, heads = [#tern.dense, #tern.dense]>} : (tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x8xf32>) -> tensor<1x4x?x8xf32>
  return %y : tensor<1x4x?x8xf32>
}

// -----

func.func @not_causal(%q: tensor<1x1x?x16xf32>, %k: tensor<1x1x?x16xf32>, %v: tensor<1x1x?x16xf32>) -> tensor<1x1x?x16xf32> {
  // expected-error @+1 {{'tern.attention' op sparsity needs causal attention (causal = true, or a mask that holds causality, as exported decoders build it): the sparse patterns are causal}}
  %y = tern.attention %q, %k, %v {scale = 0.25 : f32, sparsity = #tern.sparse_attention<min_tokens = 1, heads = [#tern.dense]>} : (tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32>) -> tensor<1x1x?x16xf32>
  return %y : tensor<1x1x?x16xf32>
}
