// RUN: ternion-opt %s --split-input-file --convert-tern-to-linalg | FileCheck %s

// tern.quantized_linear becomes the steps of its definition over the
// flattened [M, K] input: xs = x * t (SINQ's column scales), padded to whole
// groups (100 -> 128); the contraction of xs with the dequantized codes
// s * (Q - z), tagged with the format (a code is read where the format puts
// it: 16 lanes of 4-bit codes, byte (k / 32) * 16 + k % 16, bits
// ((k % 32) / 16) * 4); then the bias.
// CHECK-DAG: #[[XS:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[BYTE:.*]] = affine_map<(d0, d1, d2) -> (d1, (d2 floordiv 32) * 16 + d2 mod 16)>
// CHECK-DAG: #[[GROUP:.*]] = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 64)>
// CHECK-LABEL: func.func @sinq
// CHECK: %[[SCALED:.*]] = linalg.generic {{.*}} ins(%arg0, %arg4 : tensor<?x100xf32>, tensor<100xf32>)
// CHECK: arith.mulf
// CHECK: %[[PADDED:.*]] = tensor.pad %[[SCALED]] low[0, 0] high[0, 28]
// CHECK: %[[MAIN:.*]] = linalg.generic {indexing_maps = [#[[XS]], #[[BYTE]], #[[GROUP]], #[[GROUP]], {{.*}}], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[PADDED]], %arg1, %arg2, %arg3 : tensor<?x128xf32>, tensor<3x64xi8>, tensor<3x2xf16>, tensor<3x2xf16>) {{.*}} attrs = {tern.weight_format = #tern.group_quantized<bits = 4, group = 64, column_scales = true, lanes = 16>}
// CHECK: arith.shrui
// CHECK: arith.andi {{.*}}, %c15_i32
// CHECK: arith.uitofp
// CHECK: arith.subf
// CHECK: linalg.generic {{.*}} ins(%[[MAIN]], %arg5 : tensor<?x3xf32>, tensor<3xf32>)
// CHECK: arith.addf
func.func @sinq(%x: tensor<?x100xf32>, %c: tensor<3x64xi8>, %s: tensor<3x2xf16>, %z: tensor<3x2xf16>, %t: tensor<100xf32>, %b: tensor<3xf32>) -> tensor<?x3xf32> {
  %y = tern.quantized_linear %x, %c, %s, %z column_scales %t bias %b {weight_format = #tern.group_quantized<bits = 4, group = 64, column_scales = true, lanes = 16>} : (tensor<?x100xf32>, tensor<3x64xi8>, tensor<3x2xf16>, tensor<3x2xf16>, tensor<100xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// -----

// 3-bit codes straddle bytes: the contraction reads code k's first byte
// (k * 3 / 8) through its map and the next one in its body, clamped to the
// row. No column scales (RTN): the input is only padded.
// CHECK-DAG: #[[STREAM:.*]] = affine_map<(d0, d1, d2) -> (d1, (d2 * 3) floordiv 8)>
// CHECK-LABEL: func.func @rtn_3bit
// CHECK-NOT: column
// CHECK: linalg.generic {indexing_maps = [{{.*}}, #[[STREAM]], {{.*}}]
// CHECK: arith.minui {{.*}}, %c47
// CHECK: tensor.extract %arg1
// CHECK: arith.shli
// CHECK: arith.ori
func.func @rtn_3bit(%x: tensor<2x3x128xf32>, %c: tensor<5x48xi8>, %s: tensor<5x1xf16>, %z: tensor<5x1xf16>) -> tensor<2x3x5xf32> {
  %y = tern.quantized_linear %x, %c, %s, %z {weight_format = #tern.group_quantized<bits = 3, group = 128, column_scales = false>} : (tensor<2x3x128xf32>, tensor<5x48xi8>, tensor<5x1xf16>, tensor<5x1xf16>) -> tensor<2x3x5xf32>
  return %y : tensor<2x3x5xf32>
}
