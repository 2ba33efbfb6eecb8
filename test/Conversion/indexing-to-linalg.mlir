// RUN: ternion-opt %s --split-input-file --convert-tern-to-linalg --verify-diagnostics | FileCheck %s

// Concat (negative axis) writes each input into one tensor.empty at the
// running offset; the dynamic result dim is the sum of the inputs' dims.
// CHECK-LABEL: func.func @concat
// CHECK: %[[D:.*]] = tensor.dim %arg0, %{{.*}} : tensor<?x3xf32>
// CHECK: %[[SUM:.*]] = arith.addi
// CHECK: %[[E:.*]] = tensor.empty(%{{.*}}) : tensor<?x3xf32>
// CHECK: %[[A:.*]] = tensor.insert_slice %arg0 into %[[E]][0, 0] [%{{.*}}, 3] [1, 1] : tensor<?x3xf32> into tensor<?x3xf32>
// CHECK: tensor.insert_slice %arg1 into %[[A]][%{{.*}}, 0] [2, 3] [1, 1] : tensor<2x3xf32> into tensor<?x3xf32>
func.func @concat(%a: tensor<?x3xf32>, %b: tensor<2x3xf32>) -> tensor<?x3xf32> {
  %y = tern.concat %a, %b {axis = -2 : i64} : (tensor<?x3xf32>, tensor<2x3xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// -----

// Split sizes: static offsets and sizes.
// CHECK-LABEL: func.func @split_sizes
// CHECK: tensor.extract_slice %arg0[0, 0] [%{{.*}}, 2] [1, 1] : tensor<?x6xf32> to tensor<?x2xf32>
// CHECK: tensor.extract_slice %arg0[0, 2] [%{{.*}}, 4] [1, 1] : tensor<?x6xf32> to tensor<?x4xf32>
func.func @split_sizes(%x: tensor<?x6xf32>) -> (tensor<?x2xf32>, tensor<?x4xf32>) {
  %a, %b = tern.split %x {axis = 1 : i64, split = array<i64: 2, 4>} : (tensor<?x6xf32>) -> (tensor<?x2xf32>, tensor<?x4xf32>)
  return %a, %b : tensor<?x2xf32>, tensor<?x4xf32>
}

// -----

// Equal pieces of a dynamic dim: ceil(dim / n) each, clamped at the end.
// CHECK-LABEL: func.func @split_equal
// CHECK: %[[D:.*]] = tensor.dim %arg0
// CHECK: arith.ceildivsi %[[D]]
// CHECK-COUNT-2: tensor.extract_slice %arg0[%{{.*}}] [%{{.*}}] [1] : tensor<?xf32> to tensor<?xf32>
func.func @split_equal(%x: tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>) {
  %a, %b = tern.split %x {num_outputs = 2 : i64} : (tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>)
  return %a, %b : tensor<?xf32>, tensor<?xf32>
}

// -----

// An empty piece at the end of a static dim starts at the dim's size: that
// offset stays a value, since the slice verifiers reject a static offset at
// the end even for an empty slice.
// CHECK-LABEL: func.func @split_empty_piece
// CHECK: tensor.extract_slice %arg0[0, 0] [2, 3] [1, 1] : tensor<2x3xf32> to tensor<2x3xf32>
// CHECK: tensor.extract_slice %arg0[%{{.*}}, 0] [0, 3] [1, 1] : tensor<2x3xf32> to tensor<0x3xf32>
func.func @split_empty_piece(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<0x3xf32>) {
  %a, %b = tern.split %x {axis = 0 : i64, split = array<i64: 2, 0>} : (tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<0x3xf32>)
  return %a, %b : tensor<2x3xf32>, tensor<0x3xf32>
}

// -----

// Run-time bounds with constant axes and steps: ONNX's normalization
// (negative bounds + dim, clamping) in index arithmetic, then one
// extract_slice with the constant stride.
// CHECK-LABEL: func.func @slice_runtime_bounds
// CHECK: tensor.extract %arg1
// CHECK: arith.cmpi slt
// CHECK: arith.minsi
// CHECK: arith.ceildivsi
// CHECK: tensor.extract_slice %arg0[0, %{{.*}}] [%{{.*}}, %{{.*}}] [1, 2] : tensor<?x10xf32> to tensor<?x?xf32>
func.func @slice_runtime_bounds(%x: tensor<?x10xf32>, %s: tensor<1xi64>, %e: tensor<1xi64>) -> tensor<?x?xf32> {
  %ax = tern.constant dense<[-1]> : tensor<1xi64>
  %st = tern.constant dense<[2]> : tensor<1xi64>
  %y = tern.slice %x, %s, %e axes %ax steps %st : (tensor<?x10xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// -----

// A negative (or run-time) step cannot be an extract_slice stride: element
// i is read at start + i * step.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @slice_negative_step
// CHECK: linalg.generic {indexing_maps = [#[[ID]]], iterator_types = ["parallel", "parallel"]} outs(
// CHECK: %[[I:.*]] = linalg.index 1 : index
// CHECK: %[[M:.*]] = arith.muli %[[I]], %{{.*}} : index
// CHECK: %[[J:.*]] = arith.addi %{{.*}}, %[[M]] : index
// CHECK: tensor.extract %arg0[%{{.*}}, %[[J]]] : tensor<?x10xf32>
func.func @slice_negative_step(%x: tensor<?x10xf32>, %s: tensor<1xi64>, %e: tensor<1xi64>) -> tensor<?x?xf32> {
  %ax = tern.constant dense<[1]> : tensor<1xi64>
  %st = tern.constant dense<[-2]> : tensor<1xi64>
  %y = tern.slice %x, %s, %e axes %ax steps %st : (tensor<?x10xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// -----

// Run-time axes: every dim compares itself with the axis.
// CHECK-LABEL: func.func @slice_runtime_axes
// CHECK: tensor.extract %arg3
// CHECK: arith.cmpi eq
// CHECK: linalg.generic
func.func @slice_runtime_axes(%x: tensor<4x5xf32>, %s: tensor<1xi64>, %e: tensor<1xi64>, %a: tensor<1xi64>, %st: tensor<1xi64>) -> tensor<?x?xf32> {
  %y = tern.slice %x, %s, %e axes %a steps %st : (tensor<4x5xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// -----

// Gather along axis 1 with 2-D indices: the indices are read through the
// map (d1, d2), the data with tensor.extract at the wrapped index.
// CHECK-DAG: #[[IDX:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @gather
// CHECK: %[[E:.*]] = tensor.empty(%{{.*}}) : tensor<?x2x3x5xf32>
// CHECK: linalg.generic {indexing_maps = [#[[IDX]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%arg1 : tensor<2x3xi32>) outs(%[[E]] : tensor<?x2x3x5xf32>)
// CHECK: ^bb0(%[[V:.*]]: i32, %{{.*}}: f32):
// CHECK: %[[K:.*]] = arith.index_cast %[[V]] : i32 to index
// CHECK: %[[NEG:.*]] = arith.cmpi slt, %[[K]]
// CHECK: %[[W:.*]] = arith.addi %[[K]]
// CHECK: %[[SEL:.*]] = arith.select %[[NEG]], %[[W]], %[[K]] : index
// CHECK: %[[I0:.*]] = linalg.index 0 : index
// CHECK: %[[I3:.*]] = linalg.index 3 : index
// CHECK: tensor.extract %arg0[%[[I0]], %[[SEL]], %[[I3]]] : tensor<?x4x5xf32>
func.func @gather(%x: tensor<?x4x5xf32>, %i: tensor<2x3xi32>) -> tensor<?x2x3x5xf32> {
  %y = tern.gather %x, %i {axis = -2 : i64} : (tensor<?x4x5xf32>, tensor<2x3xi32>) -> tensor<?x2x3x5xf32>
  return %y : tensor<?x2x3x5xf32>
}

// -----

func.func @slice_unknown_length(%x: tensor<8xf32>, %s: tensor<?xi64>, %e: tensor<?xi64>) -> tensor<?xf32> {
  // expected-error @+2 {{'tern.slice' op not supported by the CPU lowering: starts of unknown length}}
  // expected-error @+1 {{failed to legalize operation 'tern.slice'}}
  %y = tern.slice %x, %s, %e : (tensor<8xf32>, tensor<?xi64>, tensor<?xi64>) -> tensor<?xf32>
  return %y : tensor<?xf32>
}

// -----

func.func @gather_unranked(%x: tensor<*xf32>, %i: tensor<2xi64>) -> tensor<*xf32> {
  // expected-error @+2 {{'tern.gather' op not supported by the CPU lowering: the data has unknown rank}}
  // expected-error @+1 {{failed to legalize operation 'tern.gather'}}
  %y = tern.gather %x, %i : (tensor<*xf32>, tensor<2xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}
