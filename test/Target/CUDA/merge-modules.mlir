// RUN: ternion-opt %s --split-input-file --verify-diagnostics --tern-gpu-merge-modules | FileCheck %s

// Each outlined kernel moves into @kernels under its module's (unique)
// name; the launches follow.

// CHECK-LABEL: func.func @two
// CHECK:         gpu.launch_func @kernels::@two_kernel blocks
// CHECK:         gpu.launch_func @kernels::@two_kernel_0 blocks
// CHECK:       gpu.module @kernels {
// CHECK:         gpu.func @two_kernel(%{{.*}}: memref<4xf32>) kernel
// CHECK:         gpu.func @two_kernel_0(%{{.*}}: memref<4xf32>) kernel
// CHECK-NOT:   gpu.module
module attributes {gpu.container_module} {
  func.func @two(%a: memref<4xf32>) {
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    gpu.launch_func @two_kernel::@two_kernel blocks in (%c1, %c1, %c1) threads in (%c4, %c1, %c1) args(%a : memref<4xf32>)
    gpu.launch_func @two_kernel_0::@two_kernel blocks in (%c1, %c1, %c1) threads in (%c4, %c1, %c1) args(%a : memref<4xf32>)
    return
  }
  gpu.module @two_kernel {
    gpu.func @two_kernel(%a: memref<4xf32>) kernel {
      %t = gpu.thread_id x
      %v = memref.load %a[%t] : memref<4xf32>
      %w = arith.addf %v, %v : f32
      memref.store %w, %a[%t] : memref<4xf32>
      gpu.return
    }
  }
  gpu.module @two_kernel_0 {
    gpu.func @two_kernel(%a: memref<4xf32>) kernel {
      %t = gpu.thread_id x
      %v = memref.load %a[%t] : memref<4xf32>
      %w = arith.mulf %v, %v : f32
      memref.store %w, %a[%t] : memref<4xf32>
      gpu.return
    }
  }
}

// -----

// A loop still on the host is an error, not a silent slow path.
module attributes {gpu.container_module} {
  func.func @host_loop(%a: memref<4xf32>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %zero = arith.constant 0.0 : f32
    // expected-error @below {{this parallel loop was not mapped to the GPU}}
    scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
      memref.store %zero, %a[%i] : memref<4xf32>
      scf.reduce
    }
    return
  }
  gpu.module @host_loop_kernel {
  }
}
