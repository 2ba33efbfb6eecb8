// RUN: ternion-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tern-approximate-math))' | FileCheck %s
// The numbers are checked elsewhere: ONNX's Exp, Tanh, Erf, Log, Softmax
// and Gelu node tests (test/Conformance) and every model against PyTorch
// (test/Models) run with these polynomials.

// f32 exp becomes a range reduction and a polynomial of plain arithmetic:
// no call remains for LLVM to scalarize.
// CHECK-LABEL: func.func @exp_f32
// CHECK-NOT: math.exp
// CHECK: math.fma
// CHECK: arith.shli
// CHECK-NOT: math.exp
func.func @exp_f32(%x: f32) -> f32 {
  %y = math.exp %x : f32
  return %y : f32
}

// -----

// Vectors of f32 too; tanh, erf and log are approximated as well.
// CHECK-LABEL: func.func @vector_and_others
// CHECK-NOT: math.exp
// CHECK-NOT: math.tanh
// CHECK-NOT: math.erf
// CHECK-NOT: math.log
// CHECK: return
func.func @vector_and_others(%v: vector<16xf32>, %x: f32) -> (vector<16xf32>, f32, f32, f32) {
  %e = math.exp %v : vector<16xf32>
  %t = math.tanh %x : f32
  %r = math.erf %x : f32
  %l = math.log %x : f32
  return %e, %t, %r, %l : vector<16xf32>, f32, f32, f32
}

// -----

// f64 keeps libm's exp (the approximations are f32), and functions outside
// the list (sin, used by rotary embeddings on positions) keep theirs.
// CHECK-LABEL: func.func @kept
// CHECK: math.exp %{{.*}} : f64
// CHECK: math.sin %{{.*}} : f32
func.func @kept(%x: f64, %y: f32) -> (f64, f32) {
  %e = math.exp %x : f64
  %s = math.sin %y : f32
  return %e, %s : f64, f32
}
