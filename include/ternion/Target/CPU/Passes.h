//===- Passes.h - The CPU target's passes -----------------------*- C++ -*-===//
#ifndef TERNION_TARGET_CPU_PASSES_H
#define TERNION_TARGET_CPU_PASSES_H

#include "dialects/tern/TernDialect.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace ternion {

#define GEN_PASS_DECL
#include "ternion/Target/CPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "ternion/Target/CPU/Passes.h.inc"

/// The flash-attention patterns of tern-cpu-flash-attention
/// (lib/Target/CPU/FlashAttention.cpp).
void populateCpuFlashAttentionPatterns(mlir::RewritePatternSet &patterns);

} // namespace ternion

#endif // TERNION_TARGET_CPU_PASSES_H
