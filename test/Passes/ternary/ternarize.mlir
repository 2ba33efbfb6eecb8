// RUN: ternion-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tern-ternarize,canonicalize))' | FileCheck %s
// RUN: ternion-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tern-ternarize{format=base3},canonicalize))' | FileCheck %s --check-prefix=BASE3
// RUN: ternion-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tern-ternarize{report}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT
// RUN: ternion-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tern-ternarize{mode=force},canonicalize))' 2>&1 | FileCheck %s --check-prefix=FORCE

// Deploy form: int8 codes, Cast, Mul by the scale; BitNet's absmax input
// quantization (127 * Reciprocal(Clip(ReduceMax(Abs(x)), eps))) and the Div
// by the same scale after the MatMul. One op, the quantization absorbed;
// the [K = 3, N = 2] codes are rows (1, -1, 0) and (0, 1, -1) of W, packed
// as i2 digits t + 1, four to a byte from the low bits, K padded with a
// zero weight (digit 1): (2, 0, 1, 1) -> 0x52, (1, 2, 0, 1) -> 0x49.
// CHECK-LABEL: func.func @deploy
// CHECK: %[[C:.*]] = tern.constant dense_resource<ternary> : tensor<2x1xi8>
// CHECK: %[[Y:.*]] = tern.ternary_linear %arg0, %[[C]] {input_eps = 9.99999974E-6 : f32, weight_format = #tern.ternary<i2>, weight_scale = 5.000000e-01 : f32} : (tensor<?x3xf32>, tensor<2x1xi8>) -> tensor<?x2xf32>
// CHECK-NEXT: return %[[Y]]
// CHECK: ternary: "0x400000005249"
// BASE3-LABEL: func.func @deploy
// BASE3: tern.ternary_linear {{.*}}weight_format = #tern.ternary<base3>
// REPORT: remark: tern-ternarize: 1 ternary layers, 0 forced, 0 ternary weights left f32 (float inputs)
func.func @deploy(%x: tensor<?x3xf32>) -> tensor<?x2xf32> {
  %codes = tern.constant dense<[[1, 0], [-1, 1], [0, -1]]> : tensor<3x2xi8>
  %scale = tern.constant dense<0.5> : tensor<f32>
  %eps = tern.constant dense<1.0e-5> : tensor<f32>
  %c127 = tern.constant dense<127.0> : tensor<f32>
  %lo = tern.constant dense<-128.0> : tensor<f32>
  %hi = tern.constant dense<127.0> : tensor<f32>
  %wf = tern.cast %codes {to = f32} : (tensor<3x2xi8>) -> tensor<3x2xf32>
  %w = tern.mul %wf, %scale : (tensor<3x2xf32>, tensor<f32>) -> tensor<3x2xf32>
  %abs = tern.abs %x : (tensor<?x3xf32>) -> tensor<?x3xf32>
  %max = tern.reduce_max %abs {axes = [-1]} : (tensor<?x3xf32>) -> tensor<?x1xf32>
  %clip = tern.clip %max min %eps : (tensor<?x1xf32>, tensor<f32>) -> tensor<?x1xf32>
  %r = tern.reciprocal %clip : (tensor<?x1xf32>) -> tensor<?x1xf32>
  %s = tern.mul %r, %c127 : (tensor<?x1xf32>, tensor<f32>) -> tensor<?x1xf32>
  %xs = tern.mul %x, %s : (tensor<?x3xf32>, tensor<?x1xf32>) -> tensor<?x3xf32>
  %round = tern.round %xs : (tensor<?x3xf32>) -> tensor<?x3xf32>
  %q = tern.clip %round min %lo max %hi : (tensor<?x3xf32>, tensor<f32>, tensor<f32>) -> tensor<?x3xf32>
  %y = tern.matmul %q, %w : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  %out = tern.div %y, %s : (tensor<?x2xf32>, tensor<?x1xf32>) -> tensor<?x2xf32>
  return %out : tensor<?x2xf32>
}

// -----

