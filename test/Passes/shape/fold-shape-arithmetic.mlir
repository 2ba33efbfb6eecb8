// Shape -> Gather -> Unsqueeze -> Concat -> Reshape chains fold once the
// dims they read are static, and tern-infer-shapes then makes the Reshape
// static. This is the chain torch exports for `x.view(b, s, heads, d)`.
// RUN: ternion-opt %s --split-input-file --tern-cleanup | FileCheck %s

// CHECK-LABEL: func.func @view_heads
// CHECK-SAME: -> tensor<?x4x2x8xf32>
// CHECK-NOT: tern.shape
// CHECK-NOT: tern.gather
// CHECK: %[[S:.*]] = tern.constant dense<[0, 4, 2, 8]> : tensor<4xi64>
// CHECK: tern.reshape %arg0, %[[S]] : (tensor<?x4x16xf32>, tensor<4xi64>) -> tensor<?x4x2x8xf32>
func.func @view_heads(%x: tensor<?x4x16xf32>) -> tensor<?x?x?x?xf32> {
  %shape = tern.shape %x : (tensor<?x4x16xf32>) -> tensor<3xi64>
  %i1 = tern.constant dense<1> : tensor<i64>
  %s = tern.gather %shape, %i1 : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %s1 = tern.unsqueeze %s {axes = [0]} : (tensor<i64>) -> tensor<1xi64>
  %zero = tern.constant dense<0> : tensor<1xi64>
  %heads = tern.constant dense<2> : tensor<1xi64>
  %d = tern.constant dense<8> : tensor<1xi64>
  %target = tern.concat %zero, %s1, %heads, %d {axis = 0} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4xi64>
  %y = tern.reshape %x, %target : (tensor<?x4x16xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  return %y : tensor<?x?x?x?xf32>
}

// -----

// A dynamic dim stays dynamic: the Gather of dim 0 does not fold.
// CHECK-LABEL: func.func @dynamic_dim
// CHECK: tern.shape
// CHECK: tern.gather
func.func @dynamic_dim(%x: tensor<?x4xf32>) -> tensor<i64> {
  %shape = tern.shape %x : (tensor<?x4xf32>) -> tensor<2xi64>
  %i0 = tern.constant dense<0> : tensor<i64>
  %s = tern.gather %shape, %i0 : (tensor<2xi64>, tensor<i64>) -> tensor<i64>
  return %s : tensor<i64>
}

// -----

// Range and integer arithmetic fold (position ids, mask sizes).
// CHECK-LABEL: func.func @range
// CHECK: %[[R:.*]] = tern.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
// CHECK: %[[M:.*]] = tern.constant dense<[false, true, true, true]>
// CHECK: return %[[R]], %[[M]]
func.func @range(%x: tensor<1x4xf32>) -> (tensor<?xi64>, tensor<?xi1>) {
  %shape = tern.shape %x {start = 1} : (tensor<1x4xf32>) -> tensor<1xi64>
  %zero = tern.constant dense<0> : tensor<1xi64>
  %n = tern.squeeze %shape : (tensor<1xi64>) -> tensor<i64>
  %s = tern.constant dense<0> : tensor<i64>
  %one = tern.constant dense<1> : tensor<i64>
  %r = tern.range %s, %n, %one : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  %m = tern.greater %r, %zero : (tensor<?xi64>, tensor<1xi64>) -> tensor<?xi1>
  return %r, %m : tensor<?xi64>, tensor<?xi1>
}
