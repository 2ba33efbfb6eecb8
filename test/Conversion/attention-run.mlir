// Numeric run test of both tern.attention lowerings (flash, the default, and
// the reference) through the whole CPU pipeline: grouped-query (Hq = 4, Hkv = 2), causal with S < T
// (a KV-cache step), an additive mask, dynamic sequence lengths; expected
// values from numpy (Inputs/gen_compute_run_tests.py).
// RUN: ternion-opt %s --tern-lower-to-llvm | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils,%openmp_runtime | FileCheck %s
// RUN: ternion-opt %s --convert-tern-to-linalg --tern-lower-to-llvm | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils,%openmp_runtime | FileCheck %s

func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}
func.func private @printMemrefI64(memref<*xi64>) attributes {llvm.emit_c_interface}
func.func private @printMemrefI32(memref<*xi32>) attributes {llvm.emit_c_interface}

func.func @main() {
  %v0 = arith.constant dense<[[[[-0.875, 0.75, 0.125, -1.5], [1.25, 1.5, -0.125, -0.25], [-0.125, -1.0, 1.125, -0.5]], [[-0.0, -0.75, -0.625, -1.25], [1.25, -0.125, 1.0, 0.0], [-0.75, -0.375, -0.5, 0.0]], [[-0.375, -0.25, -1.375, -0.75], [1.625, -0.625, -1.0, 0.375], [1.375, -1.5, -0.25, -0.625]], [[-1.75, 0.75, -0.0, 0.125], [-0.75, 0.5, -0.5, -0.125], [-1.125, -1.25, 1.375, -0.5]]]]> : tensor<1x4x3x4xf32>
  %v0d = tensor.cast %v0 : tensor<1x4x3x4xf32> to tensor<1x4x?x4xf32>
  %v1 = arith.constant dense<[[[[0.25, -0.0, -0.5, -0.5], [0.625, -0.25, -0.125, 0.0], [1.125, 0.625, 0.375, -0.625], [-1.375, 1.0, 1.0, -0.125], [0.5, 0.75, 0.875, 0.875]], [[-0.5, 1.5, -1.25, 0.875], [0.5, 0.875, 1.875, 1.5], [-1.125, -1.75, 0.875, -1.0], [-0.0, 0.875, -1.625, -2.125], [0.25, 0.0, -0.25, 0.0]]]]> : tensor<1x2x5x4xf32>
  %v1d = tensor.cast %v1 : tensor<1x2x5x4xf32> to tensor<1x2x?x4xf32>
  %v2 = arith.constant dense<[[[[-0.875, -1.5, -0.125], [-1.0, -1.625, 0.5], [-0.0, 0.375, -1.0], [-0.625, -1.0, -0.875], [0.25, -0.75, 0.375]], [[0.375, 2.0, -1.375], [0.875, -0.125, -0.0], [-1.5, -0.5, 0.75], [-0.125, 0.125, -0.25], [1.125, -0.0, -2.25]]]]> : tensor<1x2x5x3xf32>
  %v2d = tensor.cast %v2 : tensor<1x2x5x3xf32> to tensor<1x2x?x3xf32>
  %v3 = arith.constant dense<[[[[-0.75, -2.0, -3.25, -0.5, 1.375], [0.0, -1.125, -1.0, 1.125, 0.125], [0.0, -0.0, 0.0, 0.75, 0.5]]]]> : tensor<1x1x3x5xf32>
  %maskd = tensor.cast %v3 : tensor<1x1x3x5xf32> to tensor<1x1x?x?xf32>
  // attention GQA causal S<T with mask
  %r4 = tern.attention %v0d, %v1d, %v2d mask %maskd {scale = 0.5 : f32, causal = true} : (tensor<1x4x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x3xf32>, tensor<1x1x?x?xf32>) -> tensor<1x4x?x3xf32>
  %m5 = bufferization.to_buffer %r4 : tensor<1x4x?x3xf32> to memref<1x4x?x3xf32>
  %u5 = memref.cast %m5 : memref<1x4x?x3xf32> to memref<*xf32>
  func.call @printMemrefF32(%u5) : (memref<*xf32>) -> ()
  // attention GQA, no mask, not causal
  %r6 = tern.attention %v0d, %v1d, %v2d {scale = 0.5 : f32} : (tensor<1x4x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x3xf32>) -> tensor<1x4x?x3xf32>
  %m7 = bufferization.to_buffer %r6 : tensor<1x4x?x3xf32> to memref<1x4x?x3xf32>
  %u7 = memref.cast %m7 : memref<1x4x?x3xf32> to memref<*xf32>
  func.call @printMemrefF32(%u7) : (memref<*xf32>) -> ()
  %v8 = arith.constant dense<[[[[0.25, -1.0, 0.5, -0.625], [1.125, -1.25, -0.125, -0.0], [-1.375, 1.75, 1.5, -0.5]], [[0.75, 0.375, -2.625, 0.25], [-0.0, 0.125, -1.125, -0.25], [-0.125, 1.25, 0.375, -0.0]]], [[[1.5, -0.5, -0.375, -1.875], [1.625, 1.0, 0.875, 0.625], [0.125, 0.25, -0.25, -0.25]], [[0.0, 1.5, 0.5, -0.0], [-0.625, -0.625, 1.625, 0.5], [0.125, -0.375, -1.125, -0.125]]]]> : tensor<2x2x3x4xf32>
  %v8d = tensor.cast %v8 : tensor<2x2x3x4xf32> to tensor<?x2x3x4xf32>
  %v9 = arith.constant dense<[[[[0.875, -0.375, -0.25, -0.25], [0.125, -1.625, -0.25, -0.875], [0.875, -0.75, 0.625, 1.5]], [[-0.375, -0.625, 0.25, -0.0], [-1.0, 0.5, 2.0, -0.25], [-0.25, -1.0, 0.375, -1.25]]], [[[-1.125, 1.25, -0.875, 1.125], [1.5, 0.25, 0.5, 2.0], [-0.25, -0.625, -1.375, 0.0]], [[1.5, 1.0, -1.0, -0.875], [-0.5, 0.25, -0.25, 0.25], [0.25, -0.25, -0.0, 0.25]]]]> : tensor<2x2x3x4xf32>
  %v9d = tensor.cast %v9 : tensor<2x2x3x4xf32> to tensor<?x2x3x4xf32>
  %v10 = arith.constant dense<[[[[-0.125, 0.5], [1.875, 0.625], [0.0, -1.625]], [[0.375, -2.0], [-1.375, 0.875], [0.75, -0.125]]], [[[-1.75, -0.375], [-0.625, 0.625], [2.25, 0.25]], [[-0.75, -1.125], [-0.0, -0.125], [-1.125, 0.125]]]]> : tensor<2x2x3x2xf32>
  %v10d = tensor.cast %v10 : tensor<2x2x3x2xf32> to tensor<?x2x3x2xf32>
  %v11 = arith.constant dense<[0.0, 0.0, -1000000000.0]> : tensor<3xf32>
  // attention MHA causal S=T, row mask [T]
  %r12 = tern.attention %v8d, %v9d, %v10d mask %v11 {scale = 0.5 : f32, causal = true} : (tensor<?x2x3x4xf32>, tensor<?x2x3x4xf32>, tensor<?x2x3x2xf32>, tensor<3xf32>) -> tensor<?x2x3x2xf32>
  %m13 = bufferization.to_buffer %r12 : tensor<?x2x3x2xf32> to memref<?x2x3x2xf32>
  %u13 = memref.cast %m13 : memref<?x2x3x2xf32> to memref<*xf32>
  func.call @printMemrefF32(%u13) : (memref<*xf32>) -> ()
  return
}

