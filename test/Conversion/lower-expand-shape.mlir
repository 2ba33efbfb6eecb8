// RUN: ternion-opt %s --split-input-file --tern-lower-expand-shape --canonicalize | FileCheck %s
// RUN: ternion-opt %s --split-input-file --tern-lower-expand-shape --expand-strided-metadata --finalize-memref-to-llvm > /dev/null

// Two dynamic sizes in one group (rows -> batch x sequence): the sizes come
// from output_shape; the outer stride is the inner size times 256.
// CHECK-LABEL: func.func @two_dynamic
// CHECK-SAME: (%[[A:.*]]: memref<?x256xf32>, %[[B:.*]]: index, %[[S:.*]]: index)
// CHECK: %[[STRIDE:.*]] = arith.muli %[[S]], %c256
// CHECK: memref.reinterpret_cast %[[A]] to offset: [0], sizes: [%[[B]], %[[S]], 256], strides: [%[[STRIDE]], 256, 1]
func.func @two_dynamic(%a: memref<?x256xf32>, %b: index, %s: index) -> memref<?x?x256xf32> {
  %e = memref.expand_shape %a [[0, 1], [2]] output_shape [%b, %s, 256] : memref<?x256xf32> into memref<?x?x256xf32>
  return %e : memref<?x?x256xf32>
}

// -----

// A strided source keeps its offset and its strides per group.
// CHECK-LABEL: func.func @strided
// CHECK: %{{.*}}, %[[OFF:.*]], %{{.*}}:2, %[[STRIDES:.*]]:2 = memref.extract_strided_metadata
// CHECK: %[[OUTER:.*]] = arith.muli %[[STRIDES]]#1, %c4
// CHECK: memref.reinterpret_cast %arg0 to offset: [%[[OFF]]], sizes: [%{{.*}}, 2, 4], strides: [%[[STRIDES]]#0, %[[OUTER]], %[[STRIDES]]#1]
func.func @strided(%a: memref<?x8xf32, strided<[?, ?], offset: ?>>, %n: index) -> memref<?x2x4xf32, strided<[?, ?, ?], offset: ?>> {
  %e = memref.expand_shape %a [[0], [1, 2]] output_shape [%n, 2, 4] : memref<?x8xf32, strided<[?, ?], offset: ?>> into memref<?x2x4xf32, strided<[?, ?, ?], offset: ?>>
  return %e : memref<?x2x4xf32, strided<[?, ?, ?], offset: ?>>
}
