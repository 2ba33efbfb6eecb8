// RUN: ternion-opt %s --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(tern-gpu-launch-to-loops))' | FileCheck %s

// The launch becomes one parallel loop over block z, y, x and thread z, y,
// x; ids become its indices and sizes the launch's operands.

// CHECK-LABEL: func.func @grid
// CHECK-SAME:    (%[[A:.*]]: memref<?xf32>, %[[N:.*]]: index)
// CHECK:         %[[C0:.*]] = arith.constant 0 : index
// CHECK:         %[[C1:.*]] = arith.constant 1 : index
// CHECK:         scf.parallel (%[[BZ:.*]], %[[BY:.*]], %[[BX:.*]], %[[TZ:.*]], %[[TY:.*]], %[[TX:.*]]) = (%[[C0]], %[[C0]], %[[C0]], %[[C0]], %[[C0]], %[[C0]]) to (%{{.*}}, %{{.*}}, %[[N]], %{{.*}}, %{{.*}}, %[[C32:.*]]) step
// CHECK:           %[[BASE:.*]] = arith.muli %[[BX]], %[[C32]]
// CHECK:           %[[I:.*]] = arith.addi %[[BASE]], %[[TX]]
// CHECK:           memref.store %{{.*}}, %[[A]][%[[I]]]
// CHECK-NOT:     gpu.
func.func @grid(%a: memref<?xf32>, %n: index) {
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %one = arith.constant 1.0 : f32
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %n, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1) {
    %base = arith.muli %bx, %sx : index
    %i = arith.addi %base, %tx : index
    memref.store %one, %a[%i] : memref<?xf32>
    gpu.terminator
  }
  return
}

// -----

func.func @barrier(%a: memref<32xf32>) {
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  // expected-error @below {{barriers, shared memory and nested launches need a GPU}}
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1) {
    gpu.barrier
    gpu.terminator
  }
  return
}
