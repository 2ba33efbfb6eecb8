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

// -----

// Attention scales are computed as Pow(Cast(head_dim), 0.5) from a Slice of
// Shape: with a static head dim the chain folds to one f32 scalar.
// CHECK-LABEL: func.func @scale_from_shape
// CHECK-NOT: tern.pow
// CHECK: %[[C:.*]] = tern.constant dense<4.000000e+00> : tensor<f32>
// CHECK: tern.div %arg0, %[[C]]
func.func @scale_from_shape(%x: tensor<?x2x?x16xf32>) -> tensor<?x2x?x16xf32> {
  %shape = tern.shape %x : (tensor<?x2x?x16xf32>) -> tensor<4xi64>
  %start = tern.constant dense<-1> : tensor<1xi64>
  %end = tern.constant dense<9223372036854775807> : tensor<1xi64>
  %axes = tern.constant dense<0> : tensor<1xi64>
  %d = tern.slice %shape, %start, %end axes %axes : (tensor<4xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  %ds = tern.squeeze %d {axes = [0]} : (tensor<1xi64>) -> tensor<i64>
  %df = tern.cast %ds {to = f32} : (tensor<i64>) -> tensor<f32>
  %half = tern.constant dense<5.000000e-01> : tensor<f32>
  %sqrt = tern.pow %df, %half : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %y = tern.div %x, %sqrt : (tensor<?x2x?x16xf32>, tensor<f32>) -> tensor<?x2x?x16xf32>
  return %y : tensor<?x2x?x16xf32>
}

// -----

// Transpose of Transpose composes into one (here the identity, so none).
// CHECK-LABEL: func.func @transpose_transpose
// CHECK-NOT: tern.transpose
// CHECK: return %arg0
func.func @transpose_transpose(%x: tensor<?x4x?x8xf32>) -> tensor<?x4x?x8xf32> {
  %a = tern.transpose %x {perm = array<i64: 0, 2, 1, 3>} : (tensor<?x4x?x8xf32>) -> tensor<?x?x4x8xf32>
  %b = tern.transpose %a {perm = array<i64: 0, 2, 1, 3>} : (tensor<?x?x4x8xf32>) -> tensor<?x4x?x8xf32>
  return %b : tensor<?x4x?x8xf32>
}

// CHECK-LABEL: func.func @transpose_compose
// CHECK: tern.transpose %arg0 {perm = array<i64: 0, 2, 3, 1>} : (tensor<2x3x4x5xf32>) -> tensor<2x4x5x3xf32>
// CHECK-NOT: tern.transpose
func.func @transpose_compose(%x: tensor<2x3x4x5xf32>) -> tensor<2x4x5x3xf32> {
  %a = tern.transpose %x {perm = array<i64: 0, 2, 1, 3>} : (tensor<2x3x4x5xf32>) -> tensor<2x4x3x5xf32>
  %b = tern.transpose %a {perm = array<i64: 0, 1, 3, 2>} : (tensor<2x4x3x5xf32>) -> tensor<2x4x5x3xf32>
  return %b : tensor<2x4x5x3xf32>
}

// -----

// A Reshape target built by Concat with constant pieces gives those dims
// even when the other pieces are only known at run time.
// CHECK-LABEL: func.func @reshape_partial_target
// CHECK: tern.reshape {{.*}} -> tensor<?x?x8x32xf32>
func.func @reshape_partial_target(%x: tensor<?x?x256xf32>, %b: tensor<1xi64>, %s: tensor<1xi64>) -> tensor<?x?x?x?xf32> {
  %h = tern.constant dense<8> : tensor<1xi64>
  %d = tern.constant dense<32> : tensor<1xi64>
  %t = tern.concat %b, %s, %h, %d {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4xi64>
  %y = tern.reshape %x, %t : (tensor<?x?x256xf32>, tensor<4xi64>) -> tensor<?x?x?x?xf32>
  return %y : tensor<?x?x?x?xf32>
}

// -----

// Expanded LayerNormalization (an ONNX function) negates its constant axis,
// also when the constant came from a resource, to size a ConstantOfShape.
// CHECK-LABEL: func.func @negated_axis
// CHECK: %[[S:.*]] = tern.constant dense<[3, 1]> : tensor<2xi64>
// CHECK: tern.reshape %{{.*}}, %[[S]] : (tensor<3x1xf32>, tensor<2xi64>)
func.func @negated_axis(%x: tensor<3x1xf32>) -> tensor<*xf32> {
  %axis = tern.constant dense_resource<axis> : tensor<1xi64>
  %three = tern.constant dense<3> : tensor<1xi64>
  %count = tern.neg %axis : (tensor<1xi64>) -> tensor<1xi64>
  %ones = tern.constant_of_shape %count {value = dense<1> : tensor<1xi64>} : (tensor<1xi64>) -> tensor<?xi64>
  %shape = tern.concat %three, %ones {axis = 0 : i64} : (tensor<1xi64>, tensor<?xi64>) -> tensor<?xi64>
  %y = tern.reshape %x, %shape : (tensor<3x1xf32>, tensor<?xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

{-#
  dialect_resources: {
    builtin: {
      axis: "0x08000000FFFFFFFFFFFFFFFF"
    }
  }
#-}
