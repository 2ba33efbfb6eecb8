// RUN: ternion-opt %s --split-input-file --tern-lower-alloca-scopes | FileCheck %s
// RUN: ternion-opt %s --split-input-file --tern-lower-alloca-scopes --convert-scf-to-cf --finalize-memref-to-llvm > /dev/null

// A scope whose body allocates on the stack and loops: its body moves between
// stacksave and stackrestore, so convert-scf-to-cf may split it into blocks.
// CHECK-LABEL: func.func @scope_with_loop
// CHECK-NOT: memref.alloca_scope
// CHECK: %[[SP:.*]] = llvm.intr.stacksave : !llvm.ptr
// CHECK: memref.alloca
// CHECK: scf.for
// CHECK: llvm.intr.stackrestore %[[SP]] : !llvm.ptr
// CHECK: return %{{.*}} : f32
func.func @scope_with_loop(%n: index) -> f32 {
  %r = memref.alloca_scope -> f32 {
    %buf = memref.alloca() : memref<4xf32>
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %zero = arith.constant 0.0 : f32
    %s = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> f32 {
      %v = memref.load %buf[%c0] : memref<4xf32>
      %a = arith.addf %acc, %v : f32
      scf.yield %a : f32
    }
    memref.alloca_scope.return %s : f32
  }
  return %r : f32
}
