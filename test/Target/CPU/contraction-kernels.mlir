// RUN: ternion-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tern-contraction-kernels))' | FileCheck %s
// RUN: ternion-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tern-contraction-kernels{parallel=false tile-m=32 dot-rows=2 dot-cols=3}))' | FileCheck %s --check-prefix=SERIAL
// RUN: ternion-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tern-contraction-kernels))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=WARN

// tern.linear's form, dynamic M, K = 19 (one full vector and a masked tail):
// 128x32 output tiles in an scf.forall, K blocks of 1024 (one here; the tail
// is masked in the block that reaches K; a tile with fewer rows than a
// register tile takes K whole), 3x8 register tiles of 16-lane FMAs, then 1x8
// tiles for the rows left and 1x1 tiles for the columns left.
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @linear
// CHECK-NOT: linalg.generic
// CHECK: scf.forall (%[[M:.*]], %[[N:.*]]) = (0, 0) to (%{{.*}}, 67) step (128, 32)
// CHECK: %[[X:.*]] = memref.subview %arg0[%[[M]], 0]
// CHECK: %[[W:.*]] = memref.subview %arg1[%[[N]], 0]
// CHECK: %[[Y:.*]] = memref.subview %arg2[%[[M]], %[[N]]]
// CHECK: %[[STEP:.*]] = arith.select %{{.*}}, %c1024, %{{.*}} : index
// CHECK: scf.for %[[KB:.*]] = %{{.*}} to %{{.*}} step %[[STEP]]
// CHECK: %[[END:.*]] = arith.addi %[[KB]], %[[STEP]]
// CHECK: arith.cmpi uge, %[[END]]
// CHECK: %[[MASK:.*]] = vector.create_mask %{{.*}} : vector<16xi1>
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>{{(, vector<16xf32>){23} *}})
// CHECK: vector.load %[[X]]{{.*}} vector<16xf32>
// CHECK: vector.load %[[W]]{{.*}} vector<16xf32>
// CHECK: vector.fma
// CHECK: scf.yield
// CHECK: vector.maskedload %[[X]]{{.*}}, %[[MASK]]
// The 8 sums of a row: a shuffle-and-add tree, one 8-lane update of y.
// CHECK-COUNT-4: vector.shuffle %{{.*}}, %{{.*}} [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23] : vector<16xf32>, vector<16xf32>
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 4, 2, 6, 1, 5, 3, 7] : vector<8xf32>, vector<8xf32>
// CHECK: vector.load %[[Y]]{{.*}} vector<8xf32>
// CHECK: vector.store %{{.*}}, %[[Y]]
// CHECK: -> (vector<16xf32>{{(, vector<16xf32>){7} *}})
// CHECK: -> (vector<16xf32>)
// CHECK: vector.reduction <add>, %{{.*}} fastmath<reassoc> : vector<16xf32> into f32
// CHECK: memref.load %[[Y]]
// CHECK: memref.store %{{.*}}, %[[Y]]
// SERIAL-LABEL: func.func @linear
// SERIAL-NOT: scf.forall
// SERIAL: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c32
// SERIAL: -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
func.func @linear(%x: memref<?x19xf32>, %w: memref<67x19xf32>, %y: memref<?x67xf32>) {
  linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<?x19xf32>, memref<67x19xf32>) outs(%y : memref<?x67xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A multiple of the vector width needs no masked K step.
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @linear_exact_k
// CHECK: scf.forall
// CHECK-NOT: vector.maskedload
// CHECK: return
func.func @linear_exact_k(%x: memref<?x64xf32>, %w: memref<128x64xf32>, %y: memref<?x128xf32>) {
  linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<?x64xf32>, memref<128x64xf32>) outs(%y : memref<?x128xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %b, %a : f32
    %s = arith.addf %p, %c : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// MatMul's form: K blocks of 256 whose 256x32 panels of b are packed into a
// per-tile buffer, 8x2-vector outer-product tiles (a broadcast per row)
// reading the panel, 1-row tiles, then masked single-vector column tiles.
#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @matmul
// CHECK: scf.forall (%[[M:.*]], %[[N:.*]]) = (0, 0) to (%{{.*}}, 100) step (128, 32)
// CHECK: %[[A:.*]] = memref.subview %arg0
// CHECK: %[[B:.*]] = memref.subview %arg1
// CHECK: %[[C:.*]] = memref.subview %arg2
// CHECK: %[[P:.*]] = memref.alloc() {alignment = 64 : i64} : memref<256x32xf32>
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c256
// CHECK: arith.minui
// CHECK: vector.load %[[B]]
// CHECK: vector.store %{{.*}}, %[[P]]
// CHECK: vector.load %[[C]]
// CHECK: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK: vector.load %[[P]]
// CHECK: memref.load %[[A]]
// CHECK: vector.broadcast %{{.*}} : f32 to vector<16xf32>
// CHECK: vector.fma
// CHECK: vector.store %{{.*}}, %[[C]]
// CHECK: vector.create_mask
// CHECK: vector.maskedload %[[B]]
// CHECK: vector.maskedstore %[[C]]
// CHECK: memref.dealloc %[[P]]
func.func @matmul(%a: memref<?x300xf32>, %b: memref<300x100xf32>, %c: memref<?x100xf32>) {
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<?x300xf32>, memref<300x100xf32>) outs(%c : memref<?x100xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Batches of rows times one matrix (MatMul of a 3-D activation and a 2-D
// weight): the batch and row loops collapse into one row loop first.
#bmk = affine_map<(b, m, n, k) -> (b, m, k)>
#kn = affine_map<(b, m, n, k) -> (k, n)>
#bmn = affine_map<(b, m, n, k) -> (b, m, n)>
// CHECK-LABEL: func.func @batch_rows
// CHECK-DAG: %[[A:.*]] = memref.collapse_shape %arg0 {{\[}}[0, 1], [2]] : memref<2x?x32xf32> into memref<?x32xf32>
// CHECK-DAG: %[[C:.*]] = memref.collapse_shape %arg2 {{\[}}[0, 1], [2]] : memref<2x?x48xf32> into memref<?x48xf32>
// CHECK: scf.forall
// CHECK: memref.subview %[[A]]
// CHECK: vector.fma
// CHECK-NOT: linalg.generic
func.func @batch_rows(%a: memref<2x?x32xf32>, %b: memref<32x48xf32>, %c: memref<2x?x48xf32>) {
  linalg.generic {indexing_maps = [#bmk, #kn, #bmn], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<2x?x32xf32>, memref<32x48xf32>) outs(%c : memref<2x?x48xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %z, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Left alone: f64, a batched contraction, a non-unit inner stride, a body
// that is not a multiply-add, tensors.
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
#bmk = affine_map<(b, m, n, k) -> (b, m, k)>
#bnk = affine_map<(b, m, n, k) -> (b, n, k)>
#bmn = affine_map<(b, m, n, k) -> (b, m, n)>
// CHECK-LABEL: func.func @untouched
// CHECK-NOT: scf.forall
// CHECK-COUNT-5: linalg.generic
// CHECK-NOT: scf.forall
func.func @untouched(%x64: memref<4x8xf64>, %w64: memref<2x8xf64>, %y64: memref<4x2xf64>,
                     %bx: memref<3x4x8xf32>, %bw: memref<3x2x8xf32>, %by: memref<3x4x2xf32>,
                     %sx: memref<4x8xf32, strided<[16, 2]>>, %w: memref<2x8xf32>, %y: memref<4x2xf32>,
                     %x: memref<4x8xf32>, %tx: tensor<4x8xf32>, %tw: tensor<2x8xf32>, %ty: tensor<4x2xf32>) -> tensor<4x2xf32> {
  linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x64, %w64 : memref<4x8xf64>, memref<2x8xf64>) outs(%y64 : memref<4x2xf64>) {
  ^bb0(%a: f64, %b: f64, %c: f64):
    %p = arith.mulf %a, %b : f64
    %s = arith.addf %c, %p : f64
    linalg.yield %s : f64
  }
  linalg.generic {indexing_maps = [#bmk, #bnk, #bmn], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%bx, %bw : memref<3x4x8xf32>, memref<3x2x8xf32>) outs(%by : memref<3x4x2xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%sx, %w : memref<4x8xf32, strided<[16, 2]>>, memref<2x8xf32>) outs(%y : memref<4x2xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<4x8xf32>, memref<2x8xf32>) outs(%y : memref<4x2xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.maximumf %c, %p : f32
    linalg.yield %s : f32
  }
  %r = linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%tx, %tw : tensor<4x8xf32>, tensor<2x8xf32>) outs(%ty : tensor<4x2xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x2xf32>
  return %r : tensor<4x2xf32>
}

// -----

// A zero fill of y right before a linear is dropped: each register tile
// stores its sums in the first K block (y is not read there) and adds them
// in later blocks. A fill of another value, or one with a use of y in
// between, stays.
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @linear_after_zero_fill
// CHECK-NOT: linalg.fill
// CHECK: scf.for %[[KB:.*]] = %c0
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %[[KB]], %c0
// CHECK: scf.if %[[FIRST]] {
// CHECK-NEXT: vector.store %{{.*}}, %{{.*}} : memref<?x32xf32, {{.*}}>, vector<8xf32>
// CHECK-NEXT: } else {
// CHECK-NEXT: vector.load
// CHECK-NEXT: arith.addf
// CHECK-NEXT: vector.store
// CHECK-LABEL: func.func @linear_after_bias_fill
// CHECK: linalg.fill ins(%cst
// CHECK-NOT: scf.if
// CHECK: return
func.func @linear_after_zero_fill(%x: memref<?x64xf32>, %w: memref<32x64xf32>, %y: memref<?x32xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<?x32xf32>)
  linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<?x64xf32>, memref<32x64xf32>) outs(%y : memref<?x32xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  }
  return
}
func.func @linear_after_bias_fill(%x: memref<?x64xf32>, %w: memref<32x64xf32>, %y: memref<?x32xf32>) {
  %one = arith.constant 1.0 : f32
  linalg.fill ins(%one : f32) outs(%y : memref<?x32xf32>)
  linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<?x64xf32>, memref<32x64xf32>) outs(%y : memref<?x32xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// tern.linear with its weight in panels of 64 (x[m, k] * w[p, k, j] into
// y[m, p, j]), with the zero fill of y before it: output tiles of 512 rows
// in an scf.forall (whole panels: j is not tiled), one panel per tile, or
// two when x has fewer rows than a register tile (decode), chosen at run
// time; K blocks of 4096 (one when no 6-row tile exists). 6-row tiles: per
// k, the four vectors of the panel, one broadcast of x per row, 24 FMAs; in
// the first K block the accumulators start at zero (the fill is gone),
// later ones reload y. Then one tile of the 2 to 5 rows left (a variant
// per count, so each panel is read once for all of them; 2 and 3 rows with
// K in two ranges), or single rows
// over two panels at once with K split in two ranges read side by side (16
// chains, four streams), then a lone panel with K split four ways.
#xk = affine_map<(m, p, j, k) -> (m, k)>
#pkj = affine_map<(m, p, j, k) -> (p, k, j)>
#mpj = affine_map<(m, p, j, k) -> (m, p, j)>
// CHECK-LABEL: func.func @linear_panels
// CHECK-NOT: linalg.fill
// CHECK: memref.dim %arg0
// CHECK: %[[ROWS:.*]] = memref.dim %arg0, %{{.*}} : memref<?x300xf32>
// CHECK-NEXT: %c6 = arith.constant 6
// CHECK-NEXT: %[[FEW:.*]] = arith.cmpi ult, %[[ROWS]], %c6
// CHECK: %[[PANELS:.*]] = arith.select %[[FEW]], %c2, %c1 : index
// CHECK: scf.forall (%[[M:.*]], %[[P:.*]]) = (0, 0) to (%{{.*}}, 3) step (512, %[[PANELS]])
// CHECK: %[[X:.*]] = memref.subview %arg0[%[[M]], 0]
// CHECK: %[[W:.*]] = memref.subview %arg1[%[[P]], 0, 0]
// CHECK: %[[Y:.*]] = memref.subview %arg2[%[[M]], %[[P]], 0]
// CHECK: %[[STEP:.*]] = arith.select %{{.*}}, %c4096, %{{.*}} : index
// CHECK: scf.for %[[KB:.*]] = %{{.*}} to %{{.*}} step %[[STEP]]
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %[[KB]], %c0
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.if %[[FIRST]] -> (vector<16xf32>{{(, vector<16xf32>){23} *}})
// CHECK: } else {
// CHECK: vector.load %[[Y]]
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>{{(, vector<16xf32>){23} *}})
// CHECK-COUNT-4: vector.load %[[W]]{{.*}} : memref<?x300x64xf32, strided<[19200, 64, 1], offset: ?>>, vector<16xf32>
// CHECK: memref.load %[[X]]
// CHECK: vector.broadcast %{{.*}} : f32 to vector<16xf32>
// CHECK-COUNT-4: vector.fma
// CHECK: scf.yield
// CHECK-COUNT-24: vector.store %{{.*}}, %[[Y]]
// Two and three rows read K as two ranges side by side (2 x 8 and 2 x 12
// accumulators), four and five rows as one.
// CHECK: %[[LEFT:.*]] = arith.cmpi eq, %{{.*}}, %c2
// CHECK: scf.if %[[LEFT]] {
// CHECK: arith.divui %{{.*}}, %c2
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>{{(, vector<16xf32>){15} *}})
// CHECK: arith.cmpi eq, %{{.*}}, %c3
// CHECK: arith.divui %{{.*}}, %c2
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>{{(, vector<16xf32>){23} *}})
// CHECK: arith.cmpi eq, %{{.*}}, %c4
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>{{(, vector<16xf32>){15} *}})
// CHECK: arith.cmpi eq, %{{.*}}, %c5
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>{{(, vector<16xf32>){19} *}})
// CHECK-COUNT-20: vector.store %{{.*}}, %[[Y]]
// Single rows, two panels, K in two ranges: 16 chains, four weight streams.
// CHECK: arith.divui %{{.*}}, %c2
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>{{(, vector<16xf32>){15} *}})
// CHECK-COUNT-8: vector.load %[[W]]
// CHECK: vector.broadcast
// CHECK-COUNT-8: vector.fma
// CHECK: vector.load %[[W]]
// CHECK: arith.addf {{.*}} : vector<16xf32>
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>{{(, vector<16xf32>){7} *}})
// Single rows, one panel: K in four ranges, four sets of four accumulators.
// CHECK: arith.divui %{{.*}}, %c4
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>{{(, vector<16xf32>){15} *}})
// CHECK: arith.addf {{.*}} : vector<16xf32>
// CHECK: scf.for {{.*}} step %c1{{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
func.func @linear_panels(%x: memref<?x300xf32>, %w: memref<3x300x64xf32>, %y: memref<?x3x64xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<?x3x64xf32>)
  linalg.generic {indexing_maps = [#xk, #pkj, #mpj], iterator_types = ["parallel", "parallel", "parallel", "reduction"], tern.weight_format = #tern.panels<64>}
      ins(%x, %w : memref<?x300xf32>, memref<3x300x64xf32>) outs(%y : memref<?x3x64xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Panels of 8 are not whole 16-lane vectors: no kernel, and a warning says
// so (the op stays for the scalar loop lowering).
#xk = affine_map<(m, p, j, k) -> (m, k)>
#pkj = affine_map<(m, p, j, k) -> (p, k, j)>
#mpj = affine_map<(m, p, j, k) -> (m, p, j)>
// WARN: warning: tern-contraction-kernels: panels of 8 are not whole vectors of 16; the contraction is left to the scalar loop lowering
// CHECK-LABEL: func.func @narrow_panels
// CHECK-NOT: scf.forall
// CHECK: linalg.generic
func.func @narrow_panels(%x: memref<?x5xf32>, %w: memref<2x5x8xf32>, %y: memref<?x2x8xf32>) {
  linalg.generic {indexing_maps = [#xk, #pkj, #mpj], iterator_types = ["parallel", "parallel", "parallel", "reduction"], tern.weight_format = #tern.panels<8>}
      ins(%x, %w : memref<?x5xf32>, memref<2x5x8xf32>) outs(%y : memref<?x2x8xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  }
  return
}
