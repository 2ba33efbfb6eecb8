// Pattern files that do not fit the model, or are not pattern files: each
// error names the file, the entry and the reason.
// RUN: ternion-opt %s --split-input-file --verify-diagnostics --tern-sparse-attention='patterns=%S/Inputs/one-layer.json'
// RUN: not ternion-opt %s --split-input-file --tern-sparse-attention='patterns=%S/Inputs/three-heads.json' 2>&1 | FileCheck %s --check-prefix=HEADS
// RUN: not ternion-opt %s --split-input-file --tern-sparse-attention='patterns=%S/Inputs/bad-budget.json' 2>&1 | FileCheck %s --check-prefix=BUDGET
// RUN: not ternion-opt %s --split-input-file --tern-sparse-attention='patterns=%S/Inputs/unknown-pattern.json' 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not ternion-opt %s --split-input-file --tern-sparse-attention='patterns=%S/Inputs/wrong-budget-name.json' 2>&1 | FileCheck %s --check-prefix=NAME
// RUN: not ternion-opt %s --split-input-file --tern-sparse-attention='patterns=%S/Inputs/missing-budget.json' 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not ternion-opt %s --split-input-file --tern-sparse-attention='patterns=%S/Inputs/truncated.json' 2>&1 | FileCheck %s --check-prefix=TRUNCATED
// RUN: not ternion-opt %s --split-input-file --tern-sparse-attention='patterns=%S/Inputs/wrong-format.json' 2>&1 | FileCheck %s --check-prefix=FORMAT
// RUN: not ternion-opt %s --split-input-file --tern-sparse-attention='patterns=%S/Inputs/future-version.json' 2>&1 | FileCheck %s --check-prefix=VERSION
// RUN: not ternion-opt %s --split-input-file --tern-sparse-attention='patterns=%S/Inputs/absent.json' 2>&1 | FileCheck %s --check-prefix=ABSENT
// RUN: not ternion-opt %s --split-input-file --tern-sparse-attention 2>&1 | FileCheck %s --check-prefix=NONE

// HEADS: error: tern-sparse-attention: '{{.*}}three-heads.json' layers[0]: 3 head patterns, but the op has 4 query heads
// BUDGET: error: tern-sparse-attention: '{{.*}}bad-budget.json' layers[0]: heads[1]: #tern.block_sparse blocks must be at least 2
// UNKNOWN: error: tern-sparse-attention: {{.*}}unknown-pattern.json: layers[0].heads[1]: unknown pattern 'strided' (dense, a_shape, vertical_slash or block_sparse)
// NAME: error: tern-sparse-attention: {{.*}}wrong-budget-name.json: layers[0].heads[0]: 'blocks' is not a budget of a_shape
// MISSING: error: tern-sparse-attention: {{.*}}missing-budget.json: layers[0].heads[0]: missing 'slash'
// TRUNCATED: error: tern-sparse-attention: {{.*}}truncated.json: not JSON:
// FORMAT: error: tern-sparse-attention: {{.*}}wrong-format.json: "format" must be "ternion.attention-patterns"
// VERSION: error: tern-sparse-attention: {{.*}}future-version.json: version 2 is not supported (this Ternion reads 1)
// ABSENT: error: tern-sparse-attention: cannot read '{{.*}}absent.json':
// NONE: error: tern-sparse-attention: no pattern file (patterns=FILE)

// Two attention ops, a one-layer file.
// expected-error-re @below {{tern-sparse-attention: '{{.*}}one-layer.json' has 1 layers, but @main has 2 attention ops}}
func.func @main(%q: tensor<1x4x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<1x2x?x16xf32>) -> tensor<1x4x?x16xf32> {
  %0 = tern.attention %q, %k, %v {scale = 0.25 : f32, causal = true} : (tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>) -> tensor<1x4x?x16xf32>
  %1 = tern.attention %0, %k, %v {scale = 0.25 : f32, causal = true} : (tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>) -> tensor<1x4x?x16xf32>
  return %1 : tensor<1x4x?x16xf32>
}

// -----

// Bidirectional (neither causal nor masked): the patterns are causal.
func.func @main(%q: tensor<1x4x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<1x2x?x16xf32>) -> tensor<1x4x?x16xf32> {
  // expected-error-re @+1 {{tern-sparse-attention: '{{.*}}one-layer.json' layers[0]: the attention is neither causal nor masked (bidirectional), and the sparse patterns are causal}}
  %0 = tern.attention %q, %k, %v {scale = 0.25 : f32} : (tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>) -> tensor<1x4x?x16xf32>
  return %0 : tensor<1x4x?x16xf32>
}
