// Numeric check of the layout lowerings through the whole CPU pipeline:
// every op runs on inputs with a dynamic dim (a tensor.cast to `?` before
// the call, so nothing folds), run-time shape operands included. Expected
// values are numpy's (np.transpose, reshape with ONNX's 0/-1, squeeze,
// expand_dims, broadcasting multiply for Expand).
// RUN: ternion-opt %s --tern-lower-to-llvm | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils,%openmp_runtime | FileCheck %s

// transpose
// CHECK: sizes = [4, 2, 3]
// CHECK-NEXT: [0, 4, 8]
// CHECK-NEXT: [12, 16, 20]
// CHECK-NEXT: [1, 5, 9]
// CHECK-NEXT: [13, 17, 21]
// CHECK-NEXT: [2, 6, 10]
// CHECK-NEXT: [14, 18, 22]
// CHECK-NEXT: [3, 7, 11]
// CHECK-NEXT: [15, 19, 23]
// reshape [0, -1, 3]
// CHECK: sizes = [2, 2, 3]
// CHECK-NEXT: [0, 1, 2]
// CHECK-NEXT: [3, 4, 5]
// CHECK-NEXT: [6, 7, 8]
// CHECK-NEXT: [9, 10, 11]
// reshape [3, -1, 1]
// CHECK: sizes = [3, 4, 1]
// CHECK-NEXT: [0]
// CHECK-NEXT: [1]
// CHECK-NEXT: [2]
// CHECK-NEXT: [3]
// CHECK-NEXT: [4]
// CHECK-NEXT: [5]
// CHECK-NEXT: [6]
// CHECK-NEXT: [7]
// CHECK-NEXT: [8]
// CHECK-NEXT: [9]
// CHECK-NEXT: [10]
// CHECK-NEXT: [11]
// reshape [0, 3, 2]
// CHECK: sizes = [2, 3, 2]
// CHECK-NEXT: [0, 1]
// CHECK-NEXT: [2, 3]
// CHECK-NEXT: [4, 5]
// CHECK-NEXT: [6, 7]
// CHECK-NEXT: [8, 9]
// CHECK-NEXT: [10, 11]
// flatten axis -1
// CHECK: sizes = [6, 2]
// CHECK-NEXT: [0, 1]
// CHECK-NEXT: [2, 3]
// CHECK-NEXT: [4, 5]
// CHECK-NEXT: [6, 7]
// CHECK-NEXT: [8, 9]
// CHECK-NEXT: [10, 11]
// reshape traced
// CHECK: sizes = [1, 2, 2, 3]
// CHECK-NEXT: [0, 1, 2]
// CHECK-NEXT: [3, 4, 5]
// CHECK-NEXT: [6, 7, 8]
// CHECK-NEXT: [9, 10, 11]
// squeeze [1], unsqueeze [0, -1]
// CHECK: sizes = [1, 2, 3, 1]
// CHECK-NEXT: [1]
// CHECK-NEXT: [2]
// CHECK-NEXT: [3]
// CHECK-NEXT: [4]
// CHECK-NEXT: [5]
// CHECK-NEXT: [6]
// expand [2, 1, 4]
// CHECK: sizes = [2, 3, 4]
// CHECK-NEXT: [1, 1, 1, 1]
// CHECK-NEXT: [2, 2, 2, 2]
// CHECK-NEXT: [3, 3, 3, 3]
// CHECK-NEXT: [1, 1, 1, 1]
// CHECK-NEXT: [2, 2, 2, 2]
// CHECK-NEXT: [3, 3, 3, 3]
// expand [1, 3, 2]
// CHECK: sizes = [1, 3, 2]
// CHECK-NEXT: [7, 7]
// CHECK-NEXT: [7, 7]
// CHECK-NEXT: [7, 7]

func.func @transpose(%x: tensor<?x3x4xf32>) -> tensor<4x?x3xf32> {
  %y = tern.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<?x3x4xf32>) -> tensor<4x?x3xf32>
  return %y : tensor<4x?x3xf32>
}

