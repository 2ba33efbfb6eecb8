// RUN: ternion-opt %s --split-input-file --tern-pack-linear-weights="panel-width=2" | FileCheck %s
// RUN: ternion-opt %s --split-input-file --tern-pack-linear-weights="panel-width=2 report" -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: not ternion-opt %s --split-input-file --tern-pack-linear-weights="panel-width=0" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BADWIDTH
// BADWIDTH: error: tern-pack-linear-weights: panel-width must be positive
// RUN: ternion-opt %s --split-input-file --tern-pack-linear-weights="panel-width=2 element-type=f16" | FileCheck %s --check-prefix=F16
// RUN: ternion-opt %s --split-input-file --tern-pack-linear-weights="panel-width=2 element-type=f16" | ternion-opt --split-input-file | FileCheck %s --check-prefix=F16
// RUN: ternion-opt %s --split-input-file --tern-pack-linear-weights="panel-width=2 element-type=bf16" | FileCheck %s --check-prefix=BF16
// RUN: ternion-opt %s --split-input-file --tern-pack-linear-weights="panel-width=2 element-type=f16 report" -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT16
// RUN: not ternion-opt %s --split-input-file --tern-pack-linear-weights="panel-width=2 element-type=f8" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BADTYPE
// BADTYPE: error: tern-pack-linear-weights: element-type 'f8' is not f32, f16 or bf16

// A [4, 3] weight becomes two panels of [3, 2]: panel p, row k holds
// W[2p, k] and W[2p + 1, k]. The bias and the result keep N = 4.
// CHECK-LABEL: func.func @packs
// CHECK: %[[W:.*]] = tern.constant dense_resource<panels> : tensor<2x3x2xf32>
// CHECK: tern.linear %arg0, %[[W]], %{{.*}} {weight_format = #tern.panels<2>} : (tensor<?x3xf32>, tensor<2x3x2xf32>, tensor<4xf32>) -> tensor<?x4xf32>
// CHECK-NOT: tensor<4x3xf32>
// The packed bytes, after the 64-byte alignment word:
// p0 = [[1, 4], [2, 5], [3, 6]], p1 = [[7, 10], [8, 11], [9, 12]].
// CHECK: panels: "0x400000000000803F00008040000000400000A040000040400000C0400000E0400000204100000041000030410000104100004041"
// REPORT: remark: tern-pack-linear-weights: 1 weights packed into panels of 2, 0 kept [N, K]
// With element-type=f16 or bf16 (ternion-compile --weights-dtype) the same
// panels hold 16-bit values, rounded to nearest even; input and result stay
// f32 (the kernels widen in registers).
// F16: %[[W:.*]] = tern.constant dense_resource<panels> : tensor<2x3x2xf16>
// F16: tern.linear %arg0, %[[W]], %{{.*}} {weight_format = #tern.panels<2>} : (tensor<?x3xf32>, tensor<2x3x2xf16>, tensor<4xf32>) -> tensor<?x4xf32>
// F16: panels: "0x40000000003C0044004000450042004600470049004880498048004A"
// BF16: tensor<2x3x2xbf16>
// BF16: panels: "0x40000000803F80400040A0404040C040E04020410041304110414041"
// REPORT16: remark: tern-pack-linear-weights: 1 weights packed into panels of 2 as f16, 0 kept [N, K]
func.func @packs(%x: tensor<?x3xf32>) -> tensor<?x4xf32> {
  %w = tern.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0], [10.0, 11.0, 12.0]]> : tensor<4x3xf32>
  %b = tern.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %y = tern.linear %x, %w, %b : (tensor<?x3xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

// Kept [N, K]: N = 3 is not a multiple of the panel width, the weight is not
// a constant, or it is not f32; a weight already in panels is left alone.
// CHECK-LABEL: func.func @keeps
// CHECK: tern.linear %arg0, %{{.*}} : (tensor<?x3xf32>, tensor<3x3xf32>) -> tensor<?x3xf32>
// CHECK: tern.linear %arg0, %arg1 : (tensor<?x3xf32>, tensor<4x3xf32>) -> tensor<?x4xf32>
// CHECK: tern.linear %arg2, %{{.*}} : (tensor<?x3xf16>, tensor<4x3xf16>) -> tensor<?x4xf16>
// CHECK: tern.linear %arg0, %{{.*}} {weight_format = #tern.panels<4>} : (tensor<?x3xf32>, tensor<1x3x4xf32>) -> tensor<?x4xf32>
// REPORT: remark: tern-pack-linear-weights: 0 weights packed into panels of 2, 3 kept [N, K]
func.func @keeps(%x: tensor<?x3xf32>, %wArg: tensor<4x3xf32>, %h: tensor<?x3xf16>)
    -> (tensor<?x3xf32>, tensor<?x4xf32>, tensor<?x4xf16>, tensor<?x4xf32>) {
  %w3 = tern.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]> : tensor<3x3xf32>
  %0 = tern.linear %x, %w3 : (tensor<?x3xf32>, tensor<3x3xf32>) -> tensor<?x3xf32>
  %1 = tern.linear %x, %wArg : (tensor<?x3xf32>, tensor<4x3xf32>) -> tensor<?x4xf32>
  %wh = tern.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0], [1.0, 2.0, 3.0]]> : tensor<4x3xf16>
  %2 = tern.linear %h, %wh : (tensor<?x3xf16>, tensor<4x3xf16>) -> tensor<?x4xf16>
  %wp = tern.constant dense<[[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0]]]> : tensor<1x3x4xf32>
  %3 = tern.linear %x, %wp {weight_format = #tern.panels<4>} : (tensor<?x3xf32>, tensor<1x3x4xf32>) -> tensor<?x4xf32>
  return %0, %1, %2, %3 : tensor<?x3xf32>, tensor<?x4xf32>, tensor<?x4xf16>, tensor<?x4xf32>
}

// -----

// A weight that is also read elsewhere (a tied embedding) stays for that
// use; the linear gets a packed copy.
// CHECK-LABEL: func.func @shared
// CHECK: %[[ROWS:.*]] = tern.constant dense<{{.*}}> : tensor<2x2xf32>
// CHECK: tern.gather %[[ROWS]]
// CHECK: %[[PANELS:.*]] = tern.constant dense_resource<panels> : tensor<1x2x2xf32>
// CHECK: tern.linear %{{.*}}, %[[PANELS]] {weight_format = #tern.panels<2>}
func.func @shared(%ids: tensor<3xi64>) -> tensor<3x2xf32> {
  %w = tern.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %e = tern.gather %w, %ids : (tensor<2x2xf32>, tensor<3xi64>) -> tensor<3x2xf32>
  %y = tern.linear %e, %w : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}
