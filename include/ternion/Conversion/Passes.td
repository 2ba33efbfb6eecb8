//===- Passes.td - Ternion's conversion passes -----------------*- tablegen -*-===//
//
// Lowerings from the tern dialect to upstream MLIR. Each op family has its
// own pattern file, so one op's lowering can be replaced (by a sparse,
// ternary or quantized kernel) without touching the others.
//
//===----------------------------------------------------------------------===//

#ifndef TERNION_CONVERSION_PASSES_TD
#define TERNION_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertTernToLinalg : Pass<"convert-tern-to-linalg", "mlir::func::FuncOp"> {
  let summary = "Lower tern ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Elementwise ops (with numpy broadcasting) become `linalg.generic`;
    MatMul and `tern.linear` become `linalg.batch_matmul`/`linalg.matmul`
    with broadcast operands materialized; constants become `arith.constant`
    (weights stay `dense_resource`). An op without a lowering is reported
    with its location and the pass fails: nothing is silently skipped.

    This is the target-neutral lowering: `tern.attention` gets the
    reference lowering (materialized scores); a target that has a faster
    one (the CPU's `tern-cpu-flash-attention`) runs it first, and this pass
    lowers whatever it left.

    Dynamic dims are assumed to agree at run time wherever the graph
    broadcasts two dynamic dims (the runtime checks graph inputs against
    their declared dims; a static 1 broadcasts as usual).
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect", "::mlir::scf::SCFDialect"
  ];
}

def StridedCopiesToLinalg : Pass<"tern-strided-copies-to-linalg", "mlir::func::FuncOp"> {
  let summary = "Turn memref.copy between non-contiguous buffers into linalg.copy";
  let description = [{
    Upstream lowers a `memref.copy` whose operands are not both contiguous
    to a call of `memrefCopy` from MLIR's runner-utils library, which an
    artifact does not link. As `linalg.copy` the copy becomes ordinary loops
    (and can be vectorized like any other linalg op). Contiguous copies are
    left alone: they lower to `memcpy`, unless `all-copies` is set: a GPU
    target wants every copy as a loop it can run on the device, since a
    host `memcpy` cannot reach device memory.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
  let options = [
    Option<"allCopies", "all-copies", "bool", /*default=*/"false",
           "Turn contiguous copies into linalg.copy as well">,
  ];
}

def LowerExpandShape : Pass<"tern-lower-expand-shape", "mlir::func::FuncOp"> {
  let summary = "Lower memref.expand_shape to memref.reinterpret_cast using its output_shape";
  let description = [{
    Upstream's `expand-strided-metadata` recomputes the sizes of an
    expanded group from the source size and supports at most one dynamic
    size per group: `memref<?x256xf32>` into `memref<?x?x256xf32>` (batch and
    sequence out of flattened rows, everywhere in a transformer) crashes it.
    The op already carries every size (`output_shape`), so this pass builds
    the `memref.reinterpret_cast` directly: within a group, the innermost
    stride is the source dim's stride and each outer stride is the next
    stride times the next size. Run it before `expand-strided-metadata`.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect"];
}

#endif // TERNION_CONVERSION_PASSES_TD
