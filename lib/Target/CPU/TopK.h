//===- TopK.h - top-k selection in compiled code ----------------*- C++ -*-===//
//
// Builds, in scf and arith on tensors, the selection of the k largest
// entries of a 1-D float tensor: the sparse attention estimates' kept
// columns, diagonals and blocks.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_TARGET_CPU_TOPK_H
#define TERNION_TARGET_CPU_TOPK_H

#include "mlir/IR/Builders.h"

#include <utility>

namespace ternion::cpu {

/// Indices of the `k` largest entries of the float `scores[0, n)` in
/// ascending index order, written from position 0 of the 1-D index tensor
/// `out`; returns (out, count), count = min(k, eligible entries). -inf and
/// NaN are never chosen (causally masked entries), ties go to the lower
/// index. An exact bisection over the entries' order keys (the float bits
/// made monotonic as unsigned integers) finds the k-th largest in 33
/// counting passes, then one pass keeps what is above it: O(33 n) with no
/// sort and no scratch memory, and the kept indices come out sorted, which
/// is the order the sparse attention's index builder wants.
std::pair<mlir::Value, mlir::Value> buildTopK(mlir::OpBuilder &b, mlir::Location loc,
                                              mlir::Value scores, mlir::Value n, mlir::Value k,
                                              mlir::Value out);

} // namespace ternion::cpu

#endif // TERNION_TARGET_CPU_TOPK_H
