//===- Broadcast.h - numpy broadcasting as linalg indexing maps -*- C++ -*-===//
#ifndef TERNION_LIB_CONVERSION_TERNTOLINALG_BROADCAST_H
#define TERNION_LIB_CONVERSION_TERNTOLINALG_BROADCAST_H

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace ternion {

/// The indexing map that reads `operandType` inside an iteration space of
/// `numLoops` loops whose trailing `resultRank` loops index the result
/// (`loopOffset` leading loops are skipped): dims are aligned from the end,
/// and a static 1 broadcasts (reads index 0).
mlir::AffineMap getBroadcastMap(mlir::MLIRContext *ctx, mlir::RankedTensorType operandType,
                                llvm::ArrayRef<int64_t> resultShape, unsigned numLoops,
                                unsigned loopOffset = 0);

/// tensor.empty of `resultType`; each dynamic dim is read (tensor.dim) from
/// the first operand that has it and does not broadcast there. Null when no
/// operand determines a dynamic dim.
mlir::Value createEmptyLike(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::RankedTensorType resultType, mlir::ValueRange operands);

} // namespace ternion

#endif // TERNION_LIB_CONVERSION_TERNTOLINALG_BROADCAST_H
