//===- Passes.td - The CPU target's passes -----------------*- tablegen -*-===//
//
// Everything the CPU target decides after the target-neutral graph passes:
// the weight layout its GEMM kernel reads (tern-pack-linear-weights), its
// attention tiling (tern-cpu-flash-attention), and the passes that replace
// the plain loops an op would lower to with a kernel: tiled, vectorized and
// parallel code on bufferized memref IR. They are meant to be swapped one by
// one: ternary and quantized `tern.linear` weights get their own kernels
// here, next to the contraction kernels, and a CUDA target has its own
// Passes.td beside this one.
//
//===----------------------------------------------------------------------===//

#ifndef TERNION_TARGET_CPU_PASSES_TD
#define TERNION_TARGET_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def ContractionKernels : Pass<"tern-contraction-kernels", "mlir::func::FuncOp"> {
  let summary = "Tile, vectorize and parallelize f32 matmul/linear contractions on buffers";
  let description = [{
    Rewrites the 2-D f32 contractions convert-tern-to-linalg produces, once
    bufferized, into kernels:

    * `x[m, k] * w[n, k]` (tern.linear, weight kept [N, K]) becomes a
      dot-product kernel vectorized along K: a register tile of rows x
      weight rows accumulates `vector-width` lanes per FMA, and after each K
      block (`dot-tile-k`) a shuffle-and-add tree per row turns its
      accumulators into sums added to y. With M == 1 (LLM decode) it is a
      bandwidth-bound GEMV streaming each weight row once.
    * `a[m, k] * b[k, n]` (2-D MatMul) becomes an outer-product kernel
      vectorized along N: a register tile of rows x vectors, one broadcast
      of `a` per row and step of k, blocked over K by `tile-k`.

    * `x[m, k] * w[p, k, j]` (tern.linear whose weight
      tern-pack-linear-weights packed in panels, y computed as
      [M, N / P, P]) becomes the outer-product kernel reading the panel in
      place: a register tile of `panel-rows` rows x P / `vector-width`
      vectors, one broadcast of x per row and step of k, K blocked by
      `panel-tile-k`; a decode step (M below `panel-rows`) streams each
      panel once, with K split into ranges read side by side (at least four
      weight streams per thread).

    All are first tiled into `tile-m` x `tile-n` output tiles (the panel
    kernel: `panel-tile-m` x `panel-tile-n`, or `panel-decode-tile-n` for a
    decode step) with
    scf::tileUsingSCF, as an scf.forall (the 2-core parallel loop, lowered
    through scf.parallel to OpenMP) unless `parallel=false`. Inside a tile
    every dim is dynamic: full register tiles run unmasked, rows and columns
    that remain run a 1-row (and, for N, 1-column or masked) variant of the
    same kernel, and a K that is not a multiple of the vector width ends
    with masked loads. Batches of rows times one matrix (a MatMul of a 3-D
    activation and a 2-D weight) are collapsed to the 2-D form first. Other
    contractions (both operands batched, non-f32, non-unit inner strides)
    are left as they are, for the scalar loop lowering.
  }];
  let options = [
    Option<"tileM", "tile-m", "int64_t", "128", "Rows of an output tile (one parallel task)">,
    Option<"tileN", "tile-n", "int64_t", "32",
           "Columns of an output tile (128 x 32 with tile-m; docs/performance.md)">,
    Option<"tileK", "tile-k", "int64_t", "256",
           "K block of the outer-product (MatMul) kernel, kept in L1">,
    Option<"dotTileK", "dot-tile-k", "int64_t", "1024",
           "K block of the dot-product (linear) kernel: a register tile's rows "
           "of x and w stay in L1">,
    Option<"vectorWidth", "vector-width", "int64_t", "16",
           "f32 lanes per vector (16 = one AVX-512 register)">,
    Option<"dotRows", "dot-rows", "int64_t", "3",
           "Rows of x in a dot-product register tile">,
    Option<"dotCols", "dot-cols", "int64_t", "8",
           "Weight rows in a dot-product register tile: dot-rows * dot-cols "
           "accumulators and dot-rows + 1 operands must fit the 32 vector "
           "registers">,
    Option<"outerRows", "outer-rows", "int64_t", "8",
           "Rows of a in an outer-product register tile">,
    Option<"outerVectors", "outer-vectors", "int64_t", "2",
           "Vectors along N in an outer-product register tile">,
    Option<"panelTileM", "panel-tile-m", "int64_t", "512",
           "Rows of an output tile of the panel kernel: each tile reads its "
           "panels from memory once, so the more rows share them the better "
           "(see docs/performance.md for the measurements)">,
    Option<"panelTileN", "panel-tile-n", "int64_t", "64",
           "Columns of a prefill output tile of the panel kernel, whole panels "
           "(64: one panel; the more tiles, the better two threads balance)">,
    Option<"panelDecodeTileN", "panel-decode-tile-n", "int64_t", "128",
           "Columns of an output tile when x has fewer rows than panel-rows "
           "(decode): a single row takes up to 128 columns at once (two "
           "panels of 64, each read as two streams)">,
    Option<"panelRows", "panel-rows", "int64_t", "6",
           "Rows of x in a panel register tile (panel-rows x panel-width / "
           "vector-width accumulators: 6 x 4 leaves room for the 4 weight "
           "vectors and a broadcast in 32 registers)">,
    Option<"panelTileK", "panel-tile-k", "int64_t", "4096",
           "K block of the panel kernel's row tiles: the accumulators stay in "
           "registers over the whole block, and the panel streams from L2">,
    Option<"parallel", "parallel", "bool", "true",
           "Tile with scf.forall (parallel) instead of scf.for">
  ];
  let dependentDialects = [
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect",
    "::mlir::memref::MemRefDialect", "::mlir::arith::ArithDialect",
    "::mlir::affine::AffineDialect"
  ];
}

