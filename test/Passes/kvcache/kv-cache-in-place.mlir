// RUN: ternion-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(func.func(tern-kv-cache-in-place))' | FileCheck %s
// RUN: ternion-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(func.func(tern-kv-cache-in-place))' | ternion-opt --split-input-file | FileCheck %s

// One layer of an Optimum graph: present.0.key = Concat(past, new, axis 2)
// feeds attention and the results. The past argument becomes the cache
// buffer (dim 2: max_context) marked with the output it replaces; the new
// rows go in at attention_mask's length minus the sequence; attention reads
// the first past + sequence rows; present.0.key is no longer returned.
// CHECK-LABEL: func.func @layer(
// CHECK-SAME: %[[MASK:[^:]*]]: tensor<1x?xi64> {tern.name = "attention_mask"}
// CHECK-SAME: %[[CACHE:[^:]*]]: memref<1x2x?x4xf32> {tern.dim_params = ["batch", "", "max_context", ""], tern.kv_cache = "present.0.key", tern.name = "past_key_values.0.key"}
// CHECK-SAME: -> (tensor<1x?x4xf32> {tern.name = "logits"})
// CHECK: %[[TOTAL:.*]] = tensor.dim %[[MASK]], %c1
// CHECK: %[[SEQ:.*]] = tensor.dim %[[NEW:.*]], %c2
// CHECK: %[[PAST:.*]] = arith.subi %[[TOTAL]], %[[SEQ]]
// CHECK: %[[FULL:.*]] = bufferization.to_tensor %[[CACHE]] restrict writable
// CHECK: %[[UPD:.*]] = tensor.insert_slice %[[NEW]] into %[[FULL]][0, 0, %[[PAST]], 0] [1, 2, %[[SEQ]], 4] [1, 1, 1, 1]
// CHECK: %[[VIEW:.*]] = tensor.extract_slice %[[UPD]][0, 0, 0, 0] [1, 2, %[[TOTAL]], 4] [1, 1, 1, 1]
// CHECK-NOT: tern.concat
// CHECK: tern.reduce_sum %[[VIEW]]
// CHECK: bufferization.materialize_in_destination %[[UPD]] in restrict writable %[[CACHE]]
// CHECK: return %{{.*}} : tensor<1x?x4xf32>
func.func @layer(%mask: tensor<1x?xi64> {tern.name = "attention_mask"},
                 %past: tensor<1x2x?x4xf32> {tern.name = "past_key_values.0.key", tern.dim_params = ["batch", "", "past_sequence", ""]},
                 %new: tensor<1x2x?x4xf32> {tern.name = "new"})
    -> (tensor<1x?x4xf32> {tern.name = "logits"}, tensor<1x2x?x4xf32> {tern.name = "present.0.key"}) {
  %present = tern.concat %past, %new {axis = 2 : i64} : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  %sum = tern.reduce_sum %present {axes = [1], keepdims = false} : (tensor<1x2x?x4xf32>) -> tensor<1x?x4xf32>
  return %sum, %present : tensor<1x?x4xf32>, tensor<1x2x?x4xf32>
}

// -----

// Functions without present.N results are not language models: untouched.
// CHECK-LABEL: func.func @plain(%arg0: tensor<4xf32>) -> tensor<4xf32>
// CHECK-NEXT: return %arg0
func.func @plain(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// A present output that is not a Concat of its past argument cannot be kept
// in place: an error naming the output, not a silent Optimum fallback.
// expected-error @below {{cannot update the KV cache in place: output 'present.0.key': its Concat's first operand is 'other', not 'past_key_values.0.key'}}
func.func @wrong_past(%mask: tensor<1x?xi64> {tern.name = "attention_mask"},
                      %other: tensor<1x2x?x4xf32> {tern.name = "other"},
                      %new: tensor<1x2x?x4xf32>) -> (tensor<1x2x?x4xf32> {tern.name = "present.0.key"}) {
  %present = tern.concat %other, %new {axis = 2 : i64} : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  return %present : tensor<1x2x?x4xf32>
}

// -----

// expected-error @below {{cannot update the KV cache in place: output 'present.0.key': its Concat is along axis 3, not 2}}
func.func @wrong_axis(%mask: tensor<1x?xi64> {tern.name = "attention_mask"},
                      %past: tensor<1x2x4x?xf32> {tern.name = "past_key_values.0.key"},
                      %new: tensor<1x2x4x?xf32>) -> (tensor<1x2x4x?xf32> {tern.name = "present.0.key"}) {
  %present = tern.concat %past, %new {axis = 3 : i64} : (tensor<1x2x4x?xf32>, tensor<1x2x4x?xf32>) -> tensor<1x2x4x?xf32>
  return %present : tensor<1x2x4x?xf32>
}

// -----

// expected-error @below {{cannot update the KV cache in place: output 'present.0.key': 'past_key_values.0.key' has uses besides the Concat}}
func.func @past_read_twice(%mask: tensor<1x?xi64> {tern.name = "attention_mask"},
                           %past: tensor<1x2x?x4xf32> {tern.name = "past_key_values.0.key"},
                           %new: tensor<1x2x?x4xf32>)
    -> (tensor<1x2x?x4xf32> {tern.name = "present.0.key"}, tensor<1x2x?x4xf32> {tern.name = "echo"}) {
  %present = tern.concat %past, %new {axis = 2 : i64} : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  return %present, %past : tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>
}

// -----

// expected-error @below {{cannot update the KV cache in place: the function has no rank-2 'attention_mask' input}}
func.func @no_mask(%past: tensor<1x2x?x4xf32> {tern.name = "past_key_values.0.key"},
                   %new: tensor<1x2x?x4xf32>) -> (tensor<1x2x?x4xf32> {tern.name = "present.0.key"}) {
  %present = tern.concat %past, %new {axis = 2 : i64} : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  return %present : tensor<1x2x?x4xf32>
}
