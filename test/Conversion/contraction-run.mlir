// Numeric run test of Gemm, MatMulInteger and Clip through the whole CPU
// pipeline; expected values from numpy (Inputs/gen_compute_run_tests.py).
// RUN: ternion-opt %s --tern-lower-to-llvm | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}
func.func private @printMemrefI64(memref<*xi64>) attributes {llvm.emit_c_interface}
func.func private @printMemrefI32(memref<*xi32>) attributes {llvm.emit_c_interface}

func.func @main() {
  %v0 = arith.constant dense<[[0.0, 0.25, -0.25], [-0.875, -0.5, -1.0], [0.0, 1.375, -0.5], [-0.625, 0.5, 0.375]]> : tensor<4x3xf32>
  %v0d = tensor.cast %v0 : tensor<4x3xf32> to tensor<4x?xf32>
  %v1 = arith.constant dense<[[0.125, -0.875, -0.0, 0.75], [-1.375, -0.5, -1.875, -1.25], [-1.875, -0.25, -1.25, 0.25], [0.125, -0.125, -2.5, -0.5], [-0.0, 0.125, -1.5, -0.5]]> : tensor<5x4xf32>
  %v2 = arith.constant dense<[-1.0, -0.75, 1.0, -0.75, -0.0]> : tensor<5xf32>
  // gemm transA transB alpha beta C[N]
  %r3 = tern.gemm %v0d, %v1, %v2 {alpha = 0.5 : f32, beta = 2.0 : f32, trans_a = true, trans_b = true} : (tensor<4x?xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<?x5xf32>
  %m4 = bufferization.to_buffer %r3 : tensor<?x5xf32> to memref<?x5xf32>
  %u4 = memref.cast %m4 : memref<?x5xf32> to memref<*xf32>
  func.call @printMemrefF32(%u4) : (memref<*xf32>) -> ()
  %v5 = arith.constant dense<[[0.875, -0.625, -0.125, 0.125], [0.125, -1.25, 0.125, 1.375], [-1.5, 0.875, 0.125, -0.625]]> : tensor<3x4xf32>
  %v5d = tensor.cast %v5 : tensor<3x4xf32> to tensor<?x4xf32>
  %v6 = arith.constant dense<[[2.0, 0.75], [-1.25, 0.125], [0.625, -0.25], [0.625, -0.125]]> : tensor<4x2xf32>
  %v7 = arith.constant dense<[[0.625], [1.5], [-0.625]]> : tensor<3x1xf32>
  // gemm C[M,1]
  %r8 = tern.gemm %v5d, %v6, %v7 : (tensor<?x4xf32>, tensor<4x2xf32>, tensor<3x1xf32>) -> tensor<?x2xf32>
  %m9 = bufferization.to_buffer %r8 : tensor<?x2xf32> to memref<?x2xf32>
  %u9 = memref.cast %m9 : memref<?x2xf32> to memref<*xf32>
  func.call @printMemrefF32(%u9) : (memref<*xf32>) -> ()
  // gemm no C
  %r10 = tern.gemm %v5d, %v6 {alpha = -1.5 : f32} : (tensor<?x4xf32>, tensor<4x2xf32>) -> tensor<?x2xf32>
  %m11 = bufferization.to_buffer %r10 : tensor<?x2xf32> to memref<?x2xf32>
  %u11 = memref.cast %m11 : memref<?x2xf32> to memref<*xf32>
  func.call @printMemrefF32(%u11) : (memref<*xf32>) -> ()
  %v12 = arith.constant dense<[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]> : tensor<3x4xi64>
  %v12d = tensor.cast %v12 : tensor<3x4xi64> to tensor<?x4xi64>
  %v13 = arith.constant dense<[[1, -1], [2, 0], [0, 3], [-2, 1]]> : tensor<4x2xi64>
  %v14 = arith.constant dense<[100, -100]> : tensor<2xi64>
  // gemm i64 beta 3
  %r15 = tern.gemm %v12d, %v13, %v14 {beta = 3.0 : f32} : (tensor<?x4xi64>, tensor<4x2xi64>, tensor<2xi64>) -> tensor<?x2xi64>
  %m16 = bufferization.to_buffer %r15 : tensor<?x2xi64> to memref<?x2xi64>
  %u16 = memref.cast %m16 : memref<?x2xi64> to memref<*xi64>
  func.call @printMemrefI64(%u16) : (memref<*xi64>) -> ()
  %v17 = arith.constant dense<[[11, 7, 3], [10, 6, 2], [9, 5, 1], [8, 4, 255]]> : tensor<4x3xui8>
  %v17d = tensor.cast %v17 : tensor<4x3xui8> to tensor<?x3xui8>
  %v18 = arith.constant dense<[[1, 4], [-2, 5], [3, -128]]> : tensor<3x2xi8>
  %v19 = arith.constant dense<12> : tensor<ui8>
  %v20 = arith.constant dense<[0, -3]> : tensor<2xi8>
  // matmul_integer ui8 x i8, per-column b zero point
  %r21 = tern.matmul_integer %v17d, %v18 a_zero_point %v19 b_zero_point %v20 : (tensor<?x3xui8>, tensor<3x2xi8>, tensor<ui8>, tensor<2xi8>) -> tensor<?x2xi32>
  %m22 = bufferization.to_buffer %r21 : tensor<?x2xi32> to memref<?x2xi32>
  %u22 = memref.cast %m22 : memref<?x2xi32> to memref<*xi32>
  func.call @printMemrefI32(%u22) : (memref<*xi32>) -> ()
  %v23 = arith.constant dense<[[[-14, 35, 12, 45], [116, -90, 15, -16], [-37, -67, -115, -25]], [[83, -104, -25, 119], [115, -73, -127, 43], [-125, -52, -1, 95]]]> : tensor<2x3x4xi8>
  %v23d = tensor.cast %v23 : tensor<2x3x4xi8> to tensor<2x?x4xi8>
  %v24 = arith.constant dense<[[23, 169], [136, 33], [216, 216], [123, 241]]> : tensor<4x2xui8>
  // matmul_integer batched, no zero points
  %r25 = tern.matmul_integer %v23d, %v24 : (tensor<2x?x4xi8>, tensor<4x2xui8>) -> tensor<2x?x2xi32>
  %m26 = bufferization.to_buffer %r25 : tensor<2x?x2xi32> to memref<2x?x2xi32>
  %u26 = memref.cast %m26 : memref<2x?x2xi32> to memref<*xi32>
  func.call @printMemrefI32(%u26) : (memref<*xi32>) -> ()
  %v27 = arith.constant dense<[[-1.0, -1.125, -0.75, 4.625, -1.25], [-0.875, 1.0, -0.375, -0.625, -3.375]]> : tensor<2x5xf32>
  %v27d = tensor.cast %v27 : tensor<2x5xf32> to tensor<2x?xf32>
  %v28 = arith.constant dense<-1.0> : tensor<f32>
  %v29 = arith.constant dense<2.0> : tensor<f32>
  // clip min max
  %r30 = tern.clip %v27d min %v28 max %v29 : (tensor<2x?xf32>, tensor<f32>, tensor<f32>) -> tensor<2x?xf32>
  %m31 = bufferization.to_buffer %r30 : tensor<2x?xf32> to memref<2x?xf32>
  %u31 = memref.cast %m31 : memref<2x?xf32> to memref<*xf32>
  func.call @printMemrefF32(%u31) : (memref<*xf32>) -> ()
  // clip max only
  %r32 = tern.clip %v27d max %v28 : (tensor<2x?xf32>, tensor<f32>) -> tensor<2x?xf32>
  %m33 = bufferization.to_buffer %r32 : tensor<2x?xf32> to memref<2x?xf32>
  %u33 = memref.cast %m33 : memref<2x?xf32> to memref<*xf32>
  func.call @printMemrefF32(%u33) : (memref<*xf32>) -> ()
  // clip min > max
  %r34 = tern.clip %v27d min %v29 max %v28 : (tensor<2x?xf32>, tensor<f32>, tensor<f32>) -> tensor<2x?xf32>
  %m35 = bufferization.to_buffer %r34 : tensor<2x?xf32> to memref<2x?xf32>
  %u35 = memref.cast %m35 : memref<2x?xf32> to memref<*xf32>
  func.call @printMemrefF32(%u35) : (memref<*xf32>) -> ()
  %v36 = arith.constant dense<[-128, -5, 0, 7, 127]> : tensor<5xi8>
  %v36d = tensor.cast %v36 : tensor<5xi8> to tensor<?xi8>
  %v37 = arith.constant dense<-6> : tensor<i8>
  // clip i8 min only
  %r38 = tern.clip %v36d min %v37 : (tensor<?xi8>, tensor<i8>) -> tensor<?xi8>
  %p39 = tern.cast %r38 {to = i32} : (tensor<?xi8>) -> tensor<?xi32>
  %m40 = bufferization.to_buffer %p39 : tensor<?xi32> to memref<?xi32>
  %u40 = memref.cast %m40 : memref<?xi32> to memref<*xi32>
  func.call @printMemrefI32(%u40) : (memref<*xi32>) -> ()
  %v41 = arith.constant dense<[0, 5, 100, 200, 255]> : tensor<5xui8>
  %v41d = tensor.cast %v41 : tensor<5xui8> to tensor<?xui8>
  %v42 = arith.constant dense<10> : tensor<ui8>
  %v43 = arith.constant dense<150> : tensor<ui8>
  // clip ui8
  %r44 = tern.clip %v41d min %v42 max %v43 : (tensor<?xui8>, tensor<ui8>, tensor<ui8>) -> tensor<?xui8>
  %p45 = tern.cast %r44 {to = i32} : (tensor<?xui8>) -> tensor<?xi32>
  %m46 = bufferization.to_buffer %p45 : tensor<?xi32> to memref<?xi32>
  %u46 = memref.cast %m46 : memref<?xi32> to memref<*xi32>
  func.call @printMemrefI32(%u46) : (memref<*xi32>) -> ()
  return
}

// gemm transA transB alpha beta C[N]
// CHECK: rank = 2 offset = 0 sizes = [3, 5]
// CHECK-NEXT: {{^ *\[*}}{{-1\.851[0-9]*, +-0\.8906[0-9]*, +2\.031[0-9]*, +-1\.289[0-9]*, +0\.1015[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-1\.578[0-9]*, +-3\.148[0-9]*, +1\.031[0-9]*, +-3\.296[0-9]*, +-1\.187[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-1\.437[0-9]*, +-0\.8437[0-9]*, +2\.718[0-9]*, +-0\.9218[0-9]*, +0\.2187[0-9]*}}{{\]+,? *$}}
// gemm C[M,1]
// CHECK: rank = 2 offset = 0 sizes = [3, 2]
// CHECK-NEXT: {{^ *\[*}}{{3\.156[0-9]*, +1\.218[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{4\.25[0-9]*, +1\.234[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-5\.031[0-9]*, +-1\.593[0-9]*}}{{\]+,? *$}}
// gemm no C
// CHECK: rank = 2 offset = 0 sizes = [3, 2]
// CHECK-NEXT: {{^ *\[*}}{{-3\.796[0-9]*, +-0\.8906[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-4\.125[0-9]*, +0\.3984[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{6\.609[0-9]*, +1\.453[0-9]*}}{{\]+,? *$}}
// gemm i64 beta 3
// CHECK: rank = 2 offset = 0 sizes = [3, 2]
// CHECK-NEXT: {{^ *\[*}}{{297, +-288}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{301, +-276}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{305, +-264}}{{\]+,? *$}}
// matmul_integer ui8 x i8, per-column b zero point
// CHECK: rank = 2 offset = 0 sizes = [4, 2]
// CHECK-NEXT: {{^ *\[*}}{{-18, +1078}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-20, +1188}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-22, +1298}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{741, +-30467}}{{\]+,? *$}}
// matmul_integer batched, no zero points
// CHECK: rank = 3 offset = 0 sizes = [2, 3, 2]
// CHECK-NEXT: {{^ *\[*}}{{12565, +12226}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-8300, +16018}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-37878, +-39329}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-2998, +33874}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-29426, +-43}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{1522, +-162}}{{\]+,? *$}}
// clip min max
// CHECK: rank = 2 offset = 0 sizes = [2, 5]
// CHECK-NEXT: {{^ *\[*}}{{-1(\.[0-9]+)?, +-1(\.[0-9]+)?, +-0\.75[0-9]*, +2(\.[0-9]+)?, +-1(\.[0-9]+)?}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.875[0-9]*, +1(\.[0-9]+)?, +-0\.375[0-9]*, +-0\.625[0-9]*, +-1(\.[0-9]+)?}}{{\]+,? *$}}
// clip max only
// CHECK: rank = 2 offset = 0 sizes = [2, 5]
// CHECK-NEXT: {{^ *\[*}}{{-1(\.[0-9]+)?, +-1\.125[0-9]*, +-1(\.[0-9]+)?, +-1(\.[0-9]+)?, +-1\.25[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-1(\.[0-9]+)?, +-1(\.[0-9]+)?, +-1(\.[0-9]+)?, +-1(\.[0-9]+)?, +-3\.375[0-9]*}}{{\]+,? *$}}
// clip min > max
// CHECK: rank = 2 offset = 0 sizes = [2, 5]
// CHECK-NEXT: {{^ *\[*}}{{-1(\.[0-9]+)?, +-1(\.[0-9]+)?, +-1(\.[0-9]+)?, +-1(\.[0-9]+)?, +-1(\.[0-9]+)?}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-1(\.[0-9]+)?, +-1(\.[0-9]+)?, +-1(\.[0-9]+)?, +-1(\.[0-9]+)?, +-1(\.[0-9]+)?}}{{\]+,? *$}}
// clip i8 min only
// CHECK: rank = 1 offset = 0 sizes = [5]
// CHECK-NEXT: {{^ *\[*}}{{-6, +-5, +0, +7, +127}}{{\]+,? *$}}
// clip ui8
// CHECK: rank = 1 offset = 0 sizes = [5]
// CHECK-NEXT: {{^ *\[*}}{{10, +10, +100, +150, +150}}{{\]+,? *$}}