def FuseElementwise : Pass<"tern-fuse-elementwise", "mlir::func::FuncOp"> {
  let summary = "linalg-fuse-elementwise-ops that keeps contractions as lowered";
  let description = [{
    The upstream elementwise fusion (producer/consumer fusion, folding
    reshapes by expanding iteration spaces, constant folding), except that
    no fusion or reshape folding involves a contraction. Fusing an
    elementwise producer into a contraction recomputes it once per output
    column (N times), and folding the reshapes of `tern.linear`'s flattened
    input turns its 2-D contraction into a batched one: either hides the
    contraction from the kernels (tern-contraction-kernels), which only
    take the 2-D forms convert-tern-to-linalg emits.
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
    "::mlir::affine::AffineDialect"
  ];
}

def ParallelizeLoops : Pass<"tern-parallelize-loops", "mlir::func::FuncOp"> {
  let summary = "Run large linalg ops on buffers as parallel chunks of one parallel dim";
  let description = [{
    What tern-contraction-kernels leaves (elementwise chains, normalizations,
    softmax, reductions, copies, the contractions it does not take) would
    run on one core while the other waits. This pass cuts each such linalg
    op, on buffers, into `chunks` pieces along its outermost parallel dim
    whose extent is not statically 1, as an scf.forall that the pipeline
    turns into an OpenMP loop. When that dim is dynamic and a later parallel
    dim is dynamic too, the later one is cut instead: a model's activations
    are [batch, sequence, ...] with both dynamic, and the batch is 1 when
    one prompt is served. Tiling a parallel dim never races: every
    piece owns its outputs.

    A fork-join costs a few microseconds, more than a small op takes (a
    decode step's vectors of one token), so an op runs in parallel only
    when its iteration space holds at least `min-work` points: decided at
    compile time when every loop extent is static, otherwise by an scf.if
    around the parallel and the serial form. Ops already inside a parallel
    loop (the tiles of flash attention) stay as they are.
  }];
  let options = [
    Option<"chunks", "chunks", "int64_t", "16",
           "Pieces per op (a multiple of the usual thread counts, so "
           "static scheduling stays balanced)">,
    Option<"minWork", "min-work", "int64_t", "32768",
           "Fewest iteration points for which an op runs in parallel">
  ];
  let dependentDialects = [
    "::mlir::scf::SCFDialect", "::mlir::memref::MemRefDialect",
    "::mlir::arith::ArithDialect", "::mlir::affine::AffineDialect"
  ];
}

def ApproximateMath : Pass<"tern-approximate-math", "mlir::func::FuncOp"> {
  let summary = "Replace f32 exp, tanh, erf and log with inline polynomials";
  let description = [{
    Rewrites f32 (and f32-vector) `math.exp`, `math.expm1`, `math.tanh`,
    `math.erf`, `math.log`, `math.log1p` and `math.log2` into MLIR's
    polynomial approximations (a few ulp). They are plain arithmetic, so
    LLVM vectorizes the loops around them; a libm call per element stays
    scalar and was 6% of a 512-token prefill (softmax and SiLU). Other
    types and functions keep their libm calls.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::vector::VectorDialect",
    "::mlir::math::MathDialect"
  ];
}

def TernPackLinearWeights : Pass<"tern-pack-linear-weights", "mlir::func::FuncOp"> {
  let summary = "Pack f32 tern.linear weights into column panels for the CPU GEMM kernel";
  let description = [{
    Rewrites the constant `[N, K]` weight of each f32 `tern.linear` into
    `[N / P, K, P]` panels (`weight_format = #tern.panels<P>`): panel `p` holds, for every
    k, the P weights of outputs `p * P ... p * P + P - 1` side by side. The
    CPU kernel for this layout (tern-contraction-kernels) is the classic
    outer-product GEMM: per step of k it loads the P weights as P / 16
    vectors, broadcasts one input element per row of its register tile and
    issues the FMAs; the panel is one contiguous stream, where the `[N, K]`
    dot-product kernel reads eight weight rows a power-of-two stride apart
    (eight streams, the same L1 sets) and reduces its accumulators across
    lanes. docs/performance.md has the measurements (bench/gemm, panels
    against rows).

    With `element-type=f16` or `bf16` the panels hold 16-bit values
    (rounded to nearest even) while input and result stay f32: the panel
    kernel widens the weights in registers, and decode streams half the
    bytes (`ternion-compile --weights-dtype`).

    Run it last among the passes that rewrite `tern.linear` weights (the
    ternary and quantization passes want `[N, K]` rows). Weights whose N is
    not a multiple of P, or that are not constant f32, keep `[N, K]`; a
    constant also used elsewhere is copied (the embedding of a tied
    `lm_head` stays as it was).
  }];
  let dependentDialects = ["::ternion::tern::TernDialect"];
  let options = [
    Option<"panelWidth", "panel-width", "int64_t", /*default=*/"64",
           "Outputs per panel: a multiple of the 16 f32 lanes of an AVX-512 "
           "register; 64 lets 6 rows x 4 vectors of accumulators fit the 32 "
           "registers with 10 loads per 24 FMAs">,
    Option<"elementType", "element-type", "std::string", /*default=*/"\"f32\"",
           "Storage of the packed weights: f32, or f16 / bf16 (rounded to "
           "nearest even; the kernels widen them in registers)">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Emit a remark per function with this pass's counts">
  ];
  let statistics = [
    Statistic<"numPacked", "packed", "Number of tern.linear weights packed into panels">,
    Statistic<"numKept", "kept", "Number of tern.linear weights left [N, K]">
  ];
}

def TernCpuPackTernary : Pass<"tern-cpu-pack-ternary", "mlir::func::FuncOp"> {
  let summary = "Repack ternary codes to the lanes of the CPU's byte dot products";
  let description = [{
    Rewrites the codes of each `tern.ternary_linear` from the order it holds
    (`tern-ternarize` writes `lanes = 1`, the plain order) to
    `#tern.ternary<packing, lanes = L>` with L the bytes of the CPU's vector
    register (64 with AVX-512, 32 with AVX2, 16 otherwise): one L-byte load
    then holds L consecutive weights at each digit, which the ternary kernel
    unpacks with one shift (or division) per digit, lined up with an L-byte
    load of the int8 activations. K is padded to whole blocks with zero
    weights; base3 codes take a narrower register (down to 16 bytes) when
    that pads less, since its blocks are 5 x L weights. A compile-time copy
    of the codes; the weight file holds the repacked form.

    With `kernel=lut` the codes become `#tern.ternary<pairs, lanes = R>`
    instead, the layout of the lookup-table kernel: a 4-bit table index per
    pair of weights, interleaved across tiles of R output rows (R = L, or
    the widest of L / 2, ..., 16 that divides N). A layer whose N is not a
    multiple of 16 keeps the multiply-add layout (statistic
    `kept-multiply-add`); base3 codes have no lookup-table kernel and are
    an error.
  }];
  let dependentDialects = ["::ternion::tern::TernDialect"];
  let options = [
    Option<"lanes", "lanes", "int64_t", /*default=*/"64",
           "Bytes per vector register of the target (the format's lanes)">,
    Option<"kernel", "kernel", "std::string", /*default=*/"\"mad\"",
           "The kernel family the codes are laid out for: mad (byte dot "
           "products) or lut (lookup tables)">
  ];
  let statistics = [
    Statistic<"numRepacked", "repacked", "Number of ternary codes repacked">,
    Statistic<"numKeptMultiplyAdd", "kept-multiply-add",
              "Layers left on the multiply-add kernel under kernel=lut (N not a multiple of 16)">
  ];
}

def TernCpuTernaryKernels : Pass<"tern-cpu-ternary-kernels", "mlir::func::FuncOp"> {
  let summary = "Replace ternary contractions on buffers with int8 dot-product kernels";
  let description = [{
    Rewrites the contraction `convert-tern-to-linalg` makes of each
    `tern.ternary_linear` (int8 activations times the u8 digits of packed
    ternary codes, accumulated in i32, tagged with its `#tern.ternary`
    format) into a register-tiled kernel of byte dot products:
    `vpdpbusd` with AVX-512 VNNI or AVX-VNNI, `vpmaddubsw` + `vpmaddwd`
    with AVX-512BW or AVX2, widened multiplies otherwise (`isa`; the CPU
    target chooses it from --mcpu). Each block of codes is unpacked in
    registers, never to memory. A register tile is `rows` rows of
    activations by `cols` weight rows (decode: one row, `cols` weight rows
    streamed side by side); output tiles of `tile-m` x `tile-n` are the
    parallel loop. Every ternary contraction gets the kernel or an error:
    none is left to scalar loops.

    Codes in `#tern.ternary<pairs, lanes = L>` (`tern-cpu-pack-ternary
    kernel=lut`) get the lookup-table kernel instead: per row of
    activations, the 9 partial sums of each pair of activations as a
    16-byte table (low and high bytes, so the i16 sums are exact), then per
    L-byte load of codes `pshufb` lookups for L weight rows at once (gathers
    with isa=generic), summed in i16 for `lut-chunk` code columns and then
    widened to i32. A register tile is `lut-rows` rows by L weight rows.
  }];
  let options = [
    Option<"isa", "isa", "std::string", /*default=*/"\"generic\"",
           "Byte dot products: avx512-vnni, avx512bw, avx-vnni, avx2 or generic">,
    Option<"rows", "rows", "int64_t", "4", "Rows of activations in a register tile">,
    Option<"cols", "cols", "int64_t", "4", "Weight rows in a register tile">,
    Option<"tileM", "tile-m", "int64_t", "64", "Rows of an output tile (one parallel task)">,
    Option<"tileN", "tile-n", "int64_t", "64", "Columns of an output tile">,
    Option<"parallel", "parallel", "bool", "true",
           "Run output tiles as an scf.forall (parallel) instead of scf.for">,
    Option<"lutRows", "lut-rows", "int64_t", "4",
           "Lookup-table kernel: rows of activations in a register tile">,
    Option<"lutChunk", "lut-chunk", "int64_t", "32",
           "Lookup-table kernel: code columns summed in i16 before widening (1..63)">
  ];
  let dependentDialects = [
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect",
    "::mlir::memref::MemRefDialect", "::mlir::arith::ArithDialect",
    "::mlir::LLVM::LLVMDialect"
  ];
}

def TernCpuPackQuantized : Pass<"tern-cpu-pack-quantized", "mlir::func::FuncOp"> {
  let summary = "Repack group-quantized codes to the f32 lanes of the CPU's vectors";
  let description = [{
    Rewrites the codes of each `tern.quantized_linear` with 2, 4 or 8-bit
    codes from the bit stream `tern-quantize` writes (`lanes = 1`) to
    `#tern.group_quantized<..., lanes = L>`, L the f32 lanes of the CPU's
    vector registers (16 with AVX-512, 8 with AVX2): one L-byte load then
    holds L consecutive codes at each of its 8 / bits slots, which the
    quantized kernel unpacks with one shift-and-mask and widens to L f32
    lined up with an L-lane load of the activations. The size is unchanged.
    Codes of 3, 5 and 6 bits (which straddle bytes), and groups that are
    not whole blocks of L * 8 / bits codes, are left as they are.
  }];
  let dependentDialects = ["::ternion::tern::TernDialect"];
  let options = [
    Option<"lanes", "lanes", "int64_t", /*default=*/"16",
           "f32 lanes per vector register of the target (the format's lanes)">
  ];
  let statistics = [
    Statistic<"numRepacked", "repacked", "Number of quantized codes repacked">
  ];
}

def TernCpuQuantizedKernels : Pass<"tern-cpu-quantized-kernels", "mlir::func::FuncOp"> {
  let summary = "Replace group-quantized contractions on buffers with fused dequantizing kernels";
  let description = [{
    Rewrites the contraction `convert-tern-to-linalg` makes of each
    `tern.quantized_linear` (f32 activations times the group-scaled codes,
    tagged with its `#tern.group_quantized` format) into a register-tiled
    kernel that unpacks each block of codes in registers (shift, mask,
    widen to f32) and accumulates `xs * Q` and `xs` per group with FMAs,
    then adds `s * sum(xs * Q) - s * z * sum(xs)`: no f32 copy of the
    weights is made, and the weights are read at their packed size. A
    register tile is `rows` rows of activations by `cols` weight rows
    (a single row, as in decode: `row-cols` weight rows side by side);
    output tiles of `tile-m` x `tile-n` are the parallel loop. From
    `panel-min-rows` rows on (prefill), each panel of `panel-width` weight
    rows is instead dequantized into a per-task f32 buffer in the layout
    of the f32 panel kernel, which multiplies all rows by it while it is in
    cache (panels are the parallel loop). Codes that `tern-cpu-pack-quantized`
    left as a bit stream (3, 5, 6 bits) take the panel path for every row
    count; in a layer whose outputs are not whole panels they keep the
    contraction's loop, with a warning.
  }];
  let options = [
    Option<"rows", "rows", "int64_t", "2", "Rows of activations in a register tile">,
    Option<"cols", "cols", "int64_t", "4", "Weight rows in a register tile">,
    Option<"rowCols", "row-cols", "int64_t", "8",
           "Weight rows in the register tile of a single row (decode)">,
    Option<"panelMinRows", "panel-min-rows", "int64_t", "16",
           "Rows from which a layer is dequantized a panel at a time into the f32 panel "
           "kernel's layout (0: never)">,
    Option<"panelWidth", "panel-width", "int64_t", "64", "Weight rows per dequantized panel">,
    Option<"vectorWidth", "vector-width", "int64_t", "16", "f32 lanes of the panel kernel">,
    Option<"panelRows", "panel-rows", "int64_t", "6", "Rows of the panel kernel's register tile">,
    Option<"tileM", "tile-m", "int64_t", "64", "Rows of an output tile (one parallel task)">,
    Option<"tileN", "tile-n", "int64_t", "64", "Columns of an output tile">,
    Option<"parallel", "parallel", "bool", "true",
           "Run output tiles as an scf.forall (parallel) instead of scf.for">
  ];
  let statistics = [
    Statistic<"numKernels", "kernels", "Number of quantized contractions given the kernel">,
    Statistic<"numLoops", "loops", "Number of quantized contractions left as loops (3, 5, 6 bits)">
  ];
  let dependentDialects = [
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect",
    "::mlir::memref::MemRefDialect", "::mlir::arith::ArithDialect"
  ];
}

def CpuFlashAttention : Pass<"tern-cpu-flash-attention", "mlir::func::FuncOp"> {
  let summary = "Lower tern.attention to the CPU's tiled online-softmax loops";
  let description = [{
    The CPU's lowering of `tern.attention`, in the flash-attention style: no
    `[S, T]` score matrix exists, only one tile of queries by a block of keys
    at a time, with a running max, denominator and output per row. Prefill
    (`S > 1`) is an `scf.forall` over (batch, query head, block of 64
    queries) whose key loop stops at the causal limit, or skips fully masked
    key blocks when causality comes as a mask; decode (`S == 1`) is an
    `scf.forall` over (batch, kv head) whose rows are the query heads of the
    group, so each K/V block is read once for all of them. The tile sizes
    are the CPU's (a 64 x 64 f32 score tile stays in L1).

    An op with `sparsity` (`#tern.sparse_attention`, MInference's per-head
    patterns) runs prefills of at least `min_tokens` queries sparse: the
    vertical-slash and block-sparse heads' indices are estimated from the
    prompt (one `scf.forall` per pattern), then one kernel over (batch,
    head, block of 64 queries) builds the block's key ranges and gathered
    columns by the head's pattern and runs the same block step over them
    (docs/sparse-attention.md).

    Runs before `convert-tern-to-linalg`, which lowers the attention ops
    this pass leaves (dynamic head counts) with the reference lowering.
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect", "::mlir::scf::SCFDialect"
  ];
}

def LowerAllocaScopes : Pass<"tern-lower-alloca-scopes", "mlir::func::FuncOp"> {
  let summary = "Replace single-block memref.alloca_scope by LLVM stacksave/stackrestore";
  let description = [{
    convert-scf-to-openmp wraps each parallel iteration in a
    `memref.alloca_scope`, so stack allocations (deallocation's pointer
    lists, kernel scratch) do not pile up across iterations. The op allows
    only one block, and convert-scf-to-cf would split its region when the
    body holds loops (a flash-attention tile does). While the region is
    still one block, this pass inlines it between `llvm.intr.stacksave` and
    `llvm.intr.stackrestore`, which is what the LLVM lowering of the op does.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // TERNION_TARGET_CPU_PASSES_TD
