// tern-widen-weights: a 16-bit constant cast to f32 becomes an f32 constant
// with the same values (exactly); other casts and constants are left alone.
// RUN: ternion-opt %s --split-input-file --tern-widen-weights=report=true --verify-diagnostics | FileCheck %s
// RUN: ternion-opt %s --split-input-file --tern-widen-weights | ternion-opt --split-input-file | FileCheck %s

// f16: 1.0, -2.0, 0.5 and the smallest subnormal, 2^-24.
// CHECK-LABEL: func.func @f16(
// CHECK: %[[W:.*]] = tern.constant dense_resource<widened> : tensor<2x2xf32>
// CHECK-NOT: tern.cast
// CHECK: return %[[W]]
// CHECK: widened: "0x400000000000803F000000C00000003F00008033"
// expected-remark @below {{tern-widen-weights: 1 16-bit weights widened to f32 (16 bytes)}}
func.func @f16() -> tensor<2x2xf32> {
  %w = tern.constant dense_resource<w16> : tensor<2x2xf16>
  %f = tern.cast %w {to = f32} : (tensor<2x2xf16>) -> tensor<2x2xf32>
  return %f : tensor<2x2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w16: "0x02000000003C00C000380100"
    }
  }
#-}

// -----

// bf16: the f32 bits are the bf16 bits shifted up: 1.0 and -3.0.
// CHECK-LABEL: func.func @bf16(
// CHECK: %[[W:.*]] = tern.constant dense_resource<widened> : tensor<2xf32>
// CHECK: return %[[W]]
// CHECK: widened: "0x400000000000803F000040C0"
// expected-remark @below {{tern-widen-weights: 1 16-bit weights widened to f32 (8 bytes)}}
func.func @bf16() -> tensor<2xf32> {
  %w = tern.constant dense_resource<w16> : tensor<2xbf16>
  %f = tern.cast %w {to = f32} : (tensor<2xbf16>) -> tensor<2xf32>
  return %f : tensor<2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w16: "0x02000000803F40C0"
    }
  }
#-}

// -----

// A cast to another type, or of a computed value, stays.
// CHECK-LABEL: func.func @other(
// CHECK: tern.cast %{{.*}} {to = f64}
// CHECK: tern.cast %arg0 {to = f32}
// expected-remark @below {{tern-widen-weights: 0 16-bit weights widened to f32 (0 bytes)}}
func.func @other(%x: tensor<2xf16>) -> (tensor<2xf64>, tensor<2xf32>) {
  %w = tern.constant dense_resource<w16> : tensor<2xf16>
  %d = tern.cast %w {to = f64} : (tensor<2xf16>) -> tensor<2xf64>
  %f = tern.cast %x {to = f32} : (tensor<2xf16>) -> tensor<2xf32>
  return %d, %f : tensor<2xf64>, tensor<2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w16: "0x02000000003C00C0"
    }
  }
#-}
