// RUN: ternion-opt %s --split-input-file --convert-tern-to-linalg | FileCheck %s

// tern.ternary_linear becomes the steps of its definition over the
// flattened [M, K] input: absmax, the scale 127 * (1 / max(amax, eps)),
// int8 q over K padded to whole blocks (5 -> 8 for i2), the row sums of q,
// the i32 contraction with the stored digits (reading byte k floordiv 4,
// tagged with the format for the target's kernel) and the f32 epilogue.
// CHECK-DAG: #[[CODES:.*]] = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 4)>
// CHECK-LABEL: func.func @i2
// CHECK: %[[X:.*]] = tensor.pad %arg0 low[0, 0] high[0, 3]
// CHECK: %[[AMAX:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<?x8xf32>)
// CHECK: math.absf
// CHECK: arith.maximumf
// CHECK: %[[S:.*]] = linalg.generic {{.*}} ins(%[[AMAX]] : tensor<?xf32>)
// CHECK: arith.constant 9.99999974E-6 : f32
// CHECK: arith.divf
// CHECK: arith.constant 1.270000e+02 : f32
// CHECK: arith.mulf
// CHECK: %[[Q:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[S]] : tensor<?x8xf32>, tensor<?xf32>) outs(%{{.*}} : tensor<?x8xi8>)
// CHECK: math.roundeven
// CHECK: arith.fptosi {{.*}} : f32 to i8
// CHECK: %[[QSUM:.*]] = linalg.generic {{.*}} ins(%[[Q]] : tensor<?x8xi8>) outs(%{{.*}} : tensor<?xi32>)
// CHECK: %[[ACC:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #[[CODES]], #{{.*}}], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[Q]], %{{.*}} : tensor<?x8xi8>, tensor<3x2xi8>) outs(%{{.*}} : tensor<?x3xi32>) attrs = {tern.weight_format = #tern.ternary<i2>}
// CHECK: arith.shrui
// CHECK: arith.andi
// CHECK: linalg.generic {{.*}} ins(%[[ACC]], %[[QSUM]], %[[S]] : tensor<?x3xi32>, tensor<?xi32>, tensor<?xf32>)
// CHECK: arith.subi
// CHECK: arith.sitofp
// CHECK: arith.constant 2.500000e-01 : f32
// CHECK: arith.divf
func.func @i2(%x: tensor<?x5xf32>) -> tensor<?x3xf32> {
  %c = tern.constant dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>
  %y = tern.ternary_linear %x, %c {weight_format = #tern.ternary<i2>, weight_scale = 0.25 : f32, input_eps = 1.0e-5 : f32} : (tensor<?x5xf32>, tensor<3x2xi8>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// -----

// base3 interleaved 16 lanes wide: blocks of 80 weights in 16 bytes, weight
// k in byte (k floordiv 80) * 16 + k mod 16, digit (k mod 80) floordiv 16,
// read as (byte / 3^digit) mod 3; a 3-D input with a bias.
// CHECK-DAG: #[[CODES:.*]] = affine_map<(d0, d1, d2) -> (d1, (d2 floordiv 80) * 16 + d2 mod 16)>
// CHECK-LABEL: func.func @base3
// CHECK: tensor.collapse_shape %arg0
// CHECK-NOT: tensor.pad
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[CODES]], #{{.*}}], {{.*}} attrs = {tern.weight_format = #tern.ternary<base3, lanes = 16>}
// CHECK: arith.divui {{.*}} : i32
// CHECK: arith.remui {{.*}} : i32
// CHECK: arith.addf
// CHECK: tensor.expand_shape
func.func @base3(%x: tensor<2x?x160xf32>, %b: tensor<3xf32>) -> tensor<2x?x3xf32> {
  %c = tern.constant dense<0> : tensor<3x32xi8>
  %y = tern.ternary_linear %x, %c, %b {weight_format = #tern.ternary<base3, lanes = 16>, weight_scale = 1.0 : f32, input_eps = 0.0 : f32} : (tensor<2x?x160xf32>, tensor<3x32xi8>, tensor<3xf32>) -> tensor<2x?x3xf32>
  return %y : tensor<2x?x3xf32>
}

// -----

// pairs (the lookup-table layout), 16 rows a tile: the codes map reads byte
// [n floordiv 16, k floordiv 4, n mod 16], the body takes digit k mod 2 of
// the nibble (k mod 4) floordiv 2 and multiplies by t = digit - 1, so there
// is no row-sum step and the epilogue subtracts nothing.
// CHECK-DAG: #[[PAIRS:.*]] = affine_map<(d0, d1, d2) -> (d1 floordiv 16, d2 floordiv 4, d1 mod 16)>
// CHECK-LABEL: func.func @pairs
// CHECK: %[[Q:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x8xi8>)
// CHECK-NOT: ins(%[[Q]] : tensor<?x8xi8>) outs(%{{.*}} : tensor<?xi32>)
// CHECK: %[[ACC:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #[[PAIRS]], #{{.*}}], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[Q]], %{{.*}} : tensor<?x8xi8>, tensor<2x2x16xi8>) outs(%{{.*}} : tensor<?x32xi32>) attrs = {tern.weight_format = #tern.ternary<pairs, lanes = 16>}
// CHECK: arith.andi
// CHECK: arith.select
// CHECK: arith.subi
// CHECK: linalg.generic {{.*}} ins(%[[ACC]], %{{.*}} : tensor<?x32xi32>, tensor<?xf32>)
// CHECK-NOT: arith.subi
// CHECK: arith.sitofp
func.func @pairs(%x: tensor<?x7xf32>) -> tensor<?x32xf32> {
  %c = tern.constant dense<68> : tensor<2x2x16xi8>
  %y = tern.ternary_linear %x, %c {weight_format = #tern.ternary<pairs, lanes = 16>, weight_scale = 0.25 : f32, input_eps = 1.0e-5 : f32} : (tensor<?x7xf32>, tensor<2x2x16xi8>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}
