// RUN: ternion-opt %s --split-input-file --convert-tern-to-linalg --verify-diagnostics | FileCheck %s

// The init of linalg.transpose takes its dynamic dim from input dim perm[i].
// CHECK-LABEL: func.func @transpose
// CHECK: %[[D:.*]] = tensor.dim %arg0, %{{.*}} : tensor<?x3x4xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<4x?x3xf32>
// CHECK: linalg.transpose ins(%arg0 : tensor<?x3x4xf32>) outs(%[[E]] : tensor<4x?x3xf32>) permutation = [2, 0, 1]
func.func @transpose(%x: tensor<?x3x4xf32>) -> tensor<4x?x3xf32> {
  %y = tern.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<?x3x4xf32>) -> tensor<4x?x3xf32>
  return %y : tensor<4x?x3xf32>
}

// -----

// A constant shape whose 0s copy the dynamic dims: an expand_shape (a view),
// not a tensor.reshape (a copy).
// CHECK-LABEL: func.func @reshape_split_heads
// CHECK-NOT: tensor.reshape
// CHECK: tensor.expand_shape %arg0 {{\[\[}}0], [1], [2, 3]] output_shape [%{{.*}}, %{{.*}}, 12, 64] : tensor<?x?x768xf32> into tensor<?x?x12x64xf32>
func.func @reshape_split_heads(%x: tensor<?x?x768xf32>) -> tensor<?x?x12x64xf32> {
  %s = tern.constant dense<[0, 0, 12, 64]> : tensor<4xi64>
  %y = tern.reshape %x, %s : (tensor<?x?x768xf32>, tensor<4xi64>) -> tensor<?x?x12x64xf32>
  return %y : tensor<?x?x12x64xf32>
}

// -----

// The torch export pattern: the target is Concat(Shape(x)[0], Shape(x)[1],
// 12, 64) at run time; tracing it back to x's dims still proves the
// reassociation.
// CHECK-LABEL: func.func @reshape_traced
// CHECK-NOT: tensor.reshape
// CHECK: tensor.expand_shape %arg0 {{\[\[}}0], [1], [2, 3]]
func.func @reshape_traced(%x: tensor<?x?x768xf32>) -> tensor<?x?x12x64xf32> {
  %sh = tern.shape %x : (tensor<?x?x768xf32>) -> tensor<3xi64>
  %i0 = tern.constant dense<0> : tensor<i64>
  %i1 = tern.constant dense<1> : tensor<i64>
  %b = tern.gather %sh, %i0 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %t = tern.gather %sh, %i1 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %bu = tern.unsqueeze %b {axes = [0]} : (tensor<i64>) -> tensor<1xi64>
  %tu = tern.unsqueeze %t {axes = [0]} : (tensor<i64>) -> tensor<1xi64>
  %c = tern.constant dense<[12, 64]> : tensor<2xi64>
  %s = tern.concat %bu, %tu, %c {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<2xi64>) -> tensor<4xi64>
  %y = tern.reshape %x, %s : (tensor<?x?x768xf32>, tensor<4xi64>) -> tensor<?x?x12x64xf32>
  return %y : tensor<?x?x12x64xf32>
}

// -----

// -1 is what the other dims leave: [?, 4] -> [-1] collapses.
// CHECK-LABEL: func.func @reshape_inferred
// CHECK: tensor.collapse_shape %arg0 {{\[\[}}0, 1]] : tensor<?x4xf32> into tensor<?xf32>
func.func @reshape_inferred(%x: tensor<?x4xf32>) -> tensor<?xf32> {
  %s = tern.constant dense<[-1]> : tensor<1xi64>
  %y = tern.reshape %x, %s : (tensor<?x4xf32>, tensor<1xi64>) -> tensor<?xf32>
  return %y : tensor<?xf32>
}

// -----

