// RUN: ternion-opt %s --split-input-file --verify-diagnostics --tern-fuse-speculative | FileCheck %s
// RUN: ternion-opt %s --split-input-file --verify-diagnostics --tern-fuse-speculative | ternion-opt --split-input-file | FileCheck %s

// Two language models with logits of one width: the draft shares the
// target's vocabulary, and proposes 4 tokens per pass by default. The
// draft itself is left alone.
// CHECK-LABEL: func.func @main(
// CHECK-SAME: attributes {tern.speculative = #tern.speculative<draft = @draft_main, draft_tokens = 4, vocabulary = shared>}
// CHECK-LABEL: func.func @draft_main(
// CHECK-NOT: tern.speculative
func.func @main(%ids: tensor<1x?xi64> {tern.name = "input_ids"},
                %past: tensor<1x2x?x4xf32> {tern.name = "past_key_values.0.key"},
                %x: tensor<1x?x16xf32> {tern.name = "hidden"})
    -> (tensor<1x?x16xf32> {tern.name = "logits"}) {
  return %x : tensor<1x?x16xf32>
}
func.func @draft_main(%ids: tensor<1x?xi64> {tern.name = "input_ids"},
                      %past: tensor<1x2x?x4xf32> {tern.name = "past_key_values.0.key"},
                      %x: tensor<1x?x16xf32> {tern.name = "hidden"})
    -> (tensor<1x?x16xf32> {tern.name = "logits"}) {
  return %x : tensor<1x?x16xf32>
}

// -----

// Different widths: string-level matching.
// CHECK-LABEL: func.func @main(
// CHECK-SAME: tern.speculative = #tern.speculative<draft = @draft_main, draft_tokens = 4, vocabulary = slem>
func.func @main(%ids: tensor<1x?xi32> {tern.name = "input_ids"},
                %x: tensor<1x?x2048xf32> {tern.name = "hidden"})
    -> (tensor<1x?x2048xf32> {tern.name = "logits"}) {
  return %x : tensor<1x?x2048xf32>
}
func.func @draft_main(%ids: tensor<1x?xi64> {tern.name = "input_ids"},
                      %past: memref<1x2x?x4xf32> {tern.name = "past_key_values.0.key"},
                      %x: tensor<1x?x260xf32> {tern.name = "hidden"})
    -> (tensor<1x?x260xf32> {tern.name = "logits"}) {
  return %x : tensor<1x?x260xf32>
}

// -----

// expected-error @below {{tern-fuse-speculative: the module has no draft function @draft_main}}
module {
  func.func @main(%ids: tensor<1x?xi64> {tern.name = "input_ids"},
                  %x: tensor<1x?x16xf32> {tern.name = "hidden"})
      -> (tensor<1x?x16xf32> {tern.name = "logits"}) {
    return %x : tensor<1x?x16xf32>
  }
}

// -----

func.func @main(%ids: tensor<1x?xi64> {tern.name = "input_ids"},
                %x: tensor<1x?x16xf32> {tern.name = "hidden"})
    -> (tensor<1x?x16xf32> {tern.name = "logits"}) {
  return %x : tensor<1x?x16xf32>
}
// expected-error @below {{the draft @draft_main has no KV cache ('past_key_values.N.key|value' inputs): a draft runs one token at a time and would recompute its whole context for each}}
func.func @draft_main(%ids: tensor<1x?xi64> {tern.name = "input_ids"},
                      %x: tensor<1x?x16xf32> {tern.name = "hidden"})
    -> (tensor<1x?x16xf32> {tern.name = "logits"}) {
  return %x : tensor<1x?x16xf32>
}

// -----

// expected-error @below {{the target @main is not a language model: speculative decoding needs an 'input_ids' input and a [batch, sequence, vocab] 'logits' output}}
func.func @main(%x: tensor<1x?x16xf32> {tern.name = "hidden"})
    -> (tensor<1x?x16xf32> {tern.name = "scores"}) {
  return %x : tensor<1x?x16xf32>
}
func.func @draft_main(%ids: tensor<1x?xi64> {tern.name = "input_ids"},
                      %past: tensor<1x2x?x4xf32> {tern.name = "past_key_values.0.key"},
                      %x: tensor<1x?x16xf32> {tern.name = "hidden"})
    -> (tensor<1x?x16xf32> {tern.name = "logits"}) {
  return %x : tensor<1x?x16xf32>
}

// -----

// The attribute checks its draft length.
// expected-error @below {{#tern.speculative draft_tokens must be 1..16, not 0}}
func.func @f() attributes {tern.speculative = #tern.speculative<draft = @g, draft_tokens = 0, vocabulary = shared>} {
  return
}
