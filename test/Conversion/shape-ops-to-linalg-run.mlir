// Numeric check of Shape, ConstantOfShape, Range and Trilu through the whole
// CPU pipeline, with run-time operands and a dynamic dim. Expected values
// are numpy's (x.shape[-2:], np.full, np.arange, np.triu/np.tril).
// RUN: ternion-opt %s --tern-lower-to-llvm | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils,%openmp_runtime | FileCheck %s

// shape start -2
// CHECK: sizes = [2]
// CHECK-NEXT: [3, 5]
// constant_of_shape
// CHECK: sizes = [2, 3]
// CHECK-NEXT: [1.5, 1.5, 1.5]
// CHECK-NEXT: [1.5, 1.5, 1.5]
// range f32
// CHECK: sizes = [4]
// CHECK-NEXT: [1, 1.5, 2, 2.5]
// range i64
// CHECK: sizes = [3]
// CHECK-NEXT: [10, 6, 2]
// range i64 empty
// CHECK: sizes = [0]
// triu k=1
// CHECK: sizes = [3, 4]
// CHECK-NEXT: [0, 2, 3, 4]
// CHECK-NEXT: [0, 0, 7, 8]
// CHECK-NEXT: [0, 0, 0, 12]
// tril k=-1
// CHECK: sizes = [3, 4]
// CHECK-NEXT: [0, 0, 0, 0]
// CHECK-NEXT: [5, 0, 0, 0]
// CHECK-NEXT: [9, 10, 0, 0]

func.func @shape(%x: tensor<?x3x?xf32>) -> tensor<2xi64> {
  %y = tern.shape %x {start = -2 : i64} : (tensor<?x3x?xf32>) -> tensor<2xi64>
  return %y : tensor<2xi64>
}

func.func @constant_of_shape(%s: tensor<2xi64>) -> tensor<?x?xf32> {
  %y = tern.constant_of_shape %s {value = dense<1.5> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

func.func @range_f32(%a: tensor<f32>, %b: tensor<f32>, %c: tensor<f32>) -> tensor<?xf32> {
  %y = tern.range %a, %b, %c : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<?xf32>
  return %y : tensor<?xf32>
}

func.func @range_i64(%a: tensor<i64>, %b: tensor<i64>, %c: tensor<i64>) -> tensor<?xi64> {
  %y = tern.range %a, %b, %c : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  return %y : tensor<?xi64>
}

func.func @triu(%x: tensor<?x4xf32>, %k: tensor<i64>) -> tensor<?x4xf32> {
  %y = tern.trilu %x, %k : (tensor<?x4xf32>, tensor<i64>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

func.func @tril(%x: tensor<?x4xi64>, %k: tensor<1xi64>) -> tensor<?x4xi64> {
  %y = tern.trilu %x, %k {upper = false} : (tensor<?x4xi64>, tensor<1xi64>) -> tensor<?x4xi64>
  return %y : tensor<?x4xi64>
}

func.func @main() {
  %x = arith.constant dense<0.0> : tensor<2x3x5xf32>
  %xd = tensor.cast %x : tensor<2x3x5xf32> to tensor<?x3x?xf32>
  %s = func.call @shape(%xd) : (tensor<?x3x?xf32>) -> tensor<2xi64>
  %m_s = bufferization.to_buffer %s : tensor<2xi64> to memref<2xi64>
  %u_s = memref.cast %m_s : memref<2xi64> to memref<*xi64>
  call @printMemrefI64(%u_s) : (memref<*xi64>) -> ()

  %cs = arith.constant dense<[2, 3]> : tensor<2xi64>
  %c = func.call @constant_of_shape(%cs) : (tensor<2xi64>) -> tensor<?x?xf32>
  %m_c = bufferization.to_buffer %c : tensor<?x?xf32> to memref<?x?xf32>
  %u_c = memref.cast %m_c : memref<?x?xf32> to memref<*xf32>
  call @printMemrefF32(%u_c) : (memref<*xf32>) -> ()

  %fa = arith.constant dense<1.0> : tensor<f32>
  %fb = arith.constant dense<2.6> : tensor<f32>
  %fc = arith.constant dense<0.5> : tensor<f32>
  %rf = func.call @range_f32(%fa, %fb, %fc) : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<?xf32>
  %m_rf = bufferization.to_buffer %rf : tensor<?xf32> to memref<?xf32>
  %u_rf = memref.cast %m_rf : memref<?xf32> to memref<*xf32>
  call @printMemrefF32(%u_rf) : (memref<*xf32>) -> ()
  %ia = arith.constant dense<10> : tensor<i64>
  %ib = arith.constant dense<-1> : tensor<i64>
  %ic = arith.constant dense<-4> : tensor<i64>
  %ri = func.call @range_i64(%ia, %ib, %ic) : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  %m_ri = bufferization.to_buffer %ri : tensor<?xi64> to memref<?xi64>
  %u_ri = memref.cast %m_ri : memref<?xi64> to memref<*xi64>
  call @printMemrefI64(%u_ri) : (memref<*xi64>) -> ()
  // An empty range: limit below start with a positive delta.
  %ip = arith.constant dense<3> : tensor<i64>
  %ie = func.call @range_i64(%ia, %ib, %ip) : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  %m_ie = bufferization.to_buffer %ie : tensor<?xi64> to memref<?xi64>
  %u_ie = memref.cast %m_ie : memref<?xi64> to memref<*xi64>
  call @printMemrefI64(%u_ie) : (memref<*xi64>) -> ()

  %m = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0]]> : tensor<3x4xf32>
  %md = tensor.cast %m : tensor<3x4xf32> to tensor<?x4xf32>
  %k1 = arith.constant dense<1> : tensor<i64>
  %u = func.call @triu(%md, %k1) : (tensor<?x4xf32>, tensor<i64>) -> tensor<?x4xf32>
  %m_u = bufferization.to_buffer %u : tensor<?x4xf32> to memref<?x4xf32>
  %u_u = memref.cast %m_u : memref<?x4xf32> to memref<*xf32>
  call @printMemrefF32(%u_u) : (memref<*xf32>) -> ()
  %mi = arith.constant dense<[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]> : tensor<3x4xi64>
  %mid = tensor.cast %mi : tensor<3x4xi64> to tensor<?x4xi64>
  %km = arith.constant dense<[-1]> : tensor<1xi64>
  %l = func.call @tril(%mid, %km) : (tensor<?x4xi64>, tensor<1xi64>) -> tensor<?x4xi64>
  %m_l = bufferization.to_buffer %l : tensor<?x4xi64> to memref<?x4xi64>
  %u_l = memref.cast %m_l : memref<?x4xi64> to memref<*xi64>
  call @printMemrefI64(%u_l) : (memref<*xi64>) -> ()
  return
}
func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI64(memref<*xi64>)
