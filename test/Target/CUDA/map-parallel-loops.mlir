// RUN: ternion-opt %s --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(tern-gpu-map-parallel-loops))' | FileCheck %s
// RUN: ternion-opt %s --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(tern-gpu-map-parallel-loops, convert-parallel-loops-to-gpu, canonicalize))' \
// RUN:   | FileCheck %s --check-prefix=LAUNCH

// The innermost dim (contiguous) becomes the threads of a block: 256 of
// them for a dynamic dim, guarded for the ragged last tile; the outer dim
// the grid's y.

// CHECK-LABEL: func.func @rows
// CHECK:         scf.parallel (%[[R:.*]], %[[C:.*]]) = (%{{.*}}, %{{.*}}) to (%{{.*}}, %{{.*}}) step (%{{.*}}, %[[C256:.*]])
// CHECK:           scf.parallel (%{{.*}}, %[[T:.*]]) = {{.*}} to (%{{.*}}, %[[C256]])
// CHECK:             scf.if
// CHECK:             memref.store
// CHECK:           } {mapping = [#gpu.loop_dim_map<processor = sequential, {{.*}}>, #gpu.loop_dim_map<processor = thread_x, {{.*}}>]}
// CHECK:         } {mapping = [#gpu.loop_dim_map<processor = block_y, {{.*}}>, #gpu.loop_dim_map<processor = block_x, {{.*}}>]}
// LAUNCH-LABEL: func.func @rows
// LAUNCH:         gpu.launch blocks({{.*}}) in ({{.*}}, {{.*}} = %dim, {{.*}} = %c1) threads({{.*}}) in ({{.*}} = %c256, {{.*}} = %c1, {{.*}} = %c1)
func.func @rows(%a: memref<?x?xf32>, %b: memref<?x?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %m = memref.dim %a, %c0 : memref<?x?xf32>
  %n = memref.dim %a, %c1 : memref<?x?xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%m, %n) step (%c1, %c1) {
    %v = memref.load %a[%i, %j] : memref<?x?xf32>
    %w = arith.addf %v, %v : f32
    memref.store %w, %b[%i, %j] : memref<?x?xf32>
    scf.reduce
  }
  return
}

// -----

// A short static innermost dim gets a smaller block (its power of two, at
// least a warp); a fourth dim loops inside the kernel; a nested parallel
// loop becomes an scf.for that runs sequentially in its thread.

// CHECK-LABEL: func.func @short_rank4
// CHECK:         scf.parallel
// CHECK:           scf.parallel
// CHECK:             scf.for
// CHECK-NOT:         scf.parallel
// CHECK:           } {mapping = [#gpu.loop_dim_map<processor = sequential, {{.*}}>, #gpu.loop_dim_map<processor = sequential, {{.*}}>, #gpu.loop_dim_map<processor = sequential, {{.*}}>, #gpu.loop_dim_map<processor = thread_x
// CHECK:         } {mapping = [#gpu.loop_dim_map<processor = sequential, {{.*}}>, #gpu.loop_dim_map<processor = block_z, {{.*}}>, #gpu.loop_dim_map<processor = block_y, {{.*}}>, #gpu.loop_dim_map<processor = block_x
// LAUNCH-LABEL: func.func @short_rank4
// LAUNCH:         gpu.launch blocks({{.*}}) in ({{.*}} = %c1, {{.*}} = %c5, {{.*}} = %c3) threads({{.*}}) in ({{.*}} = %c64, {{.*}} = %c1, {{.*}} = %c1)
// LAUNCH:           scf.for %{{.*}} = %c0 to %c2
// LAUNCH:             scf.for
func.func @short_rank4(%a: memref<2x3x5x40xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %c40 = arith.constant 40 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%b, %h, %s, %d) = (%c0, %c0, %c0, %c0) to (%c2, %c3, %c5, %c40) step (%c1, %c1, %c1, %c1) {
    scf.parallel (%x) = (%c0) to (%c2) step (%c1) {
      memref.store %zero, %a[%b, %h, %s, %d] : memref<2x3x5x40xf32>
      scf.reduce
    }
    scf.reduce
  }
  return
}
