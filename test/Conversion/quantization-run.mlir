// Numeric run test of QuantizeLinear, DequantizeLinear and
// DynamicQuantizeLinear through the whole CPU pipeline; expected values from
// numpy (Inputs/gen_compute_run_tests.py). Quantized results print as i32.
// RUN: ternion-opt %s --tern-lower-to-llvm | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}
func.func private @printMemrefI64(memref<*xi64>) attributes {llvm.emit_c_interface}
func.func private @printMemrefI32(memref<*xi32>) attributes {llvm.emit_c_interface}

func.func @main() {
  %v0 = arith.constant dense<[[0.0, 1.0, 2.5, 3.5, -2.5, 1000.0], [-1000.0, 0.5, 1.5, 254.0, -0.5, 7.25]]> : tensor<2x6xf32>
  %v0d = tensor.cast %v0 : tensor<2x6xf32> to tensor<?x6xf32>
  %v1 = arith.constant dense<1.0> : tensor<f32>
  %v2 = arith.constant dense<3> : tensor<ui8>
  // quantize_linear ui8 per tensor (half to even, saturation)
  %r3 = tern.quantize_linear %v0d, %v1, %v2 : (tensor<?x6xf32>, tensor<f32>, tensor<ui8>) -> tensor<?x6xui8>
  %p4 = tern.cast %r3 {to = i32} : (tensor<?x6xui8>) -> tensor<?x6xi32>
  %m5 = bufferization.to_buffer %p4 : tensor<?x6xi32> to memref<?x6xi32>
  %u5 = memref.cast %m5 : memref<?x6xi32> to memref<*xi32>
  func.call @printMemrefI32(%u5) : (memref<*xi32>) -> ()
  %v6 = arith.constant dense<[0.5, 2.0, 1.0, 0.25, 1.0, 4.0]> : tensor<6xf32>
  %v7 = arith.constant dense<[-1, 0, 5, -128, 127, 2]> : tensor<6xi8>
  // quantize_linear i8 per axis 1
  %r8 = tern.quantize_linear %v0d, %v6, %v7 {axis = 1 : i64} : (tensor<?x6xf32>, tensor<6xf32>, tensor<6xi8>) -> tensor<?x6xi8>
  %p9 = tern.cast %r8 {to = i32} : (tensor<?x6xi8>) -> tensor<?x6xi32>
  %m10 = bufferization.to_buffer %p9 : tensor<?x6xi32> to memref<?x6xi32>
  %u10 = memref.cast %m10 : memref<?x6xi32> to memref<*xi32>
  func.call @printMemrefI32(%u10) : (memref<*xi32>) -> ()
  %v11 = arith.constant dense<[2.0]> : tensor<1xf32>
  // quantize_linear no zero point (ui8)
  %r12 = tern.quantize_linear %v0d, %v11 : (tensor<?x6xf32>, tensor<1xf32>) -> tensor<?x6xui8>
  %p13 = tern.cast %r12 {to = i32} : (tensor<?x6xui8>) -> tensor<?x6xi32>
  %m14 = bufferization.to_buffer %p13 : tensor<?x6xi32> to memref<?x6xi32>
  %u14 = memref.cast %m14 : memref<?x6xi32> to memref<*xi32>
  func.call @printMemrefI32(%u14) : (memref<*xi32>) -> ()
  %v15 = arith.constant dense<[[0, 3, 128, 255], [10, 20, 30, 40]]> : tensor<2x4xui8>
  %v15d = tensor.cast %v15 : tensor<2x4xui8> to tensor<2x?xui8>
  %v16 = arith.constant dense<0.5> : tensor<f32>
  %v17 = arith.constant dense<128> : tensor<ui8>
  // dequantize_linear ui8 per tensor
  %r18 = tern.dequantize_linear %v15d, %v16, %v17 : (tensor<2x?xui8>, tensor<f32>, tensor<ui8>) -> tensor<2x?xf32>
  %m19 = bufferization.to_buffer %r18 : tensor<2x?xf32> to memref<2x?xf32>
  %u19 = memref.cast %m19 : memref<2x?xf32> to memref<*xf32>
  func.call @printMemrefF32(%u19) : (memref<*xf32>) -> ()
  %v20 = arith.constant dense<[[-128, -1, 0, 127], [5, 6, 7, 8]]> : tensor<2x4xi8>
  %v20d = tensor.cast %v20 : tensor<2x4xi8> to tensor<2x?xi8>
  %v21 = arith.constant dense<[0.25, 3.0]> : tensor<2xf32>
  %v22 = arith.constant dense<[-128, 4]> : tensor<2xi8>
  // dequantize_linear i8 per axis 0
  %r23 = tern.dequantize_linear %v20d, %v21, %v22 {axis = 0 : i64} : (tensor<2x?xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x?xf32>
  %m24 = bufferization.to_buffer %r23 : tensor<2x?xf32> to memref<2x?xf32>
  %u24 = memref.cast %m24 : memref<2x?xf32> to memref<*xf32>
  func.call @printMemrefF32(%u24) : (memref<*xf32>) -> ()
  %v25 = arith.constant dense<[-100000, 0, 3, 123456]> : tensor<4xi32>
  %v25d = tensor.cast %v25 : tensor<4xi32> to tensor<?xi32>
  // dequantize_linear i32 no zero point
  %r26 = tern.dequantize_linear %v25d, %v16 : (tensor<?xi32>, tensor<f32>) -> tensor<?xf32>
  %m27 = bufferization.to_buffer %r26 : tensor<?xf32> to memref<?xf32>
  %u27 = memref.cast %m27 : memref<?xf32> to memref<*xf32>
  func.call @printMemrefF32(%u27) : (memref<*xf32>) -> ()
  %v28 = arith.constant dense<[[0.0, 2.0, -3.0, -2.5], [1.340000033378601, 0.5, -1.0, 1.0]]> : tensor<2x4xf32>
  %v28d = tensor.cast %v28 : tensor<2x4xf32> to tensor<?x4xf32>
  // dynamic_quantize_linear mixed signs
  %r29:3 = tern.dynamic_quantize_linear %v28d : (tensor<?x4xf32>) -> (tensor<?x4xui8>, tensor<f32>, tensor<ui8>)
  %p30 = tern.cast %r29#0 {to = i32} : (tensor<?x4xui8>) -> tensor<?x4xi32>
  %m31 = bufferization.to_buffer %p30 : tensor<?x4xi32> to memref<?x4xi32>
  %u31 = memref.cast %m31 : memref<?x4xi32> to memref<*xi32>
  func.call @printMemrefI32(%u31) : (memref<*xi32>) -> ()
  %m32 = bufferization.to_buffer %r29#1 : tensor<f32> to memref<f32>
  %u32 = memref.cast %m32 : memref<f32> to memref<*xf32>
  func.call @printMemrefF32(%u32) : (memref<*xf32>) -> ()
  %p33 = tern.cast %r29#2 {to = i32} : (tensor<ui8>) -> tensor<i32>
  %m34 = bufferization.to_buffer %p33 : tensor<i32> to memref<i32>
  %u34 = memref.cast %m34 : memref<i32> to memref<*xi32>
  func.call @printMemrefI32(%u34) : (memref<*xi32>) -> ()
  %v35 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]> : tensor<2x4xf32>
  %v35d = tensor.cast %v35 : tensor<2x4xf32> to tensor<?x4xf32>
  // dynamic_quantize_linear all positive
  %r36:3 = tern.dynamic_quantize_linear %v35d : (tensor<?x4xf32>) -> (tensor<?x4xui8>, tensor<f32>, tensor<ui8>)
  %p37 = tern.cast %r36#0 {to = i32} : (tensor<?x4xui8>) -> tensor<?x4xi32>
  %m38 = bufferization.to_buffer %p37 : tensor<?x4xi32> to memref<?x4xi32>
  %u38 = memref.cast %m38 : memref<?x4xi32> to memref<*xi32>
  func.call @printMemrefI32(%u38) : (memref<*xi32>) -> ()
  %m39 = bufferization.to_buffer %r36#1 : tensor<f32> to memref<f32>
  %u39 = memref.cast %m39 : memref<f32> to memref<*xf32>
  func.call @printMemrefF32(%u39) : (memref<*xf32>) -> ()
  %p40 = tern.cast %r36#2 {to = i32} : (tensor<ui8>) -> tensor<i32>
  %m41 = bufferization.to_buffer %p40 : tensor<i32> to memref<i32>
  %u41 = memref.cast %m41 : memref<i32> to memref<*xi32>
  func.call @printMemrefI32(%u41) : (memref<*xi32>) -> ()
  %v42 = arith.constant dense<[[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]> : tensor<2x4xf32>
  %v42d = tensor.cast %v42 : tensor<2x4xf32> to tensor<?x4xf32>
  // dynamic_quantize_linear all zero
  %r43:3 = tern.dynamic_quantize_linear %v42d : (tensor<?x4xf32>) -> (tensor<?x4xui8>, tensor<f32>, tensor<ui8>)
  %p44 = tern.cast %r43#0 {to = i32} : (tensor<?x4xui8>) -> tensor<?x4xi32>
  %m45 = bufferization.to_buffer %p44 : tensor<?x4xi32> to memref<?x4xi32>
  %u45 = memref.cast %m45 : memref<?x4xi32> to memref<*xi32>
  func.call @printMemrefI32(%u45) : (memref<*xi32>) -> ()
  %m46 = bufferization.to_buffer %r43#1 : tensor<f32> to memref<f32>
  %u46 = memref.cast %m46 : memref<f32> to memref<*xf32>
  func.call @printMemrefF32(%u46) : (memref<*xf32>) -> ()
  %p47 = tern.cast %r43#2 {to = i32} : (tensor<ui8>) -> tensor<i32>
  %m48 = bufferization.to_buffer %p47 : tensor<i32> to memref<i32>
  %u48 = memref.cast %m48 : memref<i32> to memref<*xi32>
  func.call @printMemrefI32(%u48) : (memref<*xi32>) -> ()
  return
}

// quantize_linear ui8 per tensor (half to even, saturation)
// CHECK: rank = 2 offset = 0 sizes = [2, 6]
// CHECK-NEXT: {{^ *\[*}}{{3, +4, +5, +7, +1, +255}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0, +3, +5, +255, +3, +10}}{{\]+,? *$}}
// quantize_linear i8 per axis 1
// CHECK: rank = 2 offset = 0 sizes = [2, 6]
// CHECK-NEXT: {{^ *\[*}}{{-1, +0, +7, +-114, +125, +127}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-128, +0, +7, +127, +127, +4}}{{\]+,? *$}}
// quantize_linear no zero point (ui8)
// CHECK: rank = 2 offset = 0 sizes = [2, 6]
// CHECK-NEXT: {{^ *\[*}}{{0, +0, +1, +2, +0, +255}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0, +0, +1, +127, +0, +4}}{{\]+,? *$}}
// dequantize_linear ui8 per tensor
// CHECK: rank = 2 offset = 0 sizes = [2, 4]
// CHECK-NEXT: {{^ *\[*}}{{-64(\.[0-9]+)?, +-62\.5[0-9]*, +-?0, +63\.5[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-59(\.[0-9]+)?, +-54(\.[0-9]+)?, +-49(\.[0-9]+)?, +-44(\.[0-9]+)?}}{{\]+,? *$}}
// dequantize_linear i8 per axis 0
// CHECK: rank = 2 offset = 0 sizes = [2, 4]
// CHECK-NEXT: {{^ *\[*}}{{-?0, +31\.75[0-9]*, +32(\.[0-9]+)?, +63\.75[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{3(\.[0-9]+)?, +6(\.[0-9]+)?, +9(\.[0-9]+)?, +12(\.[0-9]+)?}}{{\]+,? *$}}
// dequantize_linear i32 no zero point
// CHECK: rank = 1 offset = 0 sizes = [4]
// CHECK-NEXT: {{^ *\[*}}{{-5000[0-9]{1}(\.[0-9]+)?, +-?0, +1\.5[0-9]*, +6172[0-9]{1}(\.[0-9]+)?}}{{\]+,? *$}}
// dynamic_quantize_linear mixed signs
// CHECK: rank = 2 offset = 0 sizes = [2, 4]
// CHECK-NEXT: {{^ *\[*}}{{153, +255, +0, +26}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{221, +179, +102, +204}}{{\]+,? *$}}
// CHECK: rank = 0 offset = 0 sizes = []
// CHECK-NEXT: {{^ *\[*}}{{0\.01960[0-9]*}}{{\]+,? *$}}
// CHECK: rank = 0 offset = 0 sizes = []
// CHECK-NEXT: {{^ *\[*}}{{153}}{{\]+,? *$}}
// dynamic_quantize_linear all positive
// CHECK: rank = 2 offset = 0 sizes = [2, 4]
// CHECK-NEXT: {{^ *\[*}}{{32, +64, +96, +127}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{159, +191, +223, +255}}{{\]+,? *$}}
// CHECK: rank = 0 offset = 0 sizes = []
// CHECK-NEXT: {{^ *\[*}}{{0\.03137[0-9]*}}{{\]+,? *$}}
// CHECK: rank = 0 offset = 0 sizes = []
// CHECK-NEXT: {{^ *\[*}}{{0}}{{\]+,? *$}}
// dynamic_quantize_linear all zero
// CHECK: rank = 2 offset = 0 sizes = [2, 4]
// CHECK-NEXT: {{^ *\[*}}{{0, +0, +0, +0}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0, +0, +0, +0}}{{\]+,? *$}}
// CHECK: rank = 0 offset = 0 sizes = []
// CHECK-NEXT: {{^ *\[*}}{{0\.003921[0-9]*}}{{\]+,? *$}}
// CHECK: rank = 0 offset = 0 sizes = []
// CHECK-NEXT: {{^ *\[*}}{{0}}{{\]+,? *$}}
