// RUN: ternion-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(convert-tern-to-linalg, canonicalize, tern-fuse-elementwise))' | FileCheck %s

// A 3-D input to tern.linear: the contraction stays 2-D between the
// collapse and expand of its rows (upstream fusion would fold the reshapes
// into a 4-loop contraction), and the elementwise producer (relu) and
// consumer (sigmoid-like exp) are not fused into it; they still fuse with
// each other elsewhere.
// CHECK-LABEL: func.func @linear_3d
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel"]
// CHECK: arith.maximumf
// CHECK: tensor.collapse_shape
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<?x8xf32>, tensor<4x8xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: arith.addf
// CHECK-NEXT: linalg.yield
// CHECK: tensor.expand_shape
// CHECK: math.exp
func.func @linear_3d(%x: tensor<2x?x8xf32>, %w: tensor<4x8xf32>) -> tensor<2x?x4xf32> {
  %r = tern.relu %x : (tensor<2x?x8xf32>) -> tensor<2x?x8xf32>
  %y = tern.linear %r, %w : (tensor<2x?x8xf32>, tensor<4x8xf32>) -> tensor<2x?x4xf32>
  %e = tern.exp %y : (tensor<2x?x4xf32>) -> tensor<2x?x4xf32>
  return %e : tensor<2x?x4xf32>
}

// -----

// Elementwise chains still fuse into one generic.
// CHECK-LABEL: func.func @chain
// CHECK-COUNT-1: linalg.generic
// CHECK-NOT: linalg.generic
func.func @chain(%x: tensor<?x8xf32>, %y: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %a = tern.add %x, %y : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
  %r = tern.relu %a : (tensor<?x8xf32>) -> tensor<?x8xf32>
  %e = tern.exp %r : (tensor<?x8xf32>) -> tensor<?x8xf32>
  return %e : tensor<?x8xf32>
}
