// RUN: ternion-opt %s --verify-diagnostics --tern-fuse-speculative='vocabulary=shared'
// RUN: not ternion-opt %s --tern-fuse-speculative='draft-tokens=0' 2>&1 | FileCheck %s --check-prefix=TOKENS
// RUN: not ternion-opt %s --tern-fuse-speculative='draft-tokens=17' 2>&1 | FileCheck %s --check-prefix=TOKENS
// RUN: not ternion-opt %s --tern-fuse-speculative='vocabulary=tli' 2>&1 | FileCheck %s --check-prefix=VOCABULARY
// RUN: ternion-opt %s --tern-fuse-speculative='draft-tokens=8 vocabulary=slem' | FileCheck %s --check-prefix=OPTIONS
// RUN: not ternion-opt %s --tern-fuse-speculative='draft=main' 2>&1 | FileCheck %s --check-prefix=SELF

// TOKENS: tern-fuse-speculative: draft-tokens must be 1..16, not
// VOCABULARY: tern-fuse-speculative: vocabulary must be auto, shared or slem, not 'tli'
// SELF: tern-fuse-speculative: @main cannot be its own draft
// OPTIONS: tern.speculative = #tern.speculative<draft = @draft_main, draft_tokens = 8, vocabulary = slem>

// A shared vocabulary needs one width.
// expected-error @below {{tern-fuse-speculative: a shared vocabulary needs logits of one static width, but the target's are 2048 wide and the draft's dynamic (give the draft's tokenizer for string-level matching)}}
module {
  func.func @main(%ids: tensor<1x?xi64> {tern.name = "input_ids"},
                  %x: tensor<1x?x2048xf32> {tern.name = "hidden"})
      -> (tensor<1x?x2048xf32> {tern.name = "logits"}) {
    return %x : tensor<1x?x2048xf32>
  }
  func.func @draft_main(%ids: tensor<1x?xi64> {tern.name = "input_ids"},
                        %past: tensor<1x2x?x4xf32> {tern.name = "past_key_values.0.key"},
                        %x: tensor<1x?x?xf32> {tern.name = "hidden"})
      -> (tensor<1x?x?xf32> {tern.name = "logits"}) {
    return %x : tensor<1x?x?xf32>
  }
}
