// Numeric check of Concat, Split, Slice and Gather through the whole CPU
// pipeline, on inputs with a dynamic dim and with run-time bounds, axes
// and negative steps. Expected values are numpy's (np.concatenate, basic
// slicing, which clamps like ONNX Slice, and np.take).
// RUN: ternion-opt %s --tern-lower-to-llvm | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils,%openmp_runtime | FileCheck %s

// concat
// CHECK: sizes = [3, 2]
// CHECK-NEXT: [1, 2]
// CHECK-NEXT: [3, 4]
// CHECK-NEXT: [5, 6]
// split equal
// CHECK: sizes = [3]
// CHECK-NEXT: [0, 1, 2]
// split equal
// CHECK: sizes = [3]
// CHECK-NEXT: [3, 4, 5]
// split equal
// CHECK: sizes = [1]
// CHECK-NEXT: [6]
// split [1, 3] a
// CHECK: sizes = [2, 1]
// CHECK-NEXT: [0]
// CHECK-NEXT: [4]
// split [1, 3] b
// CHECK: sizes = [2, 3]
// CHECK-NEXT: [1, 2, 3]
// CHECK-NEXT: [5, 6, 7]
// slice runtime neg
// CHECK: sizes = [2, 4]
// CHECK-NEXT: [19, 18, 17, 16]
// CHECK-NEXT: [9, 8, 7, 6]
// slice runtime pos
// CHECK: sizes = [2, 2]
// CHECK-NEXT: [6, 9]
// CHECK-NEXT: [11, 14]
// slice strided
// CHECK: sizes = [4, 2]
// CHECK-NEXT: [0, 2]
// CHECK-NEXT: [5, 7]
// CHECK-NEXT: [10, 12]
// CHECK-NEXT: [15, 17]
// gather
// CHECK: sizes = [4, 2, 2]
// CHECK-NEXT: [0, 4]
// CHECK-NEXT: [3, 0]
// CHECK-NEXT: [5, 9]
// CHECK-NEXT: [8, 5]
// CHECK-NEXT: [10, 14]
// CHECK-NEXT: [13, 10]
// CHECK-NEXT: [15, 19]
// CHECK-NEXT: [18, 15]

