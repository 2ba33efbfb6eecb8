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

    Dynamic dims are assumed to agree at run time wherever the graph
    broadcasts two dynamic dims (the runtime checks graph inputs against
    their declared dims; a static 1 broadcasts as usual).
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect"
  ];
}

#endif // TERNION_CONVERSION_PASSES_TD