// Run-time shape [0, -1, 3]: 0 copies dim 0, -1 is inferred.
func.func @reshape_runtime(%x: tensor<?x6xf32>, %s: tensor<3xi64>) -> tensor<?x?x?xf32> {
  %y = tern.reshape %x, %s : (tensor<?x6xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  return %y : tensor<?x?x?xf32>
}

// Constant shape: an expand_shape of the dynamic input.
func.func @reshape_const(%x: tensor<?x6xf32>) -> tensor<?x3x2xf32> {
  %s = tern.constant dense<[0, 3, 2]> : tensor<3xi64>
  %y = tern.reshape %x, %s : (tensor<?x6xf32>, tensor<3xi64>) -> tensor<?x3x2xf32>
  return %y : tensor<?x3x2xf32>
}

func.func @flatten(%x: tensor<?x3x2xf32>) -> tensor<?x2xf32> {
  %y = tern.flatten %x {axis = -1 : i64} : (tensor<?x3x2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

func.func @squeeze_unsqueeze(%x: tensor<?x1x3xf32>) -> tensor<1x?x3x1xf32> {
  %s = tern.squeeze %x {axes = [1]} : (tensor<?x1x3xf32>) -> tensor<?x3xf32>
  %u = tern.unsqueeze %s {axes = [0, -1]} : (tensor<?x3xf32>) -> tensor<1x?x3x1xf32>
  return %u : tensor<1x?x3x1xf32>
}

func.func @expand(%x: tensor<?x1xf32>, %s: tensor<3xi64>) -> tensor<?x?x?xf32> {
  %y = tern.expand %x, %s : (tensor<?x1xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  return %y : tensor<?x?x?xf32>
}

// The torch export pattern: Concat(Shape(x)[0], Shape(x)[1], [2, 3]).
func.func @reshape_traced(%x: tensor<?x?x6xf32>) -> tensor<?x?x2x3xf32> {
  %sh = tern.shape %x : (tensor<?x?x6xf32>) -> tensor<3xi64>
  %i0 = tern.constant dense<0> : tensor<i64>
  %i1 = tern.constant dense<1> : tensor<i64>
  %b = tern.gather %sh, %i0 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %t = tern.gather %sh, %i1 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %bu = tern.unsqueeze %b {axes = [0]} : (tensor<i64>) -> tensor<1xi64>
  %tu = tern.unsqueeze %t {axes = [0]} : (tensor<i64>) -> tensor<1xi64>
  %c = tern.constant dense<[2, 3]> : tensor<2xi64>
  %s = tern.concat %bu, %tu, %c {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<4xi64>
  %y = tern.reshape %x, %s : (tensor<?x?x6xf32>, tensor<4xi64>) -> tensor<?x?x2x3xf32>
  return %y : tensor<?x?x2x3xf32>
}

func.func @main() {
  %x24 = arith.constant dense<[[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]], [[12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0], [20.0, 21.0, 22.0, 23.0]]]> : tensor<2x3x4xf32>
  %x24d = tensor.cast %x24 : tensor<2x3x4xf32> to tensor<?x3x4xf32>
  %t = func.call @transpose(%x24d) : (tensor<?x3x4xf32>) -> tensor<4x?x3xf32>
  %m_t = bufferization.to_buffer %t : tensor<4x?x3xf32> to memref<4x?x3xf32>
  %u_t = memref.cast %m_t : memref<4x?x3xf32> to memref<*xf32>
  call @printMemrefF32(%u_t) : (memref<*xf32>) -> ()

  %x12 = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0], [6.0, 7.0, 8.0, 9.0, 10.0, 11.0]]> : tensor<2x6xf32>
  %x12d = tensor.cast %x12 : tensor<2x6xf32> to tensor<?x6xf32>
  %s1 = arith.constant dense<[0, -1, 3]> : tensor<3xi64>
  %r1 = func.call @reshape_runtime(%x12d, %s1) : (tensor<?x6xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  %m_r1 = bufferization.to_buffer %r1 : tensor<?x?x?xf32> to memref<?x?x?xf32>
  %u_r1 = memref.cast %m_r1 : memref<?x?x?xf32> to memref<*xf32>
  call @printMemrefF32(%u_r1) : (memref<*xf32>) -> ()
  %s2 = arith.constant dense<[3, -1, 1]> : tensor<3xi64>
  %r2 = func.call @reshape_runtime(%x12d, %s2) : (tensor<?x6xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  %m_r2 = bufferization.to_buffer %r2 : tensor<?x?x?xf32> to memref<?x?x?xf32>
  %u_r2 = memref.cast %m_r2 : memref<?x?x?xf32> to memref<*xf32>
  call @printMemrefF32(%u_r2) : (memref<*xf32>) -> ()
  %r3 = func.call @reshape_const(%x12d) : (tensor<?x6xf32>) -> tensor<?x3x2xf32>
  %m_r3 = bufferization.to_buffer %r3 : tensor<?x3x2xf32> to memref<?x3x2xf32>
  %u_r3 = memref.cast %m_r3 : memref<?x3x2xf32> to memref<*xf32>
  call @printMemrefF32(%u_r3) : (memref<*xf32>) -> ()
  %r3d = tensor.cast %r3 : tensor<?x3x2xf32> to tensor<?x3x2xf32>
  %f = func.call @flatten(%r3d) : (tensor<?x3x2xf32>) -> tensor<?x2xf32>
  %m_f = bufferization.to_buffer %f : tensor<?x2xf32> to memref<?x2xf32>
  %u_f = memref.cast %m_f : memref<?x2xf32> to memref<*xf32>
  call @printMemrefF32(%u_f) : (memref<*xf32>) -> ()

  %x12e = tensor.expand_shape %x12 [[0, 1], [2]] output_shape [1, 2, 6] : tensor<2x6xf32> into tensor<1x2x6xf32>
  %x12t = tensor.cast %x12e : tensor<1x2x6xf32> to tensor<?x?x6xf32>
  %rt = func.call @reshape_traced(%x12t) : (tensor<?x?x6xf32>) -> tensor<?x?x2x3xf32>
  %m_rt = bufferization.to_buffer %rt : tensor<?x?x2x3xf32> to memref<?x?x2x3xf32>
  %u_rt = memref.cast %m_rt : memref<?x?x2x3xf32> to memref<*xf32>
  call @printMemrefF32(%u_rt) : (memref<*xf32>) -> ()

  %x6 = arith.constant dense<[[[1.0, 2.0, 3.0]], [[4.0, 5.0, 6.0]]]> : tensor<2x1x3xf32>
  %x6d = tensor.cast %x6 : tensor<2x1x3xf32> to tensor<?x1x3xf32>
  %su = func.call @squeeze_unsqueeze(%x6d) : (tensor<?x1x3xf32>) -> tensor<1x?x3x1xf32>
  %m_su = bufferization.to_buffer %su : tensor<1x?x3x1xf32> to memref<1x?x3x1xf32>
  %u_su = memref.cast %m_su : memref<1x?x3x1xf32> to memref<*xf32>
  call @printMemrefF32(%u_su) : (memref<*xf32>) -> ()

  // [3, 1] -> [2, 1, 4]: a static 1 broadcasts through the map.
  %x3 = arith.constant dense<[[1.0], [2.0], [3.0]]> : tensor<3x1xf32>
  %x3d = tensor.cast %x3 : tensor<3x1xf32> to tensor<?x1xf32>
  %e1s = arith.constant dense<[2, 1, 4]> : tensor<3xi64>
  %e1 = func.call @expand(%x3d, %e1s) : (tensor<?x1xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  %m_e1 = bufferization.to_buffer %e1 : tensor<?x?x?xf32> to memref<?x?x?xf32>
  %u_e1 = memref.cast %m_e1 : memref<?x?x?xf32> to memref<*xf32>
  call @printMemrefF32(%u_e1) : (memref<*xf32>) -> ()
  // [1, 1] -> [1, 3, 2]: the dynamic dim is 1 at run time and broadcasts.
  %x1 = arith.constant dense<[[7.0]]> : tensor<1x1xf32>
  %x1d = tensor.cast %x1 : tensor<1x1xf32> to tensor<?x1xf32>
  %e2s = arith.constant dense<[1, 3, 2]> : tensor<3xi64>
  %e2 = func.call @expand(%x1d, %e2s) : (tensor<?x1xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  %m_e2 = bufferization.to_buffer %e2 : tensor<?x?x?xf32> to memref<?x?x?xf32>
  %u_e2 = memref.cast %m_e2 : memref<?x?x?xf32> to memref<*xf32>
  call @printMemrefF32(%u_e2) : (memref<*xf32>) -> ()
  return
}
func.func private @printMemrefF32(memref<*xf32>)
