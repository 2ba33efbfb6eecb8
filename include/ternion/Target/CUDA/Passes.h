//===- Passes.h - The CUDA target's passes ----------------------*- C++ -*-===//
#ifndef TERNION_TARGET_CUDA_PASSES_H
#define TERNION_TARGET_CUDA_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Pass/Pass.h"

namespace ternion {

#define GEN_PASS_DECL
#include "ternion/Target/CUDA/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "ternion/Target/CUDA/Passes.h.inc"

} // namespace ternion

#endif // TERNION_TARGET_CUDA_PASSES_H