func.func @concat(%a: tensor<?x2xf32>, %b: tensor<1x2xf32>) -> tensor<?x2xf32> {
  %y = tern.concat %a, %b {axis = -2 : i64} : (tensor<?x2xf32>, tensor<1x2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// 7 elements in 3 pieces: 3, 3, 1.
func.func @split_equal(%x: tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>, tensor<?xf32>) {
  %a, %b, %c = tern.split %x {num_outputs = 3 : i64} : (tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>, tensor<?xf32>)
  return %a, %b, %c : tensor<?xf32>, tensor<?xf32>, tensor<?xf32>
}

func.func @split_sizes(%x: tensor<?x4xf32>) -> (tensor<?x1xf32>, tensor<?x3xf32>) {
  %a, %b = tern.split %x {axis = -1 : i64, split = array<i64: 1, 3>} : (tensor<?x4xf32>) -> (tensor<?x1xf32>, tensor<?x3xf32>)
  return %a, %b : tensor<?x1xf32>, tensor<?x3xf32>
}

// Everything at run time: bounds, axes and (negative) steps.
func.func @slice_runtime(%x: tensor<?x5xf32>, %s: tensor<2xi64>, %e: tensor<2xi64>, %a: tensor<2xi64>, %st: tensor<2xi64>) -> tensor<?x?xf32> {
  %y = tern.slice %x, %s, %e axes %a steps %st : (tensor<?x5xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// Constant positive step with run-time (clamped) bounds: an extract_slice.
func.func @slice_strided(%x: tensor<?x5xf32>, %s: tensor<1xi64>, %e: tensor<1xi64>) -> tensor<?x?xf32> {
  %a = tern.constant dense<[1]> : tensor<1xi64>
  %st = tern.constant dense<[2]> : tensor<1xi64>
  %y = tern.slice %x, %s, %e axes %a steps %st : (tensor<?x5xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

func.func @gather(%x: tensor<?x5xf32>, %i: tensor<2x2xi64>) -> tensor<?x2x2xf32> {
  %y = tern.gather %x, %i {axis = 1 : i64} : (tensor<?x5xf32>, tensor<2x2xi64>) -> tensor<?x2x2xf32>
  return %y : tensor<?x2x2xf32>
}

func.func @main() {
  %a = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %ad = tensor.cast %a : tensor<2x2xf32> to tensor<?x2xf32>
  %b = arith.constant dense<[[5.0, 6.0]]> : tensor<1x2xf32>
  %c = func.call @concat(%ad, %b) : (tensor<?x2xf32>, tensor<1x2xf32>) -> tensor<?x2xf32>
  %m_c = bufferization.to_buffer %c : tensor<?x2xf32> to memref<?x2xf32>
  %u_c = memref.cast %m_c : memref<?x2xf32> to memref<*xf32>
  call @printMemrefF32(%u_c) : (memref<*xf32>) -> ()

  %x7 = arith.constant dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]> : tensor<7xf32>
  %x7d = tensor.cast %x7 : tensor<7xf32> to tensor<?xf32>
  %p0, %p1, %p2 = func.call @split_equal(%x7d) : (tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>, tensor<?xf32>)
  %m_p0 = bufferization.to_buffer %p0 : tensor<?xf32> to memref<?xf32>
  %u_p0 = memref.cast %m_p0 : memref<?xf32> to memref<*xf32>
  call @printMemrefF32(%u_p0) : (memref<*xf32>) -> ()
  %m_p1 = bufferization.to_buffer %p1 : tensor<?xf32> to memref<?xf32>
  %u_p1 = memref.cast %m_p1 : memref<?xf32> to memref<*xf32>
  call @printMemrefF32(%u_p1) : (memref<*xf32>) -> ()
  %m_p2 = bufferization.to_buffer %p2 : tensor<?xf32> to memref<?xf32>
  %u_p2 = memref.cast %m_p2 : memref<?xf32> to memref<*xf32>
  call @printMemrefF32(%u_p2) : (memref<*xf32>) -> ()

  %x8 = arith.constant dense<[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0]]> : tensor<2x4xf32>
  %x8d = tensor.cast %x8 : tensor<2x4xf32> to tensor<?x4xf32>
  %q0, %q1 = func.call @split_sizes(%x8d) : (tensor<?x4xf32>) -> (tensor<?x1xf32>, tensor<?x3xf32>)
  %m_q0 = bufferization.to_buffer %q0 : tensor<?x1xf32> to memref<?x1xf32>
  %u_q0 = memref.cast %m_q0 : memref<?x1xf32> to memref<*xf32>
  call @printMemrefF32(%u_q0) : (memref<*xf32>) -> ()
  %m_q1 = bufferization.to_buffer %q1 : tensor<?x3xf32> to memref<?x3xf32>
  %u_q1 = memref.cast %m_q1 : memref<?x3xf32> to memref<*xf32>
  call @printMemrefF32(%u_q1) : (memref<*xf32>) -> ()

  %x20 = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0, 9.0], [10.0, 11.0, 12.0, 13.0, 14.0], [15.0, 16.0, 17.0, 18.0, 19.0]]> : tensor<4x5xf32>
  %x20d = tensor.cast %x20 : tensor<4x5xf32> to tensor<?x5xf32>
  // x[-1:-100:-2, 10:0:-1], the axes given as [-1, 0] (dim 1 first).
  %s1 = arith.constant dense<[10, -1]> : tensor<2xi64>
  %e1 = arith.constant dense<[0, -100]> : tensor<2xi64>
  %a1 = arith.constant dense<[-1, 0]> : tensor<2xi64>
  %st1 = arith.constant dense<[-1, -2]> : tensor<2xi64>
  %r1 = func.call @slice_runtime(%x20d, %s1, %e1, %a1, %st1) : (tensor<?x5xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<?x?xf32>
  %m_r1 = bufferization.to_buffer %r1 : tensor<?x?xf32> to memref<?x?xf32>
  %u_r1 = memref.cast %m_r1 : memref<?x?xf32> to memref<*xf32>
  call @printMemrefF32(%u_r1) : (memref<*xf32>) -> ()
  // x[1:3, -4:1000:3]
  %s2 = arith.constant dense<[1, -4]> : tensor<2xi64>
  %e2 = arith.constant dense<[3, 1000]> : tensor<2xi64>
  %a2 = arith.constant dense<[0, 1]> : tensor<2xi64>
  %st2 = arith.constant dense<[1, 3]> : tensor<2xi64>
  %r2 = func.call @slice_runtime(%x20d, %s2, %e2, %a2, %st2) : (tensor<?x5xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<?x?xf32>
  %m_r2 = bufferization.to_buffer %r2 : tensor<?x?xf32> to memref<?x?xf32>
  %u_r2 = memref.cast %m_r2 : memref<?x?xf32> to memref<*xf32>
  call @printMemrefF32(%u_r2) : (memref<*xf32>) -> ()
  // x[:, -100:4:2]
  %s3 = arith.constant dense<[-100]> : tensor<1xi64>
  %e3 = arith.constant dense<[4]> : tensor<1xi64>
  %r3 = func.call @slice_strided(%x20d, %s3, %e3) : (tensor<?x5xf32>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x?xf32>
  %m_r3 = bufferization.to_buffer %r3 : tensor<?x?xf32> to memref<?x?xf32>
  %u_r3 = memref.cast %m_r3 : memref<?x?xf32> to memref<*xf32>
  call @printMemrefF32(%u_r3) : (memref<*xf32>) -> ()

  %idx = arith.constant dense<[[0, -1], [3, -5]]> : tensor<2x2xi64>
  %g = func.call @gather(%x20d, %idx) : (tensor<?x5xf32>, tensor<2x2xi64>) -> tensor<?x2x2xf32>
  %m_g = bufferization.to_buffer %g : tensor<?x2x2xf32> to memref<?x2x2xf32>
  %u_g = memref.cast %m_g : memref<?x2x2xf32> to memref<*xf32>
  call @printMemrefF32(%u_g) : (memref<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(memref<*xf32>)
