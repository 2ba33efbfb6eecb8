// RUN: ternion-opt %s --split-input-file --tern-cpu-pack-ternary="lanes=64 kernel=lut" --verify-diagnostics | FileCheck %s
// RUN: not ternion-opt %s --split-input-file --tern-cpu-pack-ternary="kernel=tl2" 2>&1 | FileCheck %s --check-prefix=BADKERNEL
// BADKERNEL: error: tern-cpu-pack-ternary: kernel must be mad or lut, not 'tl2'

// kernel=lut: pairs of weights as 4-bit indices 3 d0 + d1, interleaved
// across the rows of a tile. N = 16 takes 16-row tiles (64 and 32 do not
// divide it); every row but row 5 is W = (1, 0, -1, 0), digits (2, 1, 0, 1):
// pair indices 7 and 1, byte 0x17; row 5 is all zero: indices 4 and 4,
// byte 0x44. The i2 input bytes are 2 + 4 + 64 = 70 and 85.
// CHECK-LABEL: func.func @pairs
// CHECK: tern.ternary_linear {{.*}}weight_format = #tern.ternary<pairs, lanes = 16>{{.*}}(tensor<?x4xf32>, tensor<1x1x16xi8>)
// CHECK: ternary: "0x4000000017171717174417171717171717171717"
func.func @pairs(%x: tensor<?x4xf32>) -> tensor<?x16xf32> {
  %c = tern.constant dense<[[70], [70], [70], [70], [70], [85], [70], [70], [70], [70], [70], [70], [70], [70], [70], [70]]> : tensor<16x1xi8>
  %y = tern.ternary_linear %x, %c {weight_format = #tern.ternary<i2>, weight_scale = 1.0 : f32, input_eps = 0.0 : f32} : (tensor<?x4xf32>, tensor<16x1xi8>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}

// -----

// N = 70 is not a multiple of 16: the layer keeps the multiply-add layout.
// CHECK-LABEL: func.func @odd_rows
// CHECK: weight_format = #tern.ternary<i2, lanes = 64>{{.*}}tensor<70x64xi8>
func.func @odd_rows(%x: tensor<?x256xf32>) -> tensor<?x70xf32> {
  %c = tern.constant dense<85> : tensor<70x64xi8>
  %y = tern.ternary_linear %x, %c {weight_format = #tern.ternary<i2>, weight_scale = 1.0 : f32, input_eps = 0.0 : f32} : (tensor<?x256xf32>, tensor<70x64xi8>) -> tensor<?x70xf32>
  return %y : tensor<?x70xf32>
}

// -----

// base3 codes have no lookup-table kernel.
func.func @base3(%x: tensor<?x20xf32>) -> tensor<?x1xf32> {
  %c = tern.constant dense<121> : tensor<1x4xi8>
  // expected-error @+1 {{tern-cpu-pack-ternary: the lookup-table kernel reads 2-bit pair codes; base3 codes (--ternary-format=base3) run only on the multiply-add kernel (--ternary-kernel=mad)}}
  %y = tern.ternary_linear %x, %c {weight_format = #tern.ternary<base3>, weight_scale = 1.0 : f32, input_eps = 0.0 : f32} : (tensor<?x20xf32>, tensor<1x4xi8>) -> tensor<?x1xf32>
  return %y : tensor<?x1xf32>
}
