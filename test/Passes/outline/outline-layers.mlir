// tern-outline-layers: identical layers become one private function called
// per layer. Weights (and small constants that differ between layers, such
// as the second weight here) are arguments; small constants every layer
// shares by value (the exponent) are cloned into the function; the values a
// layer hands on (the hidden state) are its results. A first layer that
// differs stays inline.
// RUN: ternion-opt %s --split-input-file --tern-outline-layers=report=true --verify-diagnostics | FileCheck %s
// RUN: ternion-opt %s --split-input-file --tern-outline-layers | ternion-opt --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[H:[a-z0-9]+]]: tensor<1x2x?x8xf32>, %[[K:[a-z0-9]+]]: tensor<1x2x?x8xf32>, %[[V:[a-z0-9]+]]: tensor<1x2x?x8xf32>
// The first layer has an extra op (a neg) and stays inline.
// CHECK: tern.attention
// CHECK: tern.neg
// CHECK: %[[L0:.*]] = tern.add
// CHECK-NOT: tern.attention
// CHECK: %[[L1:.*]] = call @main_layer(%[[L0]], %[[K]], %[[V]], %{{.*}}, %{{.*}}) : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<1x2x?x8xf32>
// CHECK: %[[L2:.*]] = call @main_layer(%[[L1]], %[[K]], %[[V]], %{{.*}}, %{{.*}})
// CHECK: %[[L3:.*]] = call @main_layer(%[[L2]], %[[K]], %[[V]], %{{.*}}, %{{.*}})
// CHECK: return %[[L3]]
// CHECK-LABEL: func.func private @main_layer(
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<1x2x?x8xf32>, %[[LK:[a-z0-9]+]]: tensor<1x2x?x8xf32>, %[[LV:[a-z0-9]+]]: tensor<1x2x?x8xf32>, %[[W:[a-z0-9]+]]: tensor<8x8xf32>, %[[G:[a-z0-9]+]]: tensor<8xf32>) -> tensor<1x2x?x8xf32>
// CHECK: %[[E:.*]] = tern.constant dense<2.000000e+00> : tensor<f32>
// CHECK: %[[A:.*]] = tern.attention %[[X]], %[[LK]], %[[LV]]
// CHECK: %[[O:.*]] = tern.linear %[[A]], %[[W]]
// CHECK: %[[P:.*]] = tern.pow %[[O]], %[[E]]
// CHECK: %[[S:.*]] = tern.mul %[[P]], %[[G]]
// CHECK: %[[R:.*]] = tern.add %[[X]], %[[S]]
// CHECK: return %[[R]]
// expected-remark @below {{tern-outline-layers: 3 of 4 layers call @main_layer (5 ops, 5 arguments, 1 results)}}
func.func @main(%h: tensor<1x2x?x8xf32>, %k: tensor<1x2x?x8xf32>, %v: tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32> {
  %a0 = tern.attention %h, %k, %v {scale = 0.25 : f32, causal = true} : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>
  %n0 = tern.neg %a0 : (tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>
  %w0 = tern.constant dense<0.5> : tensor<8x8xf32>
  %o0 = tern.linear %n0, %w0 : (tensor<1x2x?x8xf32>, tensor<8x8xf32>) -> tensor<1x2x?x8xf32>
  %e0 = tern.constant dense<2.0> : tensor<f32>
  %p0 = tern.pow %o0, %e0 : (tensor<1x2x?x8xf32>, tensor<f32>) -> tensor<1x2x?x8xf32>
  %g0 = tern.constant dense<1.0> : tensor<8xf32>
  %s0 = tern.mul %p0, %g0 : (tensor<1x2x?x8xf32>, tensor<8xf32>) -> tensor<1x2x?x8xf32>
  %h1 = tern.add %h, %s0 : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>

  %a1 = tern.attention %h1, %k, %v {scale = 0.25 : f32, causal = true} : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>
  %w1 = tern.constant dense<0.25> : tensor<8x8xf32>
  %o1 = tern.linear %a1, %w1 : (tensor<1x2x?x8xf32>, tensor<8x8xf32>) -> tensor<1x2x?x8xf32>
  %e1 = tern.constant dense<2.0> : tensor<f32>
  %p1 = tern.pow %o1, %e1 : (tensor<1x2x?x8xf32>, tensor<f32>) -> tensor<1x2x?x8xf32>
  %g1 = tern.constant dense<1.5> : tensor<8xf32>
  %s1 = tern.mul %p1, %g1 : (tensor<1x2x?x8xf32>, tensor<8xf32>) -> tensor<1x2x?x8xf32>
  %h2 = tern.add %h1, %s1 : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>

  %a2 = tern.attention %h2, %k, %v {scale = 0.25 : f32, causal = true} : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>
  %w2 = tern.constant dense<0.125> : tensor<8x8xf32>
  %o2 = tern.linear %a2, %w2 : (tensor<1x2x?x8xf32>, tensor<8x8xf32>) -> tensor<1x2x?x8xf32>
  %e2 = tern.constant dense<2.0> : tensor<f32>
  %p2 = tern.pow %o2, %e2 : (tensor<1x2x?x8xf32>, tensor<f32>) -> tensor<1x2x?x8xf32>
  %g2 = tern.constant dense<1.75> : tensor<8xf32>
  %s2 = tern.mul %p2, %g2 : (tensor<1x2x?x8xf32>, tensor<8xf32>) -> tensor<1x2x?x8xf32>
  %h3 = tern.add %h2, %s2 : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>

  %a3 = tern.attention %h3, %k, %v {scale = 0.25 : f32, causal = true} : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>
  %w3 = tern.constant dense<0.0625> : tensor<8x8xf32>
  %o3 = tern.linear %a3, %w3 : (tensor<1x2x?x8xf32>, tensor<8x8xf32>) -> tensor<1x2x?x8xf32>
  %e3 = tern.constant dense<2.0> : tensor<f32>
  %p3 = tern.pow %o3, %e3 : (tensor<1x2x?x8xf32>, tensor<f32>) -> tensor<1x2x?x8xf32>
  %g3 = tern.constant dense<2.0> : tensor<8xf32>
  %s3 = tern.mul %p3, %g3 : (tensor<1x2x?x8xf32>, tensor<8xf32>) -> tensor<1x2x?x8xf32>
  %h4 = tern.add %h3, %s3 : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>
  return %h4 : tensor<1x2x?x8xf32>
}

// -----

// Layers that differ (another scale in the second one) are left alone, and
// the remark says why.
// CHECK-LABEL: func.func @different(
// CHECK-COUNT-3: tern.attention
// CHECK-NOT: call
// expected-remark @below {{tern-outline-layers: nothing outlined: 3 anchors 2 ops apart, but no window around them is the same program in every layer}}
func.func @different(%h: tensor<1x2x?x8xf32>, %k: tensor<1x2x?x8xf32>, %v: tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32> {
  %a0 = tern.attention %h, %k, %v {scale = 0.25 : f32, causal = true} : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>
  %h1 = tern.add %h, %a0 : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>
  %a1 = tern.attention %h1, %k, %v {scale = 0.5 : f32, causal = true} : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>
  %h2 = tern.add %h1, %a1 : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>
  %a2 = tern.attention %h2, %k, %v {scale = 0.25 : f32, causal = true} : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>
  %h3 = tern.add %h2, %a2 : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>
  return %h3 : tensor<1x2x?x8xf32>
}

// -----

// One layer: nothing to share.
// CHECK-LABEL: func.func @single(
// CHECK-NOT: call
// expected-remark @below {{tern-outline-layers: nothing outlined: 1 anchor ops, fewer than min-layers}}
func.func @single(%h: tensor<1x2x?x8xf32>, %k: tensor<1x2x?x8xf32>, %v: tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32> {
  %a0 = tern.attention %h, %k, %v {scale = 0.25 : f32, causal = true} : (tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>
  return %a0 : tensor<1x2x?x8xf32>
}

// -----

// KV cache writes (bufferization.materialize_in_destination into a restrict
// buffer, gathered at the end of the function by tern-kv-cache-in-place)
// move into their layer: the layer function writes its cache itself instead
// of returning it for the caller to copy back.
// CHECK-LABEL: func.func @kv(
// CHECK-SAME: %[[H:[a-z0-9]+]]: tensor<1x2x4x8xf32>, %[[C0:[a-z0-9]+]]: memref<1x2x4x8xf32>, %[[C1:[a-z0-9]+]]: memref<1x2x4x8xf32>
// CHECK: %[[L0:.*]] = call @kv_layer(%[[C0]], %[[H]]) : (memref<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
// CHECK: %[[L1:.*]] = call @kv_layer(%[[C1]], %[[L0]])
// CHECK-NOT: materialize_in_destination
// CHECK: return %[[L1]]
// CHECK-LABEL: func.func private @kv_layer(
// CHECK-SAME: %[[C:[a-z0-9]+]]: memref<1x2x4x8xf32>, %[[X:[a-z0-9]+]]: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
// CHECK: %[[T:.*]] = bufferization.to_tensor %[[C]] restrict writable
// CHECK: %[[A:.*]] = tern.attention %[[X]], %[[T]], %[[T]]
// CHECK: bufferization.materialize_in_destination %[[A]] in restrict writable %[[C]]
// CHECK: %[[R:.*]] = tern.add %[[X]], %[[A]]
// CHECK: return %[[R]]
// expected-remark @below {{tern-outline-layers: 2 of 2 layers call @kv_layer (4 ops, 2 arguments, 1 results)}}
func.func @kv(%h: tensor<1x2x4x8xf32>, %c0: memref<1x2x4x8xf32>, %c1: memref<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %t0 = bufferization.to_tensor %c0 restrict writable : memref<1x2x4x8xf32> to tensor<1x2x4x8xf32>
  %a0 = tern.attention %h, %t0, %t0 {scale = 0.25 : f32, causal = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  %h1 = tern.add %h, %a0 : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  %t1 = bufferization.to_tensor %c1 restrict writable : memref<1x2x4x8xf32> to tensor<1x2x4x8xf32>
  %a1 = tern.attention %h1, %t1, %t1 {scale = 0.25 : f32, causal = true} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  %h2 = tern.add %h1, %a1 : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  bufferization.materialize_in_destination %a0 in restrict writable %c0 : (tensor<1x2x4x8xf32>, memref<1x2x4x8xf32>) -> ()
  bufferization.materialize_in_destination %a1 in restrict writable %c1 : (tensor<1x2x4x8xf32>, memref<1x2x4x8xf32>) -> ()
  return %h2 : tensor<1x2x4x8xf32>
}