// 2x3 -> 3x2 is one group: collapse, then expand.
// CHECK-LABEL: func.func @reshape_regroup
// CHECK: %[[C:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1]] : tensor<2x3xf32> into tensor<6xf32>
// CHECK: tensor.expand_shape %[[C]] {{\[\[}}0, 1]] output_shape [3, 2] : tensor<6xf32> into tensor<3x2xf32>
func.func @reshape_regroup(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %s = tern.constant dense<[3, 2]> : tensor<2xi64>
  %y = tern.reshape %x, %s : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// A run-time shape that cannot be traced: the target is computed at run
// time (0 copies the input dim, -1 divides the element count) and fed to
// tensor.reshape.
// CHECK-LABEL: func.func @reshape_runtime
// CHECK: tensor.extract %arg1
// CHECK: arith.cmpi eq
// CHECK: arith.divsi
// CHECK: %[[S:.*]] = tensor.from_elements %{{.*}}, %{{.*}}, %{{.*}} : tensor<3xindex>
// CHECK: tensor.reshape %arg0(%[[S]]) : (tensor<?x?xf32>, tensor<3xindex>) -> tensor<?x?x?xf32>
func.func @reshape_runtime(%x: tensor<?x?xf32>, %s: tensor<3xi64>) -> tensor<?x?x?xf32> {
  %y = tern.reshape %x, %s : (tensor<?x?xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  return %y : tensor<?x?x?xf32>
}

// -----

// CHECK-LABEL: func.func @flatten
// CHECK: tensor.collapse_shape %arg0 {{\[\[}}0], [1, 2]] : tensor<?x3x4xf32> into tensor<?x12xf32>
func.func @flatten(%x: tensor<?x3x4xf32>) -> tensor<?x12xf32> {
  %y = tern.flatten %x {axis = 1 : i64} : (tensor<?x3x4xf32>) -> tensor<?x12xf32>
  return %y : tensor<?x12xf32>
}

// -----

// A squeezed dynamic dim is 1 by definition: cast first, then collapse.
// CHECK-LABEL: func.func @squeeze
// CHECK: %[[C:.*]] = tensor.cast %arg0 : tensor<?x5x1xf32> to tensor<1x5x1xf32>
// CHECK: tensor.collapse_shape %[[C]] {{\[\[}}0, 1, 2]] : tensor<1x5x1xf32> into tensor<5xf32>
func.func @squeeze(%x: tensor<?x5x1xf32>) -> tensor<5xf32> {
  %y = tern.squeeze %x {axes = [0, -1]} : (tensor<?x5x1xf32>) -> tensor<5xf32>
  return %y : tensor<5xf32>
}

// -----

// CHECK-LABEL: func.func @unsqueeze
// CHECK: %[[D:.*]] = tensor.dim %arg0
// CHECK: tensor.expand_shape %arg0 {{\[\[}}0, 1], [2, 3]] output_shape [1, %[[D]], 4, 1] : tensor<?x4xf32> into tensor<1x?x4x1xf32>
func.func @unsqueeze(%x: tensor<?x4xf32>) -> tensor<1x?x4x1xf32> {
  %y = tern.unsqueeze %x {axes = [0, 3]} : (tensor<?x4xf32>) -> tensor<1x?x4x1xf32>
  return %y : tensor<1x?x4x1xf32>
}

// -----

// A scalar becomes [1] with an empty reassociation.
// CHECK-LABEL: func.func @unsqueeze_scalar
// CHECK: tensor.expand_shape %arg0 [] output_shape [1] : tensor<i64> into tensor<1xi64>
func.func @unsqueeze_scalar(%x: tensor<i64>) -> tensor<1xi64> {
  %y = tern.unsqueeze %x {axes = [0]} : (tensor<i64>) -> tensor<1xi64>
  return %y : tensor<1xi64>
}

// -----

// Static input dims: broadcasting is in the map (the static 1 reads index
// 0); result dims are the targets, except where the target is 1.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @expand_static_input
// CHECK: arith.select
// CHECK: %[[E:.*]] = tensor.empty(%{{.*}}, %{{.*}}, %{{.*}}) : tensor<?x?x?xf32>
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg0 : tensor<3x1xf32>) outs(%[[E]] : tensor<?x?x?xf32>)
func.func @expand_static_input(%x: tensor<3x1xf32>, %s: tensor<3xi64>) -> tensor<?x?x?xf32> {
  %y = tern.expand %x, %s : (tensor<3x1xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  return %y : tensor<?x?x?xf32>
}

// -----

// A dynamic input dim may be 1 at run time: the element is read with
// tensor.extract at index 0 when it is.
// CHECK-LABEL: func.func @expand_dynamic_input
// CHECK: %[[D:.*]] = tensor.dim %arg0, %{{.*}} : tensor<?x1xf32>
// CHECK: %[[UNIT:.*]] = arith.cmpi eq, %[[D]], %{{.*}} : index
// CHECK: linalg.generic {{.*}} outs(
// CHECK: %[[I:.*]] = linalg.index 0 : index
// CHECK: %[[SEL:.*]] = arith.select %[[UNIT]], %{{.*}}, %[[I]] : index
// CHECK: tensor.extract %arg0[%[[SEL]], %{{.*}}] : tensor<?x1xf32>
func.func @expand_dynamic_input(%x: tensor<?x1xf32>, %s: tensor<2xi64>) -> tensor<?x?xf32> {
  %y = tern.expand %x, %s : (tensor<?x1xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// -----

// A shape of unknown length gives a result of unknown rank.
func.func @reshape_unknown_rank(%x: tensor<4xf32>, %s: tensor<?xi64>) -> tensor<*xf32> {
  // expected-error @+2 {{'tern.reshape' op not supported by the CPU lowering: the result (a shape of unknown length) has unknown rank}}
  // expected-error @+1 {{failed to legalize operation 'tern.reshape'}}
  %y = tern.reshape %x, %s : (tensor<4xf32>, tensor<?xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

// Without axes, which dynamic dims are 1 is only known at run time.
func.func @squeeze_unknown(%x: tensor<?x?xf32>) -> tensor<?xf32> {
  // expected-error @+2 {{'tern.squeeze' op not supported by the CPU lowering: squeezing dims of unknown size without axes}}
  // expected-error @+1 {{failed to legalize operation 'tern.squeeze'}}
  %y = tern.squeeze %x : (tensor<?x?xf32>) -> tensor<?xf32>
  return %y : tensor<?xf32>
}

// -----

func.func @expand_unknown_rank(%x: tensor<4xf32>, %s: tensor<?xi64>) -> tensor<*xf32> {
  // expected-error @+2 {{'tern.expand' op not supported by the CPU lowering: the result (a shape of unknown length) has unknown rank}}
  // expected-error @+1 {{failed to legalize operation 'tern.expand'}}
  %y = tern.expand %x, %s : (tensor<4xf32>, tensor<?xi64>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}