// attention GQA causal S<T with mask
// CHECK: rank = 4 offset = 0 sizes = [1, 4, 3, 3]
// CHECK-NEXT: {{^ *\[*}}{{-0\.8327[0-9]*, +-1\.391[0-9]*, +-0\.1043[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.5689[0-9]*, +-0\.8507[0-9]*, +-0\.6314[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.4362[0-9]*, +-0\.9034[0-9]*, +-0\.3310[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.8581[0-9]*, +-1\.440[0-9]*, +-0\.06043[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.5921[0-9]*, +-0\.8955[0-9]*, +-0\.5915[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.5211[0-9]*, +-1\.014[0-9]*, +-0\.3316[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0\.2740[0-9]*, +1\.804[0-9]*, +-1\.218[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.02824[0-9]*, +0\.4562[0-9]*, +-0\.4269[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.1111[0-9]*, +-0\.04920[0-9]*, +-0\.5347[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0\.3566[0-9]*, +1\.734[0-9]*, +-1\.186[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.02862[0-9]*, +0\.5549[0-9]*, +-0\.4851[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-1\.069[0-9]*, +-0\.3848[0-9]*, +0\.4135[0-9]*}}{{\]+,? *$}}
// attention GQA, no mask, not causal
// CHECK: rank = 4 offset = 0 sizes = [1, 4, 3, 3]
// CHECK-NEXT: {{^ *\[*}}{{-0\.5197[0-9]*, +-0\.8808[0-9]*, +-0\.5180[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.2703[0-9]*, +-0\.5710[0-9]*, +-0\.3330[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.4642[0-9]*, +-0\.8948[0-9]*, +-0\.2646[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.6007[0-9]*, +-0\.9999[0-9]*, +-0\.2190[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.2877[0-9]*, +-0\.6743[0-9]*, +-0\.2136[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.5613[0-9]*, +-1\.043[0-9]*, +-0\.2357[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.06228[0-9]*, +0\.3192[0-9]*, +-0\.5220[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0\.3901[0-9]*, +0\.3890[0-9]*, +-0\.9943[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.2989[0-9]*, +-0\.1036[0-9]*, +-0\.3455[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0\.1022[0-9]*, +0\.7130[0-9]*, +-0\.7078[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0\.1361[0-9]*, +0\.6341[0-9]*, +-0\.7650[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-1\.159[0-9]*, +-0\.4085[0-9]*, +0\.5105[0-9]*}}{{\]+,? *$}}
// attention MHA causal S=T, row mask [T]
// CHECK: rank = 4 offset = 0 sizes = [2, 2, 3, 2]
// CHECK-NEXT: {{^ *\[*}}{{-0\.125[0-9]*, +0\.5[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{1\.052[0-9]*, +0\.5736[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0\.6671[0-9]*, +0\.5495[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0\.375[0-9]*, +-2(\.[0-9]+)?}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.1370[0-9]*, +-1\.158[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.9281[0-9]*, +0\.1408[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-1\.75[0-9]*, +-0\.375[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.7097[0-9]*, +0\.5496[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-1\.255[0-9]*, +0\.06474[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.75[0-9]*, +-1\.125[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.1110[0-9]*, +-0\.2730[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.4627[0-9]*, +-0\.7419[0-9]*}}{{\]+,? *$}}
