//===- Passes.td - passes that shape IR into an artifact -------*- tablegen -*-===//
//
// Passes between bufferization and LLVM that give compiled functions the
// artifact ABI of docs/runtime.md.
//
//===----------------------------------------------------------------------===//

#ifndef TERNION_ARTIFACT_PASSES_TD
#define TERNION_ARTIFACT_PASSES_TD

include "mlir/Pass/PassBase.td"

def ExternalizeWeights : Pass<"tern-externalize-weights", "mlir::ModuleOp"> {
  let summary = "Move large constant buffers into the artifact's weights file";
  let description = [{
    Runs on bufferized IR. Every public function gets one more argument,
    `memref<?xi8>` (the read-only mapping of `weights.bin`, attribute
    `tern.weights`). Each constant `memref.global` of at least `min-bytes`
    bytes whose every user is a public function is laid out in the weights
    file at an offset aligned to `alignment`; its `memref.get_global`s become
    `memref.view`s of that argument and the global is erased. Smaller
    constants stay in the code, where LLVM can fold them.

    The module records the layout as `tern.weights = {size, alignment,
    checksum}` (FNV-1a 64 over the file, as the runtime verifies it). With
    `weights-file` set the bytes are written there; without it only the IR
    changes (for inspection and tests).
  }];
  let options = [
    Option<"weightsFile", "weights-file", "std::string", "\"\"",
           "Write the weights to this file">,
    Option<"progress", "progress", "bool", "false",
           "Show tensors and bytes written, and the rate, on stderr">,
    Option<"minBytes", "min-bytes", "int64_t", "64",
           "Constants smaller than this stay in the code">,
    // ternion/abi.h, which Passes.h includes.
    Option<"alignment", "alignment", "int64_t", "TNX_WEIGHTS_ALIGNMENT",
           "Alignment of each constant in the weights file (a power of two)">,
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect", "::mlir::arith::ArithDialect"];
}

#endif // TERNION_ARTIFACT_PASSES_TD
