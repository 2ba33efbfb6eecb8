//===- ScfBuilders.h - small scf and tensor builders ------------*- C++ -*-===//
//
// Shorthands for the code the sparse attention lowering and top-k build
// out of scalar loops: an scf.if with results, and scalar reads and writes
// of tensors.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_TARGET_CPU_SCFBUILDERS_H
#define TERNION_TARGET_CPU_SCFBUILDERS_H

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

namespace ternion::cpu {

/// scf.if whose branches yield what `then` and `otherwise` build.
inline llvm::SmallVector<mlir::Value>
ifElse(mlir::OpBuilder &b, mlir::Location loc, mlir::Value condition,
       llvm::function_ref<llvm::SmallVector<mlir::Value>(mlir::OpBuilder &, mlir::Location)> then,
       llvm::function_ref<llvm::SmallVector<mlir::Value>(mlir::OpBuilder &, mlir::Location)>
           otherwise) {
  return mlir::scf::IfOp::create(
             b, loc, condition,
             [&](mlir::OpBuilder &b, mlir::Location l) {
               mlir::scf::YieldOp::create(b, l, then(b, l));
             },
             [&](mlir::OpBuilder &b, mlir::Location l) {
               mlir::scf::YieldOp::create(b, l, otherwise(b, l));
             })
      .getResults();
}

inline mlir::Value extract(mlir::OpBuilder &b, mlir::Location loc, mlir::Value tensor,
                           llvm::ArrayRef<mlir::Value> indices) {
  return mlir::tensor::ExtractOp::create(b, loc, tensor, indices);
}

inline mlir::Value insert(mlir::OpBuilder &b, mlir::Location loc, mlir::Value scalar,
                          mlir::Value tensor, llvm::ArrayRef<mlir::Value> indices) {
  return mlir::tensor::InsertOp::create(b, loc, scalar, tensor, indices);
}

} // namespace ternion::cpu

#endif // TERNION_TARGET_CPU_SCFBUILDERS_H
