// RUN: ternion-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tern-parallelize-loops,canonicalize,cse))' | FileCheck %s
// RUN: ternion-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tern-parallelize-loops{chunks=4 min-work=100}))' | FileCheck %s --check-prefix=SMALL
// RUN: not ternion-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tern-parallelize-loops{chunks=1}))' 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: tern-parallelize-loops: chunks must be at least 2 and min-work not negative

// A dynamic extent: the work is compared with min-work at run time; the
// chunked copy runs in the then branch and the op as it was in the else
// branch. The batch dim of 1 is skipped: the chunks cut the sequence dim.
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @silu_like
// CHECK-DAG: %[[C768:.*]] = arith.constant 768 : index
// CHECK-DAG: %[[MIN:.*]] = arith.constant 32768 : index
// CHECK: %[[S:.*]] = memref.dim %arg0, %c1
// CHECK: %[[WORK:.*]] = arith.muli %[[S]], %[[C768]]
// CHECK: %[[LARGE:.*]] = arith.cmpi sge, %[[WORK]], %[[MIN]]
// CHECK: scf.if %[[LARGE]] {
// CHECK:   scf.forall (%[[I:.*]]) in (16) {
// CHECK:     %[[XS:.*]] = memref.subview %arg0[0, %{{.*}}, 0] [1, %{{.*}}, 768] [1, 1, 1]
// CHECK:     %[[YS:.*]] = memref.subview %arg1[0, %{{.*}}, 0] [1, %{{.*}}, 768] [1, 1, 1]
// CHECK:     linalg.generic {{.*}} ins(%[[XS]] {{.*}} outs(%[[YS]]
// CHECK:       math.exp
// CHECK: } else {
// CHECK-NOT: scf.forall
// CHECK:   linalg.generic {{.*}} ins(%arg0 : memref<1x?x768xf32>) outs(%arg1 : memref<1x?x768xf32>)
// CHECK:       math.exp
func.func @silu_like(%x: memref<1x?x768xf32>, %y: memref<1x?x768xf32>) {
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : memref<1x?x768xf32>) outs(%y : memref<1x?x768xf32>) {
  ^bb0(%a: f32, %b: f32):
    %e = math.exp %a : f32
    linalg.yield %e : f32
  }
  return
}

// -----

// A model's activations have a dynamic batch and a dynamic sequence: the
// batch (1 when one prompt is served) gives way to the sequence. With only
// one dynamic dim, or a static one first, the outermost is cut as before.
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @dynamic_batch
// CHECK: scf.forall (%{{.*}}) in (16) {
// CHECK:   memref.subview %arg0[0, %{{.*}}, 0] [%{{.*}}, %{{.*}}, 768] [1, 1, 1] : memref<?x?x768xf32>
// CHECK: scf.forall (%{{.*}}) in (16) {
// CHECK:   memref.subview %arg2[0, 0, %{{.*}}, 0] [%{{.*}}, 12, %{{.*}}, 64] [1, 1, 1, 1] : memref<?x12x?x64xf32>
// CHECK: scf.forall (%{{.*}}) in (16) {
// CHECK:   memref.subview %arg4[%{{.*}}, 0] [%{{.*}}, 768] [1, 1] : memref<?x768xf32>
func.func @dynamic_batch(%x: memref<?x?x768xf32>, %y: memref<?x?x768xf32>,
                         %q: memref<?x12x?x64xf32>, %r: memref<?x12x?x64xf32>,
                         %a: memref<?x768xf32>, %b: memref<?x768xf32>) {
  linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : memref<?x?x768xf32>) outs(%y : memref<?x?x768xf32>) {
  ^bb0(%in: f32, %out: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  }
  linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%q : memref<?x12x?x64xf32>) outs(%r : memref<?x12x?x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  }
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<?x768xf32>) outs(%b : memref<?x768xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  }
  return
}

// -----

// Static extents decide at compile time: 64x768 points are enough, 4x768
// are not (SMALL lowers the threshold below both).
// CHECK-LABEL: func.func @copies
// CHECK: linalg.copy ins(%arg0 : memref<4x768xf32>)
// CHECK: scf.forall (%[[I:.*]]) in (16) {
// CHECK:   %[[OFF:.*]] = affine.apply #{{.*}}(%[[I]])
// CHECK:   memref.subview %arg2[%[[OFF]], 0] [4, 768] [1, 1]
// CHECK:   linalg.copy
// SMALL-LABEL: func.func @copies
// SMALL: scf.forall (%{{.*}}) in (4) {
// SMALL: scf.forall (%{{.*}}) in (4) {
func.func @copies(%a: memref<4x768xf32>, %b: memref<4x768xf32>,
                  %c: memref<64x768xf32>, %d: memref<64x768xf32>) {
  linalg.copy ins(%a : memref<4x768xf32>) outs(%b : memref<4x768xf32>)
  linalg.copy ins(%c : memref<64x768xf32>) outs(%d : memref<64x768xf32>)
  return
}

// -----

// A reduction over rows (a norm's sum of squares): only the parallel dim is
// cut, so no two chunks write the same output.
#in = affine_map<(d0, d1) -> (d0, d1)>
#out = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @row_sums
// CHECK: scf.forall
// CHECK:   memref.subview %arg0[%{{.*}}, 0] [32, 4096] [1, 1]
// CHECK:   memref.subview %arg1[%{{.*}}] [32] [1]
// CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
func.func @row_sums(%x: memref<512x4096xf32>, %s: memref<512xf32>) {
  linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<512x4096xf32>) outs(%s : memref<512xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %sq = arith.mulf %a, %a : f32
    %sum = arith.addf %acc, %sq : f32
    linalg.yield %sum : f32
  }
  return
}

// -----

// Ops inside a parallel loop (flash-attention tiles) stay serial, and ops
// on tensors (not yet bufferized) or without a parallel dim are left alone.
#r = affine_map<(d0) -> (d0)>
#s = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @left_alone
// CHECK: scf.forall (%{{.*}}) in (2) {
// CHECK-NOT: scf.forall
// CHECK:   linalg.copy
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction"]
// CHECK-NOT: scf.forall
// CHECK: linalg.copy ins(%{{.*}} : tensor<65536xf32>)
func.func @left_alone(%a: memref<2x65536xf32>, %b: memref<2x65536xf32>, %v: memref<65536xf32>,
                      %acc: memref<f32>, %t: tensor<65536xf32>) -> tensor<65536xf32> {
  scf.forall (%i) in (2) {
    %sa = memref.subview %a[%i, 0] [1, 65536] [1, 1] : memref<2x65536xf32> to memref<65536xf32, strided<[1], offset: ?>>
    %sb = memref.subview %b[%i, 0] [1, 65536] [1, 1] : memref<2x65536xf32> to memref<65536xf32, strided<[1], offset: ?>>
    linalg.copy ins(%sa : memref<65536xf32, strided<[1], offset: ?>>) outs(%sb : memref<65536xf32, strided<[1], offset: ?>>)
  }
  linalg.generic {indexing_maps = [#r, #s], iterator_types = ["reduction"]}
      ins(%v : memref<65536xf32>) outs(%acc : memref<f32>) {
  ^bb0(%x: f32, %y: f32):
    %z = arith.addf %x, %y : f32
    linalg.yield %z : f32
  }
  %e = tensor.empty() : tensor<65536xf32>
  %r = linalg.copy ins(%t : tensor<65536xf32>) outs(%e : tensor<65536xf32>) -> tensor<65536xf32>
  return %r : tensor<65536xf32>
}
