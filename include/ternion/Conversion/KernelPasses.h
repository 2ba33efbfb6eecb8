//===- KernelPasses.h - Fast kernels for lowered tern ops -------*- C++ -*-===//
#ifndef TERNION_CONVERSION_KERNELPASSES_H
#define TERNION_CONVERSION_KERNELPASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace ternion {

#define GEN_PASS_DECL
#include "ternion/Conversion/KernelPasses.h.inc"

#define GEN_PASS_REGISTRATION
#include "ternion/Conversion/KernelPasses.h.inc"

} // namespace ternion

#endif // TERNION_CONVERSION_KERNELPASSES_H
