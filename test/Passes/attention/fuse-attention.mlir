// RUN: ternion-opt %s --split-input-file --tern-fuse-attention | FileCheck %s
// RUN: ternion-opt %s --split-input-file --tern-fuse-attention | ternion-opt | FileCheck %s

// Plain multi-head attention: Mul by a scalar scale, no mask.
// CHECK-LABEL: func.func @mha_mul_scale
// CHECK-NOT: tern.transpose
// CHECK: %[[A:.*]] = tern.attention %arg0, %arg1, %arg2 {scale = 1.250000e-01 : f32} : (tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32>
// CHECK: return %[[A]]
func.func @mha_mul_scale(%q: tensor<1x4x8x16xf32>, %k: tensor<1x4x8x16xf32>, %v: tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32> {
  %kt = tern.transpose %k {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x4x8x16xf32>) -> tensor<1x4x16x8xf32>
  %s = tern.matmul %q, %kt : (tensor<1x4x8x16xf32>, tensor<1x4x16x8xf32>) -> tensor<1x4x8x8xf32>
  %c = tern.constant dense<0.125> : tensor<f32>
  %ss = tern.mul %c, %s : (tensor<f32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %p = tern.softmax %ss : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %o = tern.matmul %p, %v : (tensor<1x4x8x8xf32>, tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32>
  return %o : tensor<1x4x8x16xf32>
}

// -----

// An additive mask that is not provably causal (here a function argument)
// stays an operand.
// CHECK-LABEL: func.func @masked
// CHECK: tern.attention %arg0, %arg1, %arg2 mask %arg3 {scale = 2.500000e-01 : f32}
func.func @masked(%q: tensor<?x2x?x16xf32>, %k: tensor<?x2x?x16xf32>, %v: tensor<?x2x?x16xf32>, %m: tensor<?x1x?x?xf32>) -> tensor<?x2x?x16xf32> {
  %kt = tern.transpose %k {perm = array<i64: 0, 1, 3, 2>} : (tensor<?x2x?x16xf32>) -> tensor<?x2x16x?xf32>
  %s = tern.matmul %q, %kt : (tensor<?x2x?x16xf32>, tensor<?x2x16x?xf32>) -> tensor<?x2x?x?xf32>
  %c = tern.constant dense<4.0> : tensor<f32>
  %d = tern.div %s, %c : (tensor<?x2x?x?xf32>, tensor<f32>) -> tensor<?x2x?x?xf32>
  %sm = tern.add %d, %m : (tensor<?x2x?x?xf32>, tensor<?x1x?x?xf32>) -> tensor<?x2x?x?xf32>
  %p = tern.softmax %sm : (tensor<?x2x?x?xf32>) -> tensor<?x2x?x?xf32>
  %o = tern.matmul %p, %v : (tensor<?x2x?x?xf32>, tensor<?x2x?x16xf32>) -> tensor<?x2x?x16xf32>
  return %o : tensor<?x2x?x16xf32>
}

// -----

// A scale applied after the mask would scale the mask too: not fused.
// CHECK-LABEL: func.func @scale_after_mask
// CHECK-NOT: tern.attention
// CHECK: tern.softmax
func.func @scale_after_mask(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>, %m: tensor<1x1x4x4xf32>) -> tensor<1x2x4x8xf32> {
  %kt = tern.transpose %k {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x2x4x8xf32>) -> tensor<1x2x8x4xf32>
  %s = tern.matmul %q, %kt : (tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x4x4xf32>
  %sm = tern.add %s, %m : (tensor<1x2x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32>
  %c = tern.constant dense<2.0> : tensor<f32>
  %d = tern.div %sm, %c : (tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32>
  %p = tern.softmax %d : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %o = tern.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// Softmax over the query axis is not attention.
// CHECK-LABEL: func.func @softmax_wrong_axis
// CHECK-NOT: tern.attention
func.func @softmax_wrong_axis(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %kt = tern.transpose %k {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x2x4x8xf32>) -> tensor<1x2x8x4xf32>
  %s = tern.matmul %q, %kt : (tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x4x4xf32>
  %p = tern.softmax %s {axis = 2 : i64} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %o = tern.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// A Where mask whose fill is not large enough to vanish after softmax
// cannot be turned into an additive mask: not fused.
// CHECK-LABEL: func.func @where_small_fill
// CHECK-NOT: tern.attention
func.func @where_small_fill(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>, %c: tensor<1x1x4x4xi1>) -> tensor<1x2x4x8xf32> {
  %kt = tern.transpose %k {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x2x4x8xf32>) -> tensor<1x2x8x4xf32>
  %s = tern.matmul %q, %kt : (tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x4x4xf32>
  %fill = tern.constant dense<-100.0> : tensor<f32>
  %w = tern.where %c, %s, %fill : (tensor<1x1x4x4xi1>, tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32>
  %p = tern.softmax %w : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %o = tern.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// A Where mask with a huge negative fill becomes an additive mask operand.
// CHECK-LABEL: func.func @where_big_fill
// CHECK: %[[Z:.*]] = tern.constant dense<0.000000e+00> : tensor<f32>
// CHECK: %[[M:.*]] = tern.where %arg3, %[[Z]], %{{.*}} : (tensor<1x1x4x4xi1>, tensor<f32>, tensor<f32>) -> tensor<1x1x4x4xf32>
// CHECK: tern.attention %arg0, %arg1, %arg2 mask %[[M]] {scale = 1.000000e+00 : f32}
func.func @where_big_fill(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>, %c: tensor<1x1x4x4xi1>) -> tensor<1x2x4x8xf32> {
  %kt = tern.transpose %k {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x2x4x8xf32>) -> tensor<1x2x8x4xf32>
  %s = tern.matmul %q, %kt : (tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x4x4xf32>
  %fill = tern.constant dense<-3.40282347E+38> : tensor<f32>
  %w = tern.where %c, %s, %fill : (tensor<1x1x4x4xi1>, tensor<1x2x4x4xf32>, tensor<f32>) -> tensor<1x2x4x4xf32>
  %p = tern.softmax %w : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %o = tern.matmul %p, %v : (tensor<1x2x4x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// A causal-looking Trilu mask whose side is not traced to the query length
// (here a separate argument's dim) is kept as a mask, not made causal.
// CHECK-LABEL: func.func @trilu_unproven
// CHECK: tern.attention %arg0, %arg1, %arg2 mask %{{.*}} {scale = 1.000000e+00 : f32}
// CHECK-NOT: causal
func.func @trilu_unproven(%q: tensor<1x2x?x8xf32>, %k: tensor<1x2x?x8xf32>, %v: tensor<1x2x?x8xf32>, %other: tensor<?xf32>) -> tensor<1x2x?x8xf32> {
  %shape = tern.shape %other : (tensor<?xf32>) -> tensor<1xi64>
  %sq = tern.concat %shape, %shape {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %full = tern.constant_of_shape %sq {value = dense<-3.40282347E+38> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<?x?xf32>
  %one = tern.constant dense<1> : tensor<i64>
  %tri = tern.trilu %full, %one : (tensor<?x?xf32>, tensor<i64>) -> tensor<?x?xf32>
  %m = tern.unsqueeze %tri {axes = [0, 1]} : (tensor<?x?xf32>) -> tensor<1x1x?x?xf32>
  %kt = tern.transpose %k {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x2x?x8xf32>) -> tensor<1x2x8x?xf32>
  %s = tern.matmul %q, %kt : (tensor<1x2x?x8xf32>, tensor<1x2x8x?xf32>) -> tensor<1x2x?x?xf32>
  %sm = tern.add %s, %m : (tensor<1x2x?x?xf32>, tensor<1x1x?x?xf32>) -> tensor<1x2x?x?xf32>
  %p = tern.softmax %sm : (tensor<1x2x?x?xf32>) -> tensor<1x2x?x?xf32>
  %o = tern.matmul %p, %v : (tensor<1x2x?x?xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>
  return %o : tensor<1x2x?x8xf32>
}

// -----

// The same mask built from the query's own length, in self-attention
// (keys are the queries), is proven causal and disappears.
// CHECK-LABEL: func.func @trilu_causal
// CHECK-NOT: tern.trilu
// CHECK: tern.attention %arg0, %arg0, %arg0 {causal = true, scale = 1.000000e+00 : f32}
func.func @trilu_causal(%q: tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32> {
  %shape = tern.shape %q : (tensor<1x2x?x8xf32>) -> tensor<4xi64>
  %i2 = tern.constant dense<2> : tensor<i64>
  %n = tern.gather %shape, %i2 : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %n1 = tern.unsqueeze %n {axes = [0]} : (tensor<i64>) -> tensor<1xi64>
  %sq = tern.concat %n1, %n1 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %full = tern.constant_of_shape %sq {value = dense<-3.40282347E+38> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<?x?xf32>
  %one = tern.constant dense<1> : tensor<i64>
  %tri = tern.trilu %full, %one : (tensor<?x?xf32>, tensor<i64>) -> tensor<?x?xf32>
  %m = tern.unsqueeze %tri {axes = [0, 1]} : (tensor<?x?xf32>) -> tensor<1x1x?x?xf32>
  %kt = tern.transpose %q {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x2x?x8xf32>) -> tensor<1x2x8x?xf32>
  %s = tern.matmul %q, %kt : (tensor<1x2x?x8xf32>, tensor<1x2x8x?xf32>) -> tensor<1x2x?x?xf32>
  %sm = tern.add %s, %m : (tensor<1x2x?x?xf32>, tensor<1x1x?x?xf32>) -> tensor<1x2x?x?xf32>
  %p = tern.softmax %sm : (tensor<1x2x?x?xf32>) -> tensor<1x2x?x?xf32>
  %o = tern.matmul %p, %q : (tensor<1x2x?x?xf32>, tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32>
  return %o : tensor<1x2x?x8xf32>
}
