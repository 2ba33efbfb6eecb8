// RUN: ternion-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(func.func(tern-quantize{method=sinq bits=4 group-size=8 report}),canonicalize)' | FileCheck %s --check-prefix=SINQ
// RUN: ternion-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tern-quantize{method=rtn bits=3 group-size=16}),canonicalize)' | FileCheck %s --check-prefix=RTN
// Round trip of the result through the parser.
// RUN: ternion-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tern-quantize{method=sinq bits=4 group-size=8}))' | ternion-opt --split-input-file | FileCheck %s --check-prefix=SINQ

// A layer with a bias and a partial last group (K = 20): [N, 3 groups].
// SINQ-LABEL: func.func @layer
// SINQ-DAG: %[[CODES:.*]] = tern.constant dense_resource<quantized{{.*}}> : tensor<3x12xi8>
// SINQ-DAG: %[[SCALES:.*]] = tern.constant dense_resource<scales{{.*}}> : tensor<3x3xf16>
// SINQ-DAG: %[[ZEROS:.*]] = tern.constant dense_resource<zeros{{.*}}> : tensor<3x3xf16>
// SINQ-DAG: %[[COLUMNS:.*]] = tern.constant dense_resource<column_scales{{.*}}> : tensor<20xf32>
// SINQ: tern.quantized_linear %{{.*}}, %[[CODES]], %[[SCALES]], %[[ZEROS]] column_scales %[[COLUMNS]] bias %{{.*}} {weight_format = #tern.group_quantized<bits = 4, group = 8, column_scales = true>} : (tensor<?x?x20xf32>, tensor<3x12xi8>, tensor<3x3xf16>, tensor<3x3xf16>, tensor<20xf32>, tensor<3xf32>) -> tensor<?x?x3xf32>
// SINQ-NOT: tern.linear
// RTN-LABEL: func.func @layer
// RTN: tern.quantized_linear %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^ ]*}} bias %{{.*}} {weight_format = #tern.group_quantized<bits = 3, group = 16, column_scales = false>} : (tensor<?x?x20xf32>, tensor<3x12xi8>, tensor<3x2xf16>, tensor<3x2xf16>, tensor<3xf32>) -> tensor<?x?x3xf32>
// expected-remark @below {{tern-quantize: 1 layers sinq 4-bit, group 8, 20.267 bits per weight; 0 left f32}}
func.func @layer(%x: tensor<?x?x20xf32>) -> tensor<?x?x3xf32> {
  %w = tern.constant dense<[[0.1, -0.2, 0.3, 0.05, 0.0, 0.7, -0.4, 0.25, 0.1, 0.1, -0.3, 0.2, 0.15, -0.05, 0.6, -0.6, 0.0, 0.1, 0.2, 0.3],
                            [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0],
                            [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, 2.0, 2.0, 2.0, -2.0]]> : tensor<3x20xf32>
  %b = tern.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %y = tern.linear %x, %w, %b : (tensor<?x?x20xf32>, tensor<3x20xf32>, tensor<3xf32>) -> tensor<?x?x3xf32>
  return %y : tensor<?x?x3xf32>
}

// -----

// A weight that is not a constant stays f32 and is counted.
// SINQ-LABEL: func.func @computed_weight
// SINQ: tern.linear
// RTN-LABEL: func.func @computed_weight
// RTN: tern.linear
// expected-remark @below {{tern-quantize: 0 layers sinq 4-bit, group 8, 0.000 bits per weight; 1 left f32}}
func.func @computed_weight(%x: tensor<?x16xf32>, %w: tensor<2x16xf32>) -> tensor<?x2xf32> {
  %y = tern.linear %x, %w : (tensor<?x16xf32>, tensor<2x16xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}
