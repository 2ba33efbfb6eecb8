// RUN: ternion-opt %s --split-input-file --convert-tern-to-linalg --verify-diagnostics | FileCheck %s

// Negative axes normalize; the reduction drops the reduced dims (projected
// permutation maps) and keepdims reinserts them with expand_shape. The mean
// divides by the static count.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[RED:.*]] = affine_map<(d0, d1, d2) -> (d0)>
// CHECK-LABEL: func.func @reduce_mean_keepdims
// CHECK: %[[D:.*]] = tensor.dim %arg0, %{{.*}} : tensor<?x3x4xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<?xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<?xf32>)
// CHECK: %[[S:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[RED]]], iterator_types = ["parallel", "reduction", "reduction"]} ins(%arg0 : tensor<?x3x4xf32>) outs(%[[F]] : tensor<?xf32>)
// The sum may be reassociated (so LLVM vectorizes it):
// CHECK: arith.addf {{.*}} fastmath<reassoc> : f32
// CHECK: %[[N:.*]] = arith.constant 12 : index
// CHECK: %[[NI:.*]] = arith.index_cast %[[N]] : index to i64
// CHECK: %[[NF:.*]] = arith.sitofp %[[NI]] : i64 to f32
// CHECK: linalg.generic
// CHECK: arith.divf %{{.*}}, %[[NF]] : f32
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1, 2]] output_shape [%{{.*}}, 1, 1] : tensor<?xf32> into tensor<?x1x1xf32>
func.func @reduce_mean_keepdims(%x: tensor<?x3x4xf32>) -> tensor<?x1x1xf32> {
  %0 = tern.reduce_mean %x {axes = [-1, 1]} : (tensor<?x3x4xf32>) -> tensor<?x1x1xf32>
  return %0 : tensor<?x1x1xf32>
}

// -----

// Absent axes reduce over all dims into a rank-0 accumulator; max starts at
// -inf and uses maximumf (NaN-propagating).
// CHECK-DAG: #[[ALL:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @reduce_max_all
// CHECK: %[[NEG:.*]] = arith.constant 0xFF800000 : f32
// CHECK: linalg.fill ins(%[[NEG]] : f32) outs(%{{.*}} : tensor<f32>)
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[ALL]]], iterator_types = ["reduction", "reduction"]}
// CHECK: arith.maximumf
// CHECK: tensor.expand_shape %{{.*}} [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
func.func @reduce_max_all(%x: tensor<?x3xf32>) -> tensor<1x1xf32> {
  %0 = tern.reduce_max %x : (tensor<?x3xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

// ui8 (ONNX uint8): the body works on signless i8 through casts, with an
// unsigned max starting at 0.
// CHECK-LABEL: func.func @reduce_max_ui8
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%arg0 : tensor<?x3xui8>) outs(%{{.*}} : tensor<?xui8>)
// CHECK: ^bb0(%[[IN:.*]]: ui8, %[[OUT:.*]]: ui8):
// CHECK-DAG: %[[A:.*]] = builtin.unrealized_conversion_cast %[[IN]] : ui8 to i8
// CHECK-DAG: %[[B:.*]] = builtin.unrealized_conversion_cast %[[OUT]] : ui8 to i8
// CHECK: %[[M:.*]] = arith.maxui %[[A]], %[[B]] : i8
// CHECK: %[[R:.*]] = builtin.unrealized_conversion_cast %[[M]] : i8 to ui8
// CHECK: linalg.yield %[[R]] : ui8
func.func @reduce_max_ui8(%x: tensor<?x3xui8>) -> tensor<?xui8> {
  %0 = tern.reduce_max %x {axes = [1], keepdims = false} : (tensor<?x3xui8>) -> tensor<?xui8>
  return %0 : tensor<?xui8>
}

// -----

// noop_with_empty_axes without axes is the identity.
// CHECK-LABEL: func.func @reduce_sum_noop
// CHECK-NEXT: return %arg0
func.func @reduce_sum_noop(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %0 = tern.reduce_sum %x {noop_with_empty_axes = true} : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}

// -----

// ArgMax carries the running maximum as a second accumulator; the index is
// linalg.index of the axis; select_last_index takes ties (>=).
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @argmax_last
// CHECK: %[[MIN:.*]] = arith.constant -9223372036854775808 : i64
// CHECK: linalg.fill ins(%[[MIN]] : i64)
// CHECK: %{{.*}}:2 = linalg.generic {indexing_maps = [#[[IN]], #[[OUT]], #[[OUT]]], iterator_types = ["parallel", "reduction"]}
// CHECK: %[[GE:.*]] = arith.cmpi sge
// CHECK: %[[I:.*]] = linalg.index 1 : index
// CHECK: %[[I64:.*]] = arith.index_cast %[[I]] : index to i64
// CHECK: arith.select %[[GE]], %[[I64]]
func.func @argmax_last(%x: tensor<?x5xi64>) -> tensor<?xi64> {
  %0 = tern.arg_max %x {axis = -1 : i64, keepdims = false, select_last_index = true} : (tensor<?x5xi64>) -> tensor<?xi64>
  return %0 : tensor<?xi64>
}

// -----

// ArgMax over floats: strict > keeps the first maximum; the first NaN wins.
// CHECK-LABEL: func.func @argmax_first
// CHECK: arith.cmpf uno
// CHECK: arith.cmpf ogt
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [1, %{{.*}}] : tensor<?xi64> into tensor<1x?xi64>
func.func @argmax_first(%x: tensor<4x?xf32>) -> tensor<1x?xi64> {
  %0 = tern.arg_max %x : (tensor<4x?xf32>) -> tensor<1x?xi64>
  return %0 : tensor<1x?xi64>
}

// -----

// CumSum: an extra reduction loop j over the axis; reverse + exclusive keeps
// the terms with j > i.
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[Y:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @cumsum_reverse_exclusive
// CHECK: linalg.generic {indexing_maps = [#[[X]], #[[Y]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: %[[I:.*]] = linalg.index 1 : index
// CHECK: %[[J:.*]] = linalg.index 2 : index
// CHECK: arith.cmpi sgt, %[[J]], %[[I]] : index
func.func @cumsum_reverse_exclusive(%x: tensor<?x5xf32>) -> tensor<?x5xf32> {
  %0 = tern.cumsum %x {axis = 1 : i64, exclusive = true, reverse = true} : (tensor<?x5xf32>) -> tensor<?x5xf32>
  return %0 : tensor<?x5xf32>
}

// -----

func.func @unranked(%x: tensor<*xf32>) -> tensor<*xf32> {
  // expected-error @+2 {{'tern.reduce_sum' op is not supported by the CPU lowering: unranked input}}
  // expected-error @+1 {{failed to legalize operation 'tern.reduce_sum'}}
  %0 = tern.reduce_sum %x {axes = [0]} : (tensor<*xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}
