// RUN: ternion-opt %s --split-input-file --convert-tern-to-linalg --verify-diagnostics | FileCheck %s

// Gemm: the transposes are indexing maps, alpha/beta/C an elementwise
// epilogue reading C [N] with a broadcasting map; M is dynamic (from A's
// second dim since A is transposed).
// CHECK-DAG: #[[AT:.*]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[BT:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[MN:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @gemm_trans
// CHECK: %[[M:.*]] = tensor.dim %arg0, %{{.*}} : tensor<4x?xf32>
// CHECK: tensor.empty(%[[M]]) : tensor<?x5xf32>
// CHECK: linalg.fill
// CHECK: %[[AB:.*]] = linalg.generic {indexing_maps = [#[[AT]], #[[BT]], #[[MN]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-DAG: %[[ALPHA:.*]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG: %[[BETA:.*]] = arith.constant 2.000000e+00 : f32
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[AB]], %arg2 : tensor<?x5xf32>, tensor<5xf32>)
// CHECK: arith.mulf %{{.*}}, %[[ALPHA]]
// CHECK: arith.mulf %{{.*}}, %[[BETA]]
// CHECK: arith.addf
func.func @gemm_trans(%a: tensor<4x?xf32>, %b: tensor<5x4xf32>, %c: tensor<5xf32>) -> tensor<?x5xf32> {
  %0 = tern.gemm %a, %b, %c {alpha = 0.5 : f32, beta = 2.0 : f32, trans_a = true, trans_b = true} : (tensor<4x?xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// -----

// Default attributes and no C: just the contraction.
// CHECK-LABEL: func.func @gemm_plain
// CHECK: linalg.generic
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @gemm_plain(%a: tensor<3x4xf32>, %b: tensor<4x2xf32>) -> tensor<3x2xf32> {
  %0 = tern.gemm %a, %b : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// MatMulInteger widens u8/i8 to i32 inside the body and subtracts the zero
// points there: per tensor (rank 0, map to ()) for A, per column ([N], map
// to n) for B.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[AZ:.*]] = affine_map<(d0, d1, d2) -> ()>
// CHECK-DAG: #[[BZ:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @matmul_integer
// CHECK: linalg.fill ins(%{{.*}} : i32) outs(%{{.*}} : tensor<?x3xi32>)
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[AZ]], #[[BZ]], #[[C]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: ^bb0(%[[X:.*]]: ui8, %[[Y:.*]]: i8, %[[XZ:.*]]: ui8, %[[YZ:.*]]: i8, %[[ACC:.*]]: i32):
// CHECK: %[[XS:.*]] = builtin.unrealized_conversion_cast %[[X]] : ui8 to i8
// CHECK: %[[XW:.*]] = arith.extui %[[XS]] : i8 to i32
// CHECK: %[[YW:.*]] = arith.extsi %[[Y]] : i8 to i32
// CHECK: %[[XZW:.*]] = arith.extui %{{.*}} : i8 to i32
// CHECK: %[[XD:.*]] = arith.subi %[[XW]], %[[XZW]] : i32
// CHECK: %[[YZW:.*]] = arith.extsi %[[YZ]] : i8 to i32
// CHECK: %[[YD:.*]] = arith.subi %[[YW]], %[[YZW]] : i32
// CHECK: %[[P:.*]] = arith.muli %[[XD]], %[[YD]] : i32
// CHECK: arith.addi %[[ACC]], %[[P]] : i32
func.func @matmul_integer(%a: tensor<?x4xui8>, %b: tensor<4x3xi8>, %az: tensor<ui8>, %bz: tensor<3xi8>) -> tensor<?x3xi32> {
  %0 = tern.matmul_integer %a, %b a_zero_point %az b_zero_point %bz : (tensor<?x4xui8>, tensor<4x3xi8>, tensor<ui8>, tensor<3xi8>) -> tensor<?x3xi32>
  return %0 : tensor<?x3xi32>
}

// -----

// Batched A with a 2-D B: B is read without batch dims.
// CHECK-DAG: #[[A3:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[B2:.*]] = affine_map<(d0, d1, d2, d3) -> (d3, d2)>
// CHECK-LABEL: func.func @matmul_integer_batched
// CHECK: linalg.generic {indexing_maps = [#[[A3]], #[[B2]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
func.func @matmul_integer_batched(%a: tensor<2x?x4xi8>, %b: tensor<4x3xi8>) -> tensor<2x?x3xi32> {
  %0 = tern.matmul_integer %a, %b : (tensor<2x?x4xi8>, tensor<4x3xi8>) -> tensor<2x?x3xi32>
  return %0 : tensor<2x?x3xi32>
}

// -----

func.func @gemm_int_fractional_alpha(%a: tensor<3x4xi64>, %b: tensor<4x2xi64>) -> tensor<3x2xi64> {
  // expected-error @+2 {{'tern.gemm' op is not supported by the CPU lowering: integer Gemm with a non-integral alpha or beta}}
  // expected-error @+1 {{failed to legalize operation 'tern.gemm'}}
  %0 = tern.gemm %a, %b {alpha = 0.5 : f32} : (tensor<3x4xi64>, tensor<4x2xi64>) -> tensor<3x2xi64>
  return %0 : tensor<3x2xi64>
}

// -----

func.func @matmul_integer_blocked_zero_point(%a: tensor<3x4xi8>, %b: tensor<4x2xi8>, %bz: tensor<4x2xi8>) -> tensor<3x2xi32> {
  // expected-error @+2 {{'tern.matmul_integer' op is not supported by the CPU lowering: zero points must be scalars, a [M] vector for A or a [N] vector for B}}
  // expected-error @+1 {{failed to legalize operation 'tern.matmul_integer'}}
  %0 = tern.matmul_integer %a, %b b_zero_point %bz : (tensor<3x4xi8>, tensor<4x2xi8>, tensor<4x2xi8>) -> tensor<3x2xi32>
  return %0 : tensor<3x2xi32>
}
