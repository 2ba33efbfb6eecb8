// RUN: ternion-opt %s --split-input-file --convert-tern-to-linalg --verify-diagnostics | FileCheck %s

// Per-axis QuantizeLinear (axis 1 by default): scale and zero point are read
// with (d0, d1) -> (d1); round half to even, saturate in float, convert.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[AX:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @quantize_per_axis
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[AX]], #[[AX]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg0, %arg1, %arg2 : tensor<?x4xf32>, tensor<4xf32>, tensor<4xi8>) outs(%{{.*}} : tensor<?x4xi8>)
// CHECK: %[[Z:.*]] = arith.sitofp %{{.*}} : i8 to f32
// CHECK: %[[Q:.*]] = arith.divf
// CHECK: %[[R:.*]] = math.roundeven %[[Q]]
// CHECK: %[[S:.*]] = arith.addf %[[R]], %[[Z]]
// CHECK: %[[LO:.*]] = arith.constant -1.280000e+02 : f32
// CHECK: arith.maximumf %[[S]], %[[LO]]
// CHECK: %[[HI:.*]] = arith.constant 1.270000e+02 : f32
// CHECK: arith.minimumf %{{.*}}, %[[HI]]
// CHECK: arith.fptosi %{{.*}} : f32 to i8
func.func @quantize_per_axis(%x: tensor<?x4xf32>, %s: tensor<4xf32>, %z: tensor<4xi8>) -> tensor<?x4xi8> {
  %0 = tern.quantize_linear %x, %s, %z : (tensor<?x4xf32>, tensor<4xf32>, tensor<4xi8>) -> tensor<?x4xi8>
  return %0 : tensor<?x4xi8>
}

// -----

// Without a zero point the result is ui8: saturate to [0, 255], fptoui.
// CHECK-LABEL: func.func @quantize_no_zero_point
// CHECK-NOT: sitofp
// CHECK: arith.constant 2.550000e+02 : f32
// CHECK: arith.fptoui %{{.*}} : f32 to i8
// CHECK: builtin.unrealized_conversion_cast %{{.*}} : i8 to ui8
func.func @quantize_no_zero_point(%x: tensor<?x4xf32>, %s: tensor<f32>) -> tensor<?x4xui8> {
  %0 = tern.quantize_linear %x, %s : (tensor<?x4xf32>, tensor<f32>) -> tensor<?x4xui8>
  return %0 : tensor<?x4xui8>
}

// -----

// A ui8 splat zero point constant is read as the signless splat with the
// same bits (dense<128> : ui8 is dense<-128> : i8), so elementwise fusion
// can fold it into the body as a valid arith.constant; widening stays
// unsigned.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[T:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @dequantize_const_zero_point
// CHECK: %[[Z:.*]] = arith.constant dense<-128> : tensor<i8>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[T]], #[[T]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg0, %arg1, %[[Z]] : tensor<?x4xui8>, tensor<f32>, tensor<i8>)
// CHECK: %[[X:.*]] = arith.uitofp %{{.*}} : i8 to f32
// CHECK: %[[ZF:.*]] = arith.uitofp %{{.*}} : i8 to f32
// CHECK: %[[D:.*]] = arith.subf %[[X]], %[[ZF]]
// CHECK: arith.mulf %[[D]]
func.func @dequantize_const_zero_point(%x: tensor<?x4xui8>, %s: tensor<f32>) -> tensor<?x4xf32> {
  %z = tern.constant dense<128> : tensor<ui8>
  %0 = tern.dequantize_linear %x, %s, %z : (tensor<?x4xui8>, tensor<f32>, tensor<ui8>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// DynamicQuantizeLinear: min/max into rank-0 accumulators that start at 0,
// a rank-0 generic for scale and zero point, then the quantizing generic.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[T:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-DAG: #[[R0:.*]] = affine_map<() -> ()>
// CHECK-LABEL: func.func @dynamic_quantize
// CHECK: %[[MM:.*]]:2 = linalg.generic {indexing_maps = [#[[ID]], #[[T]], #[[T]]], iterator_types = ["reduction", "reduction"]}
// CHECK: arith.minimumf
// CHECK: arith.maximumf
// CHECK: %[[P:.*]]:2 = linalg.generic {indexing_maps = [#[[R0]], #[[R0]], #[[R0]], #[[R0]]], iterator_types = []} ins(%[[MM]]#0, %[[MM]]#1 : tensor<f32>, tensor<f32>) outs(%{{.*}}, %{{.*}} : tensor<f32>, tensor<ui8>)
// CHECK: arith.constant 2.550000e+02 : f32
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[T]], #[[T]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%arg0, %[[P]]#0, %[[P]]#1 : tensor<?x4xf32>, tensor<f32>, tensor<ui8>)
// CHECK: return %[[Y]], %[[P]]#0, %[[P]]#1
func.func @dynamic_quantize(%x: tensor<?x4xf32>) -> (tensor<?x4xui8>, tensor<f32>, tensor<ui8>) {
  %0:3 = tern.dynamic_quantize_linear %x : (tensor<?x4xf32>) -> (tensor<?x4xui8>, tensor<f32>, tensor<ui8>)
  return %0#0, %0#1, %0#2 : tensor<?x4xui8>, tensor<f32>, tensor<ui8>
}

// -----

func.func @blocked_scale(%x: tensor<4x6xf32>, %s: tensor<4x2xf32>) -> tensor<4x6xui8> {
  // expected-error @+2 {{'tern.quantize_linear' op is not supported by the CPU lowering: scale and zero point must have one element or be a vector along `axis`}}
  // expected-error @+1 {{failed to legalize operation 'tern.quantize_linear'}}
  %0 = tern.quantize_linear %x, %s : (tensor<4x6xf32>, tensor<4x2xf32>) -> tensor<4x6xui8>
  return %0 : tensor<4x6xui8>
}
