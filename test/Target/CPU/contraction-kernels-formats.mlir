// The contraction kernels dispatch on the weight format a lowered linear
// carries (tern.weight_format), not on the shape of its loops.
// RUN: ternion-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(func.func(tern-contraction-kernels))' | FileCheck %s

#xk = affine_map<(m, p, j, k) -> (m, k)>
#pkj = affine_map<(m, p, j, k) -> (p, k, j)>
#mpj = affine_map<(m, p, j, k) -> (m, p, j)>
// A panel-shaped contraction without a format is not taken for panels: no
// kernel is guessed from its maps.
// CHECK-LABEL: func.func @panel_shape_without_format
// CHECK-NOT: scf.forall
// CHECK: linalg.generic
func.func @panel_shape_without_format(%x: memref<?x32xf32>, %w: memref<2x32x64xf32>, %y: memref<?x2x64xf32>) {
  linalg.generic {indexing_maps = [#xk, #pkj, #mpj], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<?x32xf32>, memref<2x32x64xf32>) outs(%y : memref<?x2x64xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#xk = affine_map<(m, p, j, k) -> (m, k)>
#pkj = affine_map<(m, p, j, k) -> (p, k, j)>
#mpj = affine_map<(m, p, j, k) -> (m, p, j)>
// A format that contradicts the operands is a compiler bug, reported.
func.func @panel_width_mismatch(%x: memref<?x32xf32>, %w: memref<2x32x64xf32>, %y: memref<?x2x64xf32>) {
  // expected-error @+1 {{tern-contraction-kernels: a contraction whose weights are #tern.panels<32> does not have the structure convert-tern-to-linalg gives that format}}
  linalg.generic {indexing_maps = [#xk, #pkj, #mpj], iterator_types = ["parallel", "parallel", "parallel", "reduction"], tern.weight_format = #tern.panels<32>}
      ins(%x, %w : memref<?x32xf32>, memref<2x32x64xf32>) outs(%y : memref<?x2x64xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
// Rows take the dot-product kernel.
// CHECK-LABEL: func.func @rows
// CHECK: scf.forall
// CHECK-NOT: linalg.generic
func.func @rows(%x: memref<?x64xf32>, %w: memref<32x64xf32>, %y: memref<?x32xf32>) {
  linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"], tern.weight_format = #tern.rows}
      ins(%x, %w : memref<?x64xf32>, memref<32x64xf32>) outs(%y : memref<?x32xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
// A format the CPU has no kernel for is an error, never silently loops.
func.func @no_kernel(%x: memref<?x64xf32>, %w: memref<32x64xf32>, %y: memref<?x32xf32>) {
  // expected-error @+1 {{tern-contraction-kernels: the CPU has no kernel for weights in #tern.ternary<i2>}}
  linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"], tern.weight_format = #tern.ternary<i2>}
      ins(%x, %w : memref<?x64xf32>, memref<32x64xf32>) outs(%y : memref<?x32xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  }
  return
}
