// RUN: ternion-opt %s --split-input-file --tern-lower-to-buffers --tern-externalize-weights="weights-file=%t.bin min-bytes=32" | FileCheck %s
// RUN: ternion-opt %s --split-input-file --tern-lower-to-buffers --tern-externalize-weights="weights-file=%t.bin min-bytes=32" > /dev/null
// The last split's file: two 40-byte constants at offsets 0 and 64.
// RUN: %python -c "import sys; d=open(sys.argv[1],'rb').read(); h=0xcbf29ce484222325; [h := ((h ^ c) * 0x100000001b3) % 2**64 for c in d]; print('size', len(d), 'fnv1a64:%016x' % h)" %t.bin | FileCheck %s --check-prefix=FILE
// RUN: not ternion-opt %s --split-input-file --tern-lower-to-buffers --tern-externalize-weights="alignment=48" 2>&1 | FileCheck %s --check-prefix=ALIGN

// A 128-byte weight becomes a view of the new last argument; the checksum is
// recorded on the module; a 16-byte constant
// stays in the code (min-bytes=32).
// CHECK: module attributes {tern.weights = {alignment = 64 : i64, checksum = "fnv1a64:{{[0-9a-f]+}}", count = 1 : i64, size = 128 : i64}}
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.*]]: memref<?x8xf32>, %[[W:.*]]: memref<?xi8> {tern.weights})
// CHECK: memref.view %[[W]][%{{.*}}][] : memref<?xi8> to memref<4x8xf32>
// CHECK: memref.get_global @{{.*}} : memref<4xf32>
// CHECK-NOT: memref.global "private" constant @{{.*}} : memref<4x8xf32>
func.func @main(%x: tensor<?x8xf32>) -> tensor<?x4xf32> {
  %w = tern.constant dense<[[0.00, 0.25, 0.50, 0.75, 1.00, 1.25, 1.50, 1.75], [2.00, 2.25, 2.50, 2.75, 3.00, 3.25, 3.50, 3.75], [4.00, 4.25, 4.50, 4.75, 5.00, 5.25, 5.50, 5.75], [6.00, 6.25, 6.50, 6.75, 7.00, 7.25, 7.50, 7.75]]> : tensor<4x8xf32>
  %b = tern.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %y = tern.linear %x, %w, %b : (tensor<?x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

// Private functions get no weights argument and keep their constants.
// CHECK-LABEL: func.func private @helper(%{{.*}}: memref<2x8xf32>) -> memref<2x8xf32>
// CHECK: memref.get_global
// CHECK-LABEL: func.func @entry(
// CHECK-SAME: memref<?xi8> {tern.weights}
func.func private @helper(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %c = tern.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 0.0, 1.0, 2.0], [3.0, 4.0, 0.0, 1.0, 2.0, 3.0, 4.0, 0.0]]> : tensor<2x8xf32>
  %y = tern.add %x, %c : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}
func.func @entry(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %y = func.call @helper(%x) : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// Two constants, each aligned: offsets 0 and 64, 104 bytes in all.
// CHECK: tern.weights = {alignment = 64 : i64, checksum = "fnv1a64:[[SUM:[0-9a-f]+]]", count = 2 : i64, size = 104 : i64}
// CHECK-DAG: arith.constant 0 : index
// CHECK-DAG: arith.constant 64 : index
// FILE: size 104 fnv1a64:[[SUM:[0-9a-f]+]]
// ALIGN: error: tern-externalize-weights: alignment 48 is not a power of two
func.func @two(%x: tensor<10xf32>) -> tensor<10xf32> {
  %a = tern.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]> : tensor<10xf32>
  %b = tern.constant dense<[-1.0, -2.0, -3.0, -4.0, -5.0, -6.0, -7.0, -8.0, -9.0, -11.0]> : tensor<10xf32>
  %s = tern.add %x, %a : (tensor<10xf32>, tensor<10xf32>) -> tensor<10xf32>
  %t = tern.mul %s, %b : (tensor<10xf32>, tensor<10xf32>) -> tensor<10xf32>
  return %t : tensor<10xf32>
}
