// RUN: ternion-opt %s --split-input-file --convert-tern-to-linalg --verify-diagnostics | FileCheck %s

// Shape with a negative start (opset 15): dims [1, 3) of the input as i64.
// CHECK-LABEL: func.func @shape
// CHECK: %[[D:.*]] = tensor.dim %arg0, %{{.*}} : tensor<?x3x?xf32>
// CHECK: %[[I:.*]] = arith.index_cast %[[D]] : index to i64
// CHECK: tensor.from_elements %{{.*}}, %[[I]] : tensor<2xi64>
func.func @shape(%x: tensor<?x3x?xf32>) -> tensor<2xi64> {
  %y = tern.shape %x {start = -2 : i64} : (tensor<?x3x?xf32>) -> tensor<2xi64>
  return %y : tensor<2xi64>
}

// -----

// Clamped to an empty range: a constant of no elements.
// CHECK-LABEL: func.func @shape_empty
// CHECK: arith.constant dense<> : tensor<0xi64>
func.func @shape_empty(%x: tensor<?x3xf32>) -> tensor<0xi64> {
  %y = tern.shape %x {start = 5 : i64} : (tensor<?x3xf32>) -> tensor<0xi64>
  return %y : tensor<0xi64>
}

// -----

// Dims read from the run-time shape, filled with the value's one element.
// CHECK-LABEL: func.func @constant_of_shape
// CHECK: %[[S0:.*]] = tensor.extract %arg0[%{{.*}}] : tensor<2xi64>
// CHECK: %[[D0:.*]] = arith.index_cast %[[S0]] : i64 to index
// CHECK: %[[S1:.*]] = tensor.extract %arg0[%{{.*}}] : tensor<2xi64>
// CHECK: %[[D1:.*]] = arith.index_cast %[[S1]] : i64 to index
// CHECK: %[[E:.*]] = tensor.empty(%[[D0]], %[[D1]]) : tensor<?x?xi32>
// CHECK: %[[V:.*]] = arith.constant 7 : i32
// CHECK: linalg.fill ins(%[[V]] : i32) outs(%[[E]] : tensor<?x?xi32>)
func.func @constant_of_shape(%s: tensor<2xi64>) -> tensor<?x?xi32> {
  %y = tern.constant_of_shape %s {value = dense<7> : tensor<1xi32>} : (tensor<2xi64>) -> tensor<?x?xi32>
  return %y : tensor<?x?xi32>
}

// -----

// Float Range: max(ceil((limit - start) / delta), 0) elements (in f64),
// element i is start + i * delta.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @range_f32
// CHECK: arith.extf
// CHECK: math.ceil %{{.*}} : f64
// CHECK: arith.maxsi
// CHECK: linalg.generic {indexing_maps = [#[[ID]]], iterator_types = ["parallel"]} outs(
// CHECK: linalg.index 0 : index
// CHECK: arith.sitofp
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @range_f32(%a: tensor<f32>, %b: tensor<f32>, %c: tensor<f32>) -> tensor<?xf32> {
  %y = tern.range %a, %b, %c : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<?xf32>
  return %y : tensor<?xf32>
}

// -----

// CHECK-LABEL: func.func @range_i32
// CHECK: %[[N:.*]] = arith.subi
// CHECK: arith.ceildivsi %[[N]], %{{.*}} : i32
// CHECK: linalg.generic
// CHECK: arith.muli %{{.*}}, %{{.*}} : i32
// CHECK: arith.addi %{{.*}}, %{{.*}} : i32
func.func @range_i32(%a: tensor<i32>, %b: tensor<i32>, %c: tensor<i32>) -> tensor<?xi32> {
  %y = tern.range %a, %b, %c : (tensor<i32>, tensor<i32>, tensor<i32>) -> tensor<?xi32>
  return %y : tensor<?xi32>
}

// -----

// Lower triangle with a run-time k over the last two dims of a batch.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @tril
// CHECK: %[[K:.*]] = arith.index_cast %{{.*}} : i64 to index
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg0 : tensor<2x?x?xf32>)
// CHECK: %[[I:.*]] = linalg.index 1 : index
// CHECK: %[[J:.*]] = linalg.index 2 : index
// CHECK: %[[D:.*]] = arith.subi %[[J]], %[[I]] : index
// CHECK: %[[KEEP:.*]] = arith.cmpi sle, %[[D]], %[[K]] : index
// CHECK: arith.select %[[KEEP]]
func.func @tril(%x: tensor<2x?x?xf32>, %k: tensor<i64>) -> tensor<2x?x?xf32> {
  %y = tern.trilu %x, %k {upper = false} : (tensor<2x?x?xf32>, tensor<i64>) -> tensor<2x?x?xf32>
  return %y : tensor<2x?x?xf32>
}

// -----

// Upper triangle without k (k = 0), on bool.
// CHECK-LABEL: func.func @triu_bool
// CHECK: %[[F:.*]] = arith.constant false
// CHECK: linalg.generic
// CHECK: arith.cmpi sge
// CHECK: arith.select %{{.*}}, %{{.*}}, %[[F]] : i1
func.func @triu_bool(%x: tensor<4x4xi1>) -> tensor<4x4xi1> {
  %y = tern.trilu %x : (tensor<4x4xi1>) -> tensor<4x4xi1>
  return %y : tensor<4x4xi1>
}

// -----

func.func @constant_of_shape_unknown_rank(%s: tensor<?xi64>) -> tensor<*xf32> {
  // expected-error @+2 {{'tern.constant_of_shape' op not supported by the CPU lowering: the result (a shape of unknown length) has unknown rank}}
  // expected-error @+1 {{failed to legalize operation 'tern.constant_of_shape'}}
  %y = tern.constant_of_shape %s {value = dense<0.0> : tensor<1xf32>} : (tensor<?xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @shape_unranked(%x: tensor<*xf32>) -> tensor<?xi64> {
  // expected-error @+2 {{'tern.shape' op not supported by the CPU lowering: the input has unknown rank}}
  // expected-error @+1 {{failed to legalize operation 'tern.shape'}}
  %y = tern.shape %x : (tensor<*xf32>) -> tensor<?xi64>
  return %y : tensor<?xi64>
}
