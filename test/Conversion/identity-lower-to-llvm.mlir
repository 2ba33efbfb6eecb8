// RUN: ternion-opt %s --tern-lower-to-llvm | FileCheck %s

// A function whose result is its argument (here a reduction that is a
// no-op, ONNX noop_with_empty_axes) makes buffer deallocation clone the
// argument; the pipeline lowers that clone (convert-bufferization-to-memref)
// to an allocation and a copy instead of leaving a bufferization op behind.
// CHECK-LABEL: llvm.func @noop
// CHECK: llvm.call @malloc
// CHECK: llvm.intr.memcpy
// CHECK-NOT: bufferization.
func.func @noop(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %0 = tern.reduce_sum %x {noop_with_empty_axes = true} : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}
