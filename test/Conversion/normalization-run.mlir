// Numeric run test of Softmax, LogSoftmax and LayerNormalization through the
// whole CPU pipeline; expected values from numpy (Inputs/gen_compute_run_tests.py).
// RUN: ternion-opt %s --tern-lower-to-llvm | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}
func.func private @printMemrefI64(memref<*xi64>) attributes {llvm.emit_c_interface}
func.func private @printMemrefI32(memref<*xi32>) attributes {llvm.emit_c_interface}

func.func @main() {
  %v0 = arith.constant dense<[[[-0.0, -0.875, 2.375, 1.25], [-0.0, 1.375, -0.625, 2.125], [-0.0, 1.125, -2.625, 0.75]], [[-3.375, -4.125, -0.625, -1.75], [0.375, 4.5, -1.625, -1.25], [0.375, 1.0, -0.375, -0.375]]]> : tensor<2x3x4xf32>
  %v0d = tensor.cast %v0 : tensor<2x3x4xf32> to tensor<2x?x4xf32>
  // softmax axis -1
  %r1 = tern.softmax %v0d : (tensor<2x?x4xf32>) -> tensor<2x?x4xf32>
  %m2 = bufferization.to_buffer %r1 : tensor<2x?x4xf32> to memref<2x?x4xf32>
  %u2 = memref.cast %m2 : memref<2x?x4xf32> to memref<*xf32>
  func.call @printMemrefF32(%u2) : (memref<*xf32>) -> ()
  // softmax axis 1 (dynamic)
  %r3 = tern.softmax %v0d {axis = 1 : i64} : (tensor<2x?x4xf32>) -> tensor<2x?x4xf32>
  %m4 = bufferization.to_buffer %r3 : tensor<2x?x4xf32> to memref<2x?x4xf32>
  %u4 = memref.cast %m4 : memref<2x?x4xf32> to memref<*xf32>
  func.call @printMemrefF32(%u4) : (memref<*xf32>) -> ()
  %v5 = arith.constant dense<[[1000.0, 1001.0, 1002.0, 1003.0], [-1000.0, 0.0, 1000.0, 1000.0]]> : tensor<2x4xf32>
  %v5d = tensor.cast %v5 : tensor<2x4xf32> to tensor<?x4xf32>
  // softmax large numbers
  %r6 = tern.softmax %v5d : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %m7 = bufferization.to_buffer %r6 : tensor<?x4xf32> to memref<?x4xf32>
  %u7 = memref.cast %m7 : memref<?x4xf32> to memref<*xf32>
  func.call @printMemrefF32(%u7) : (memref<*xf32>) -> ()
  // log_softmax axis 0
  %r8 = tern.log_softmax %v0d {axis = 0 : i64} : (tensor<2x?x4xf32>) -> tensor<2x?x4xf32>
  %m9 = bufferization.to_buffer %r8 : tensor<2x?x4xf32> to memref<2x?x4xf32>
  %u9 = memref.cast %m9 : memref<2x?x4xf32> to memref<*xf32>
  func.call @printMemrefF32(%u9) : (memref<*xf32>) -> ()
  // log_softmax large numbers
  %r10 = tern.log_softmax %v5d : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %m11 = bufferization.to_buffer %r10 : tensor<?x4xf32> to memref<?x4xf32>
  %u11 = memref.cast %m11 : memref<?x4xf32> to memref<*xf32>
  func.call @printMemrefF32(%u11) : (memref<*xf32>) -> ()
  %v12 = arith.constant dense<[0.75, 0.5, -1.0, -0.125]> : tensor<4xf32>
  %v13 = arith.constant dense<[0.0, -1.0, 0.25, -0.875]> : tensor<4xf32>
  // layer_norm axis -1 with bias
  %r14 = tern.layer_norm %v0d, %v12, %v13 : (tensor<2x?x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x?x4xf32>
  %m15 = bufferization.to_buffer %r14 : tensor<2x?x4xf32> to memref<2x?x4xf32>
  %u15 = memref.cast %m15 : memref<2x?x4xf32> to memref<*xf32>
  func.call @printMemrefF32(%u15) : (memref<*xf32>) -> ()
  %v16 = arith.constant dense<[[1.0, 0.25, 0.125, -0.625], [-0.125, -2.0, -1.125, 0.375], [-2.125, 0.875, -1.75, 0.75]]> : tensor<3x4xf32>
  // layer_norm axis 1 epsilon 0.5 no bias
  %r17 = tern.layer_norm %v0d, %v16 {axis = 1 : i64, epsilon = 0.5 : f32} : (tensor<2x?x4xf32>, tensor<3x4xf32>) -> tensor<2x?x4xf32>
  %m18 = bufferization.to_buffer %r17 : tensor<2x?x4xf32> to memref<2x?x4xf32>
  %u18 = memref.cast %m18 : memref<2x?x4xf32> to memref<*xf32>
  func.call @printMemrefF32(%u18) : (memref<*xf32>) -> ()
  %v19 = arith.constant dense<[2.0]> : tensor<1xf32>
  // layer_norm axis 0, broadcast scale
  %r20 = tern.layer_norm %v0d, %v19 {axis = 0 : i64} : (tensor<2x?x4xf32>, tensor<1xf32>) -> tensor<2x?x4xf32>
  %m21 = bufferization.to_buffer %r20 : tensor<2x?x4xf32> to memref<2x?x4xf32>
  %u21 = memref.cast %m21 : memref<2x?x4xf32> to memref<*xf32>
  func.call @printMemrefF32(%u21) : (memref<*xf32>) -> ()
  return
}

// softmax axis -1
// CHECK: rank = 3 offset = 0 sizes = [2, 3, 4]
// CHECK-NEXT: {{^ *\[*}}{{0\.06386[0-9]*, +0\.02662[0-9]*, +0\.6866[0-9]*, +0\.2229[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0\.07213[0-9]*, +0\.2852[0-9]*, +0\.03861[0-9]*, +0\.6039[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0\.1594[0-9]*, +0\.4912[0-9]*, +0\.01155[0-9]*, +0\.3376[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0\.04505[0-9]*, +0\.02128[0-9]*, +0\.7048[0-9]*, +0\.2288[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0\.01582[0-9]*, +0\.9789[0-9]*, +0\.002141[0-9]*, +0\.003115[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0\.2622[0-9]*, +0\.4899[0-9]*, +0\.1238[0-9]*, +0\.1238[0-9]*}}{{\]+,? *$}}
// softmax axis 1 (dynamic)
// CHECK: rank = 3 offset = 0 sizes = [2, 3, 4]
// CHECK-NEXT: {{^ *\[*}}{{0\.3333[0-9]*, +0\.05593[0-9]*, +0\.9464[0-9]*, +0\.2496[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0\.3333[0-9]*, +0\.5307[0-9]*, +0\.04712[0-9]*, +0\.5989[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0\.3333[0-9]*, +0\.4133[0-9]*, +0\.006377[0-9]*, +0\.1514[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0\.01162[0-9]*, +0\.0001742[0-9]*, +0\.3770[0-9]*, +0\.1514[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0\.4941[0-9]*, +0\.9705[0-9]*, +0\.1387[0-9]*, +0\.2496[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0\.4941[0-9]*, +0\.02930[0-9]*, +0\.4841[0-9]*, +0\.5989[0-9]*}}{{\]+,? *$}}
// softmax large numbers
// CHECK: rank = 2 offset = 0 sizes = [2, 4]
// CHECK-NEXT: {{^ *\[*}}{{0\.03205[0-9]*, +0\.08714[0-9]*, +0\.2368[0-9]*, +0\.6439[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-?0, +-?0, +0\.5[0-9]*, +0\.5[0-9]*}}{{\]+,? *$}}
// log_softmax axis 0
// CHECK: rank = 3 offset = 0 sizes = [2, 3, 4]
// CHECK-NEXT: {{^ *\[*}}{{-0\.03364[0-9]*, +-0\.03804[0-9]*, +-0\.04858[0-9]*, +-0\.04858[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.8981[0-9]*, +-3\.168[0-9]*, +-0\.3132[0-9]*, +-0\.03364[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.8981[0-9]*, +-0\.6325[0-9]*, +-2\.350[0-9]*, +-0\.2811[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-3\.408[0-9]*, +-3\.288[0-9]*, +-3\.048[0-9]*, +-3\.048[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.5231[0-9]*, +-0\.04299[0-9]*, +-1\.313[0-9]*, +-3\.408[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.5231[0-9]*, +-0\.7575[0-9]*, +-0\.1002[0-9]*, +-1\.406[0-9]*}}{{\]+,? *$}}
// log_softmax large numbers
// CHECK: rank = 2 offset = 0 sizes = [2, 4]
// CHECK-NEXT: {{^ *\[*}}{{-3\.440[0-9]*, +-2\.440[0-9]*, +-1\.440[0-9]*, +-0\.4401[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-2000\.[0-9]*, +-1000\.[0-9]*, +-0\.6931[0-9]*, +-0\.6931[0-9]*}}{{\]+,? *$}}
// layer_norm axis -1 with bias
// CHECK: rank = 3 offset = 0 sizes = [2, 3, 4]
// CHECK-NEXT: {{^ *\[*}}{{-0\.4182[0-9]*, +-1\.633[0-9]*, +-1\.118[0-9]*, +-0\.9320[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.4956[0-9]*, +-0\.6982[0-9]*, +1\.485[0-9]*, +-1\.036[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0\.09602[0-9]*, +-0\.5518[0-9]*, +1\.914[0-9]*, +-0\.9550[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.4970[0-9]*, +-1\.605[0-9]*, +-1\.098[0-9]*, +-0\.9406[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.03860[0-9]*, +-0\.1765[0-9]*, +1\.124[0-9]*, +-0\.7849[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0\.2851[0-9]*, +-0\.2667[0-9]*, +1\.173[0-9]*, +-0\.7595[0-9]*}}{{\]+,? *$}}
// layer_norm axis 1 epsilon 0.5 no bias
// CHECK: rank = 3 offset = 0 sizes = [2, 3, 4]
// CHECK-NEXT: {{^ *\[*}}{{-0\.2683[0-9]*, +-0\.2115[0-9]*, +0\.1625[0-9]*, +-0\.3483[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0\.03354[0-9]*, +-1\.279[0-9]*, +0\.7663[0-9]*, +0\.4257[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0\.5702[0-9]*, +0\.4154[0-9]*, +3\.503[0-9]*, +0\.1702[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-1\.244[0-9]*, +-0\.3953[0-9]*, +-0\.001169[0-9]*, +0\.3216[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.05496[0-9]*, +-4\.584[0-9]*, +0\.5157[0-9]*, +-0\.1087[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-0\.9344[0-9]*, +0\.6303[0-9]*, +-0\.1801[0-9]*, +0\.07719[0-9]*}}{{\]+,? *$}}
// layer_norm axis 0, broadcast scale
// CHECK: rank = 3 offset = 0 sizes = [2, 3, 4]
// CHECK-NEXT: {{^ *\[*}}{{0\.1076[0-9]*, +-0\.8441[0-9]*, +2\.691[0-9]*, +1\.467[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0\.1076[0-9]*, +1\.603[0-9]*, +-0\.5722[0-9]*, +2\.419[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0\.1076[0-9]*, +1\.331[0-9]*, +-2\.747[0-9]*, +0\.9235[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{-3\.563[0-9]*, +-4\.379[0-9]*, +-0\.5722[0-9]*, +-1\.796[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0\.5155[0-9]*, +5\.002[0-9]*, +-1\.660[0-9]*, +-1\.252[0-9]*}}{{\]+,? *$}}
// CHECK-NEXT: {{^ *\[*}}{{0\.5155[0-9]*, +1\.195[0-9]*, +-0\.3002[0-9]*, +-0\.3002[0-9]*}}{{\]+,? *$}}
