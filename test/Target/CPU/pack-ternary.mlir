// RUN: ternion-opt %s --split-input-file --tern-cpu-pack-ternary=lanes=16 | FileCheck %s
// RUN: ternion-opt %s --split-input-file --tern-cpu-pack-ternary=lanes=64 | FileCheck %s --check-prefix=WIDE

// i2 codes in the plain order (lanes = 1) repacked 16 lanes wide: K = 20
// pads to one block of 64 weights, 16 bytes a row; byte j holds weights j,
// j + 16, j + 32 and j + 48 as digits 0..3. Row 0 is W = (1, 0, ..., 0, -1)
// (weight 19 is -1): byte 0 = digits (2, 1, 1, 1) = 0x56, byte 3 = digits
// (1, 0, 1, 1) = 0x51 (weight 19 = 3 + 16), every other byte 0x55.
// CHECK-LABEL: func.func @i2
// CHECK: tern.ternary_linear {{.*}}weight_format = #tern.ternary<i2, lanes = 16>{{.*}}(tensor<?x20xf32>, tensor<1x16xi8>)
// CHECK: ternary: "0x4000000056555551555555555555555555555555"
// WIDE: tern.ternary_linear {{.*}}weight_format = #tern.ternary<i2, lanes = 64>{{.*}}(tensor<?x20xf32>, tensor<1x64xi8>)
func.func @i2(%x: tensor<?x20xf32>) -> tensor<?x1xf32> {
  // Plain order: bytes (2,1,1,1)=0x56, 0x55, 0x55, 0x55, (1,1,1,0)=0x15.
  %c = tern.constant dense<[[86, 85, 85, 85, 21]]> : tensor<1x5xi8>
  %y = tern.ternary_linear %x, %c {weight_format = #tern.ternary<i2>, weight_scale = 1.0 : f32, input_eps = 0.0 : f32} : (tensor<?x20xf32>, tensor<1x5xi8>) -> tensor<?x1xf32>
  return %y : tensor<?x1xf32>
}

// -----

// base3 takes the narrower register that pads less: K = 2048 is 2240
// weights at 64 lanes (448 bytes) but 2080 at 32 or 16 (416 bytes; the
// wider of the two wins).
// WIDE-LABEL: func.func @base3
// WIDE: weight_format = #tern.ternary<base3, lanes = 32>{{.*}}tensor<2x416xi8>
func.func @base3(%x: tensor<?x2048xf32>) -> tensor<?x2xf32> {
  %c = tern.constant dense<121> : tensor<2x410xi8>
  %y = tern.ternary_linear %x, %c {weight_format = #tern.ternary<base3>, weight_scale = 1.0 : f32, input_eps = 0.0 : f32} : (tensor<?x2048xf32>, tensor<2x410xi8>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}