// The same with Cast and Mul folded into float weights, in tern.linear's
// [N, K] layout (as tern-fuse-linear leaves it), and the scale written
// 127 / m without a Clip (eps 0).
// CHECK-LABEL: func.func @folded_linear
// CHECK: tern.ternary_linear %arg0, %{{.*}} {input_eps = 0.000000e+00 : f32, weight_format = #tern.ternary<i2>, weight_scale = 2.500000e-01 : f32} : (tensor<2x5xf32>, tensor<3x2xi8>) -> tensor<2x3xf32>
// CHECK-NOT: tern.linear
func.func @folded_linear(%x: tensor<2x5xf32>) -> tensor<2x3xf32> {
  %w = tern.constant dense<[[0.25, -0.25, 0.0, 0.25, 0.0], [0.0, 0.0, 0.0, 0.0, 0.25], [-0.25, -0.25, -0.25, 0.25, 0.25]]> : tensor<3x5xf32>
  %c127 = tern.constant dense<127.0> : tensor<f32>
  %lo = tern.constant dense<-128.0> : tensor<f32>
  %hi = tern.constant dense<127.0> : tensor<f32>
  %abs = tern.abs %x : (tensor<2x5xf32>) -> tensor<2x5xf32>
  %max = tern.reduce_max %abs {axes = [1]} : (tensor<2x5xf32>) -> tensor<2x1xf32>
  %s = tern.div %c127, %max : (tensor<f32>, tensor<2x1xf32>) -> tensor<2x1xf32>
  %xs = tern.mul %s, %x : (tensor<2x1xf32>, tensor<2x5xf32>) -> tensor<2x5xf32>
  %round = tern.round %xs : (tensor<2x5xf32>) -> tensor<2x5xf32>
  %q = tern.clip %round min %lo max %hi : (tensor<2x5xf32>, tensor<f32>, tensor<f32>) -> tensor<2x5xf32>
  %y = tern.linear %q, %w : (tensor<2x5xf32>, tensor<3x5xf32>) -> tensor<2x3xf32>
  %out = tern.div %y, %s : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  return %out : tensor<2x3xf32>
}

// -----

// Training form: latent weights quantized in the graph (absmean: scale =
// mean |W|, Clip(Round(W / scale), -1, 1) * scale), then a Transpose (the
// exporter's W^T) into the MatMul. mean |W| = 0.5, so the weight is
// {-1, 0, 1} * 0.5.
// CHECK-LABEL: func.func @training
// CHECK: tern.ternary_linear %arg0, %{{.*}} {{{.*}}weight_scale = 5.000000e-01 : f32} : (tensor<1x4xf32>, tensor<2x1xi8>) -> tensor<1x2xf32>
// CHECK-NOT: tern.reduce_mean
func.func @training(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %latent = tern.constant dense<[[0.9, -0.1, 0.6, -0.4], [0.2, -0.8, 0.7, -0.3]]> : tensor<2x4xf32>
  %eps = tern.constant dense<1.0e-5> : tensor<f32>
  %one = tern.constant dense<1.0> : tensor<f32>
  %mone = tern.constant dense<-1.0> : tensor<f32>
  %c127 = tern.constant dense<127.0> : tensor<f32>
  %lo = tern.constant dense<-128.0> : tensor<f32>
  %hi = tern.constant dense<127.0> : tensor<f32>
  %wabs = tern.abs %latent : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %mean = tern.reduce_mean %wabs : (tensor<2x4xf32>) -> tensor<1x1xf32>
  %ws = tern.clip %mean min %eps : (tensor<1x1xf32>, tensor<f32>) -> tensor<1x1xf32>
  %wd = tern.div %latent, %ws : (tensor<2x4xf32>, tensor<1x1xf32>) -> tensor<2x4xf32>
  %wr = tern.round %wd : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %wc = tern.clip %wr min %mone max %one : (tensor<2x4xf32>, tensor<f32>, tensor<f32>) -> tensor<2x4xf32>
  %wq = tern.mul %wc, %ws : (tensor<2x4xf32>, tensor<1x1xf32>) -> tensor<2x4xf32>
  %wt = tern.transpose %wq {perm = array<i64: 1, 0>} : (tensor<2x4xf32>) -> tensor<4x2xf32>
  %abs = tern.abs %x : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %max = tern.reduce_max %abs {axes = [-1]} : (tensor<1x4xf32>) -> tensor<1x1xf32>
  %clip = tern.clip %max min %eps : (tensor<1x1xf32>, tensor<f32>) -> tensor<1x1xf32>
  %r = tern.reciprocal %clip : (tensor<1x1xf32>) -> tensor<1x1xf32>
  %s = tern.mul %c127, %r : (tensor<f32>, tensor<1x1xf32>) -> tensor<1x1xf32>
  %xs = tern.mul %x, %s : (tensor<1x4xf32>, tensor<1x1xf32>) -> tensor<1x4xf32>
  %round = tern.round %xs : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %q = tern.clip %round min %lo max %hi : (tensor<1x4xf32>, tensor<f32>, tensor<f32>) -> tensor<1x4xf32>
  %y = tern.matmul %q, %wt : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  %out = tern.div %y, %s : (tensor<1x2xf32>, tensor<1x1xf32>) -> tensor<1x2xf32>
  return %out : tensor<1x2xf32>
}

