// RUN: ternion-opt %s --split-input-file --tern-lower-to-buffers --tern-cpu-ternary-kernels=isa=avx512-vnni | FileCheck %s --check-prefix=VNNI
// RUN: ternion-opt %s --split-input-file --tern-lower-to-buffers --tern-cpu-ternary-kernels=isa=avx2 | FileCheck %s --check-prefix=AVX2
// RUN: ternion-opt %s --split-input-file --tern-lower-to-buffers --tern-cpu-ternary-kernels=isa=generic | FileCheck %s --check-prefix=GENERIC
// RUN: ternion-opt %s --split-input-file --tern-lower-to-buffers --tern-cpu-ternary-kernels="isa=avx512-vnni parallel=false" | FileCheck %s --check-prefix=SERIAL
// RUN: not ternion-opt %s --split-input-file --tern-lower-to-buffers --tern-cpu-ternary-kernels=isa=neon 2>&1 | FileCheck %s --check-prefix=BADISA
// RUN: not ternion-opt %s --split-input-file --tern-lower-to-buffers --tern-cpu-ternary-kernels="isa=avx2 lut-chunk=64" 2>&1 | FileCheck %s --check-prefix=BADCHUNK

// The contraction of a ternary layer packed 64 lanes wide becomes the
// kernel: a parallel loop of output tiles, 64-byte loads of codes and of q,
// the digits unpacked in registers (shift and mask), and one vpdpbusd per
// 64 weights with AVX-512 VNNI. AVX2 reads 32-byte registers, so a 64-lane
// format runs the generic code there (widened i32 multiplies); no ternary
// contraction is left as a linalg op.
// VNNI-LABEL: func.func @i2
// VNNI: scf.forall
// VNNI: vector.load %{{.*}} : memref<8x64xi8>, vector<64xi8>
// VNNI: arith.shrui %{{.*}}, %{{.*}} : vector<64xi8>
// VNNI: arith.andi %{{.*}}, %{{.*}} : vector<64xi8>
// VNNI: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%{{.*}}, %{{.*}}, %{{.*}}) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// VNNI: vector.reduction <add>
// VNNI-NOT: tern.weight_format
// AVX2-LABEL: func.func @i2
// AVX2-NOT: llvm.call_intrinsic
// AVX2: arith.extui %{{.*}} : vector<64xi8> to vector<64xi32>
// AVX2: arith.muli %{{.*}}, %{{.*}} : vector<64xi32>
// GENERIC-LABEL: func.func @i2
// GENERIC-NOT: llvm.call_intrinsic
// SERIAL-LABEL: func.func @i2
// SERIAL-NOT: scf.forall
// SERIAL: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// BADISA: error: tern-cpu-ternary-kernels: unknown isa 'neon' (avx512-vnni, avx512bw, avx-vnni, avx2 or generic)
func.func @i2(%x: tensor<?x256xf32>) -> tensor<?x8xf32> {
  %c = tern.constant dense<[[0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39, 42, 45, 48, 51, 54, 57, 60, 63, 66, 69, 72, 75, 78, 0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39, 42, 45, 48, 51, 54, 57, 60, 63, 66, 69, 72, 75, 78, 0, 3, 6, 9, 12, 15, 18, 21, 24, 27], [7, 10, 13, 16, 19, 22, 25, 28, 31, 34, 37, 40, 43, 46, 49, 52, 55, 58, 61, 64, 67, 70, 73, 76, 79, 1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 34, 37, 40, 43, 46, 49, 52, 55, 58, 61, 64, 67, 70, 73, 76, 79, 1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 34], [14, 17, 20, 23, 26, 29, 32, 35, 38, 41, 44, 47, 50, 53, 56, 59, 62, 65, 68, 71, 74, 77, 80, 2, 5, 8, 11, 14, 17, 20, 23, 26, 29, 32, 35, 38, 41, 44, 47, 50, 53, 56, 59, 62, 65, 68, 71, 74, 77, 80, 2, 5, 8, 11, 14, 17, 20, 23, 26, 29, 32, 35, 38, 41], [21, 24, 27, 30, 33, 36, 39, 42, 45, 48, 51, 54, 57, 60, 63, 66, 69, 72, 75, 78, 0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39, 42, 45, 48, 51, 54, 57, 60, 63, 66, 69, 72, 75, 78, 0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39, 42, 45, 48], [28, 31, 34, 37, 40, 43, 46, 49, 52, 55, 58, 61, 64, 67, 70, 73, 76, 79, 1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 34, 37, 40, 43, 46, 49, 52, 55, 58, 61, 64, 67, 70, 73, 76, 79, 1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 34, 37, 40, 43, 46, 49, 52, 55], [35, 38, 41, 44, 47, 50, 53, 56, 59, 62, 65, 68, 71, 74, 77, 80, 2, 5, 8, 11, 14, 17, 20, 23, 26, 29, 32, 35, 38, 41, 44, 47, 50, 53, 56, 59, 62, 65, 68, 71, 74, 77, 80, 2, 5, 8, 11, 14, 17, 20, 23, 26, 29, 32, 35, 38, 41, 44, 47, 50, 53, 56, 59, 62], [42, 45, 48, 51, 54, 57, 60, 63, 66, 69, 72, 75, 78, 0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39, 42, 45, 48, 51, 54, 57, 60, 63, 66, 69, 72, 75, 78, 0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39, 42, 45, 48, 51, 54, 57, 60, 63, 66, 69], [49, 52, 55, 58, 61, 64, 67, 70, 73, 76, 79, 1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 34, 37, 40, 43, 46, 49, 52, 55, 58, 61, 64, 67, 70, 73, 76, 79, 1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 34, 37, 40, 43, 46, 49, 52, 55, 58, 61, 64, 67, 70, 73, 76]]> : tensor<8x64xi8>
  %y = tern.ternary_linear %x, %c {weight_format = #tern.ternary<i2, lanes = 64>, weight_scale = 1.0 : f32, input_eps = 0.0 : f32} : (tensor<?x256xf32>, tensor<8x64xi8>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// base3 32 lanes wide, with AVX2 instructions: digits from a running quotient
// (one division by 3 and a multiply-subtract each), vpmaddubsw and
// vpmaddwd on 32-byte registers.
// AVX2-LABEL: func.func @base3
// AVX2: arith.divui %{{.*}}, %{{.*}} : vector<32xi8>
// AVX2: arith.muli %{{.*}}, %{{.*}} : vector<32xi8>
// AVX2: arith.subi %{{.*}}, %{{.*}} : vector<32xi8>
// AVX2: llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"(%{{.*}}, %{{.*}}) : (vector<32xi8>, vector<32xi8>) -> vector<16xi16>
// AVX2: llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"
// AVX2-NOT: arith.remui %{{.*}} : vector<32xi8>
// VNNI-LABEL: func.func @base3
// VNNI: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"
func.func @base3(%x: tensor<?x160xf32>) -> tensor<?x8xf32> {
  %c = tern.constant dense<[[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31], [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36], [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41], [15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46], [20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51], [25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56], [30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61], [35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66]]> : tensor<8x32xi8>
  %y = tern.ternary_linear %x, %c {weight_format = #tern.ternary<base3, lanes = 32>, weight_scale = 1.0 : f32, input_eps = 0.0 : f32} : (tensor<?x160xf32>, tensor<8x32xi8>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// Codes in the lookup-table layout (#tern.ternary<pairs>, 64 rows a tile)
// get the lookup-table kernel: the tables of each row of q built once
// before the output tiles (low and high bytes of the 9 pair sums), then per
// 64-byte load of codes the two nibbles as indices, each table broadcast to
// every 128-bit lane and looked up with vpshufb (low and high bytes),
// interleaved into i16 (vpunpck*bw as vector.shuffle), summed in i16 and
// widened into the i32 accumulator in row order. Without x86, gathers.
// VNNI-LABEL: func.func @pairs
// VNNI: memref.alloc({{.*}}) : memref<?x4x32xi8>
// VNNI: arith.shrsi %{{.*}}, %{{.*}} : vector<16xi16>
// VNNI: scf.forall
// VNNI: vector.load %{{.*}} : memref<1x2x64xi8>, vector<64xi8>
// VNNI: arith.andi %{{.*}}, %{{.*}} : vector<64xi8>
// VNNI: arith.shrui %{{.*}}, %{{.*}} : vector<64xi8>
// VNNI: vector.shuffle {{.*}} : vector<16xi8>, vector<16xi8>
// VNNI: llvm.call_intrinsic "llvm.x86.avx512.pshuf.b.512"(%{{.*}}, %{{.*}}) : (vector<64xi8>, vector<64xi8>) -> vector<64xi8>
// VNNI: vector.bitcast %{{.*}} : vector<64xi8> to vector<32xi16>
// VNNI: arith.extsi %{{.*}} : vector<64xi16> to vector<64xi32>
// VNNI: memref.dealloc
// VNNI-NOT: tern.weight_format
// AVX2-LABEL: func.func @pairs
// AVX2-NOT: llvm.call_intrinsic
// AVX2: vector.gather
// GENERIC-LABEL: func.func @pairs
// GENERIC-NOT: llvm.call_intrinsic
// GENERIC: vector.gather
// BADCHUNK: error: tern-cpu-ternary-kernels: lut-chunk must be 1..63 (the i16 sums of more columns could overflow)
func.func @pairs(%x: tensor<?x8xf32>) -> tensor<?x64xf32> {
  %c = tern.constant dense<[[[0, 117, 81, 54, 18, -121, 99, 72, 36, 0, 117, 81, 54, 18, -121, 99, 72, 36, 0, 117, 81, 54, 18, -121, 99, 72, 36, 0, 117, 81, 54, 18, -121, 99, 72, 36, 0, 117, 81, 54, 18, -121, 99, 72, 36, 0, 117, 81, 54, 18, -121, 99, 72, 36, 0, 117, 81, 54, 18, -121, 99, 72, 36, 0], [19, -120, 100, 64, 37, 1, 118, 82, 55, 19, -120, 100, 64, 37, 1, 118, 82, 55, 19, -120, 100, 64, 37, 1, 118, 82, 55, 19, -120, 100, 64, 37, 1, 118, 82, 55, 19, -120, 100, 64, 37, 1, 118, 82, 55, 19, -120, 100, 64, 37, 1, 118, 82, 55, 19, -120, 100, 64, 37, 1, 118, 82, 55, 19]]]> : tensor<1x2x64xi8>
  %y = tern.ternary_linear %x, %c {weight_format = #tern.ternary<pairs, lanes = 64>, weight_scale = 1.0 : f32, input_eps = 0.0 : f32} : (tensor<?x8xf32>, tensor<1x2x64xi8>) -> tensor<?x64xf32>
  return %y : tensor<?x64xf32>
}

// -----

// 32 rows a tile with isa=avx2: vpshufb on ymm.
// AVX2-LABEL: func.func @pairs32
// AVX2: llvm.call_intrinsic "llvm.x86.avx2.pshuf.b"(%{{.*}}, %{{.*}}) : (vector<32xi8>, vector<32xi8>) -> vector<32xi8>
func.func @pairs32(%x: tensor<?x8xf32>) -> tensor<?x32xf32> {
  %c = tern.constant dense<[[[0, 117, 81, 54, 18, -121, 99, 72, 36, 0, 117, 81, 54, 18, -121, 99, 72, 36, 0, 117, 81, 54, 18, -121, 99, 72, 36, 0, 117, 81, 54, 18], [19, -120, 100, 64, 37, 1, 118, 82, 55, 19, -120, 100, 64, 37, 1, 118, 82, 55, 19, -120, 100, 64, 37, 1, 118, 82, 55, 19, -120, 100, 64, 37]]]> : tensor<1x2x32xi8>
  %y = tern.ternary_linear %x, %c {weight_format = #tern.ternary<pairs, lanes = 32>, weight_scale = 1.0 : f32, input_eps = 0.0 : f32} : (tensor<?x8xf32>, tensor<1x2x32xi8>) -> tensor<?x32xf32>
  return %y : tensor<?x32xf32>
}
