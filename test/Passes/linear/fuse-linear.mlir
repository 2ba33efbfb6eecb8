// RUN: ternion-opt %s --split-input-file --tern-fuse-linear | FileCheck %s
// RUN: ternion-opt %s --split-input-file --tern-fuse-linear=report -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: ternion-opt %s --split-input-file --tern-fuse-linear="fuse-bias=false" | FileCheck %s --check-prefix=NOBIAS

// torch's nn.Linear on 3-D input: MatMul with a folded [K, N] weight, then
// a bias Add. The weight is transposed once to [N, K].
// CHECK-LABEL: func.func @matmul_bias
// CHECK-DAG: %[[W:.*]] = tern.constant dense_resource<transposed> : tensor<3x2xf32>
// CHECK-DAG: %[[B:.*]] = tern.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]>
// CHECK: %[[Y:.*]] = tern.linear %arg0, %[[W]], %[[B]] : (tensor<?x?x2xf32>, tensor<3x2xf32>, tensor<3xf32>) -> tensor<?x?x3xf32>
// CHECK-NEXT: return %[[Y]]
// The transposed blob holds [[1, 4], [2, 5], [3, 6]] (after a 64-byte alignment word).
// CHECK: transposed: "0x400000000000803F00008040000000400000A040000040400000C040"
// REPORT: remark: tern-fuse-linear: 1 matmul, 0 gemm fused into tern.linear; 1 bias adds folded; 1 weights transposed
// NOBIAS-LABEL: func.func @matmul_bias
// NOBIAS: tern.linear %arg0, %{{.*}} : (tensor<?x?x2xf32>, tensor<3x2xf32>) -> tensor<?x?x3xf32>
// NOBIAS: tern.add
func.func @matmul_bias(%x: tensor<?x?x2xf32>) -> tensor<?x?x3xf32> {
  %w = tern.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %b = tern.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %0 = tern.matmul %x, %w : (tensor<?x?x2xf32>, tensor<2x3xf32>) -> tensor<?x?x3xf32>
  %1 = tern.add %0, %b : (tensor<?x?x3xf32>, tensor<3xf32>) -> tensor<?x?x3xf32>
  return %1 : tensor<?x?x3xf32>
}

// -----

// An explicit Transpose of a constant needs no copy.
// CHECK-LABEL: func.func @matmul_transpose
// CHECK: %[[W:.*]] = tern.constant dense<{{.*}}> : tensor<3x2xf32>
// CHECK-NOT: tern.transpose
// CHECK: tern.linear %arg0, %[[W]] :
// REPORT: remark: tern-fuse-linear: 1 matmul, 0 gemm fused into tern.linear; 0 bias adds folded; 0 weights transposed
func.func @matmul_transpose(%x: tensor<4x2xf32>) -> tensor<4x3xf32> {
  %w = tern.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %t = tern.transpose %w {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  %0 = tern.matmul %x, %t : (tensor<4x2xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// Gemm with transB=1 already has the [N, K] layout.
// CHECK-LABEL: func.func @gemm
// CHECK: tern.linear %arg0, %{{.*}}, %{{.*}} : (tensor<4x2xf32>, tensor<3x2xf32>, tensor<3xf32>) -> tensor<4x3xf32>
// REPORT: remark: tern-fuse-linear: 0 matmul, 1 gemm fused
func.func @gemm(%x: tensor<4x2xf32>) -> tensor<4x3xf32> {
  %w = tern.constant dense<1.0> : tensor<3x2xf32>
  %b = tern.constant dense<0.5> : tensor<3xf32>
  %0 = tern.gemm %x, %w, %b {trans_b = true} : (tensor<4x2xf32>, tensor<3x2xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// Not linear layers: attention scores (no constant operand), a scaled Gemm,
// and a bias that broadcasts over rows.
// CHECK-LABEL: func.func @negatives
// CHECK-NOT: tern.linear
// CHECK: tern.matmul
// CHECK: tern.gemm
// CHECK: tern.gemm
// REPORT: remark: tern-fuse-linear: 0 matmul, 0 gemm fused
func.func @negatives(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x8x4xf32>, %x: tensor<4x2xf32>) -> (tensor<1x2x4x4xf32>, tensor<4x3xf32>, tensor<4x3xf32>) {
  %0 = tern.matmul %q, %k : (tensor<1x2x4x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x4x4xf32>
  %w = tern.constant dense<1.0> : tensor<3x2xf32>
  %1 = tern.gemm %x, %w {trans_b = true, alpha = 2.0 : f32} : (tensor<4x2xf32>, tensor<3x2xf32>) -> tensor<4x3xf32>
  %c = tern.constant dense<1.0> : tensor<4x1xf32>
  %2 = tern.gemm %x, %w, %c {trans_b = true} : (tensor<4x2xf32>, tensor<3x2xf32>, tensor<4x1xf32>) -> tensor<4x3xf32>
  return %0, %1, %2 : tensor<1x2x4x4xf32>, tensor<4x3xf32>, tensor<4x3xf32>
}

// -----

// A bias folds into a linear whose weight is already in panels: N is the
// panels times their width (2 x 2), and the layout is kept.
// CHECK-LABEL: func.func @panels_bias
// CHECK: %[[Y:.*]] = tern.linear %arg0, %{{.*}}, %{{.*}} {weight_format = #tern.panels<2>} : (tensor<?x3xf32>, tensor<2x3x2xf32>, tensor<4xf32>) -> tensor<?x4xf32>
// CHECK-NEXT: return %[[Y]]
func.func @panels_bias(%x: tensor<?x3xf32>) -> tensor<?x4xf32> {
  %w = tern.constant dense<1.0> : tensor<2x3x2xf32>
  %b = tern.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %0 = tern.linear %x, %w {weight_format = #tern.panels<2>} : (tensor<?x3xf32>, tensor<2x3x2xf32>) -> tensor<?x4xf32>
  %1 = tern.add %0, %b : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return %1 : tensor<?x4xf32>
}