// -----

// A ternary weight whose input is not quantized stays f32 (an int8 kernel
// would change its result), and so does a weight that is not exactly
// ternary (two magnitudes). Under mode=force the second layer is rounded
// (absmean) with a warning, and the first too; the last layer, whose result
// is the function's, stays f32 either way.
// CHECK-LABEL: func.func @not_ternary
// CHECK-NOT: tern.ternary_linear
// REPORT: remark: tern-ternarize: 0 ternary layers, 0 forced, 1 ternary weights left f32 (float inputs)
// FORCE: warning: tern-ternarize: mode=force rounded 2 f32 linear layers to ternary weights and int8 inputs; the model's outputs change (lossy)
// FORCE-LABEL: func.func @not_ternary
// FORCE: tern.ternary_linear %arg0, {{.*}}weight_scale = 5.000000e-01 : f32
// FORCE: tern.ternary_linear {{.*}}weight_scale = 5.000000e-01 : f32
// FORCE: tern.linear
func.func @not_ternary(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w1 = tern.constant dense<[[0.5, -0.5], [0.0, 0.5]]> : tensor<2x2xf32>
  %w2 = tern.constant dense<[[0.5, -0.25], [0.75, 0.5]]> : tensor<2x2xf32>
  %w3 = tern.constant dense<[[0.5, -0.25], [0.0, 0.5]]> : tensor<2x2xf32>
  %y1 = tern.linear %x, %w1 : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  %y2 = tern.linear %y1, %w2 : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  %y3 = tern.linear %y2, %w3 : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %y3 : tensor<1x2xf32>
}

// -----

// The quantization's scale must be the one the result is divided by, and
// its Clip must bound to [-128, 127]: otherwise the layer stays as it is.
// CHECK-LABEL: func.func @wrong_divisor
// CHECK-NOT: tern.ternary_linear
func.func @wrong_divisor(%x: tensor<1x2xf32>, %other: tensor<1x1xf32>) -> tensor<1x2xf32> {
  %w = tern.constant dense<[[0.5, -0.5], [0.0, 0.5]]> : tensor<2x2xf32>
  %c127 = tern.constant dense<127.0> : tensor<f32>
  %lo = tern.constant dense<-128.0> : tensor<f32>
  %hi = tern.constant dense<127.0> : tensor<f32>
  %abs = tern.abs %x : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %max = tern.reduce_max %abs {axes = [-1]} : (tensor<1x2xf32>) -> tensor<1x1xf32>
  %s = tern.div %c127, %max : (tensor<f32>, tensor<1x1xf32>) -> tensor<1x1xf32>
  %xs = tern.mul %x, %s : (tensor<1x2xf32>, tensor<1x1xf32>) -> tensor<1x2xf32>
  %round = tern.round %xs : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %q = tern.clip %round min %lo max %hi : (tensor<1x2xf32>, tensor<f32>, tensor<f32>) -> tensor<1x2xf32>
  %y = tern.linear %q, %w : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  %out = tern.div %y, %other : (tensor<1x2xf32>, tensor<1x1xf32>) -> tensor<1x2xf32>
  return %out : tensor<1x2xf32>
}
