//===- KernelBuilders.cpp - Index arithmetic and loops for the kernels ----===//
//
// Arithmetic is emitted with arith ops on `index` so that it folds to
// constants (canonicalize) when the sizes are static, and stays correct
// when they are not.
//
//===----------------------------------------------------------------------===//
#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace ternion::kernels {

Value index(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

Value addIndex(OpBuilder &b, Location loc, Value v, int64_t offset) {
  if (offset == 0)
    return v;
  return arith::AddIOp::create(b, loc, v, index(b, loc, offset));
}

Value roundDown(OpBuilder &b, Location loc, Value v, int64_t step) {
  if (step == 1)
    return v;
  Value rem = arith::RemUIOp::create(b, loc, v, index(b, loc, step));
  return arith::SubIOp::create(b, loc, v, rem);
}

void forLoop(OpBuilder &b, Location loc, Value lb, Value ub, int64_t step,
             const std::function<void(OpBuilder &, Value)> &body) {
  scf::ForOp::create(b, loc, lb, ub, index(b, loc, step), ValueRange{},
                     [&](OpBuilder &nested, Location nestedLoc, Value iv, ValueRange) {
                       body(nested, iv);
                       scf::YieldOp::create(nested, nestedLoc);
                     });
}

} // namespace ternion::kernels
