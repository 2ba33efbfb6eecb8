// RUN: ternion-opt %s --tern-buffers-to-gpu | FileCheck %s
// RUN: ternion-opt %s --tern-buffers-to-gpu | ternion-opt | FileCheck %s
// RUN: ternion-opt %s --tern-buffers-to-gpu --tern-gpu-to-llvm | FileCheck %s --check-prefix=LLVM

// The CUDA target's first half on buffers: every linalg op (and the copy)
// becomes a kernel in one gpu.module, launched from the host function with
// the grid computed from the dynamic sizes; exp becomes an inline
// polynomial, so the kernels need no libdevice. The second half compiles
// the module to PTX for sm_90 and lowers the launches to the mgpu* ABI.

// The exp and the copy run a block of 128 threads (the static row) per
// row; the row sums, whose innermost parallel dim is dynamic, 256.
// CHECK-LABEL: func.func @softmax_rows
// CHECK:         gpu.launch_func @kernels::@[[EXP:.*]] blocks in (%c1, %dim, %c1) threads in (%c128, %c1, %c1)
// CHECK:         gpu.launch_func @kernels::@[[SUM:.*]] blocks in (%{{.*}}, %c1, %c1) threads in (%c256, %c1, %c1)
// CHECK:         gpu.launch_func @kernels::@[[COPY:.*]] blocks in (%c1, %{{.*}}, %c1) threads in (%c128, %c1, %c1)
// CHECK:         return
// CHECK:       gpu.module @kernels
// CHECK:         gpu.func @{{.*}} kernel
// CHECK:           gpu.block_id x
// CHECK:           gpu.thread_id x
// CHECK-NOT:     math.exp
// CHECK:         gpu.return

// LLVM-NOT:   gpu.module
// LLVM:       llvm.func @softmax_rows
// LLVM-COUNT-3: gpu.launch_func @kernels::
// LLVM:       gpu.binary @kernels  [#gpu.object<#nvvm.target<O = 3, chip = "sm_90", features = "+ptx80">, {{.*}}assembly = "{{.*}}.target sm_90
// The exp polynomial's floor is one PTX instruction, not a libdevice call.
// LLVM-SAME:    .visible .entry softmax_rows_kernel(
// LLVM-SAME:    cvt.rmi.f32.f32
// LLVM-SAME:    .visible .entry softmax_rows_kernel_0(
// LLVM-SAME:    .visible .entry softmax_rows_kernel_1(
// RUN: ternion-opt %s --tern-buffers-to-gpu --tern-gpu-to-llvm | not grep -q __nv_
#map = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @softmax_rows(%x: memref<?x128xf32>, %y: memref<?x128xf32>, %sums: memref<?xf32>,
                        %copy: memref<?x128xf32>) {
  linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<?x128xf32>) outs(%y : memref<?x128xf32>) {
  ^bb0(%in: f32, %out: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  }
  linalg.generic {indexing_maps = [#map, #row], iterator_types = ["parallel", "reduction"]}
      ins(%y : memref<?x128xf32>) outs(%sums : memref<?xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %acc : f32
    linalg.yield %s : f32
  }
  memref.copy %y, %copy : memref<?x128xf32> to memref<?x128xf32>
  return
}
