//===- TopK.cpp - top-k selection in compiled code ------------------------===//
#include "TopK.h"
#include "ScfBuilders.h"

#include "ternion/Conversion/LinalgBuilders.h"
#include "ternion/Conversion/ShapeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;

namespace ternion::cpu {
namespace {

/// A key in [0, 2^32) whose unsigned order is the float order of `x` (the
/// sign bit flipped for positives, every bit for negatives), widened to i64
/// so that the bisection's bounds need no unsigned arithmetic.
Value orderKey(OpBuilder &b, Location loc, Value x) {
  Type i32 = b.getI32Type(), i64 = b.getI64Type();
  Value bits = arith::BitcastOp::create(b, loc, i32, x);
  Value negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, bits,
                                         arith::ConstantIntOp::create(b, loc, i32, 0));
  Value flipped = arith::SelectOp::create(
      b, loc, negative,
      arith::XOrIOp::create(b, loc, bits, arith::ConstantIntOp::create(b, loc, i32, -1)),
      arith::XOrIOp::create(
          b, loc, bits,
          arith::ConstantIntOp::create(b, loc, i32, std::numeric_limits<int32_t>::min())));
  return arith::ExtUIOp::create(b, loc, i64, flipped);
}

} // namespace

std::pair<Value, Value> buildTopK(OpBuilder &b, Location loc, Value scores, Value n, Value k,
                                  Value out) {
  Type i64 = b.getI64Type();
  Value c0 = indexConstant(b, loc, 0), c1 = indexConstant(b, loc, 1);
  Value negInf = floatConst(b, loc, b.getF32Type(), -std::numeric_limits<double>::infinity());
  auto i64Const = [&](int64_t v) { return arith::ConstantIntOp::create(b, loc, i64, v); };
  // The scores as f32 (f16 models' too), for the order keys.
  auto scoreAt = [&](OpBuilder &b, Location l, Value i) {
    return convertFloat(b, l, extract(b, l, scores, {i}), b.getF32Type());
  };
  auto eligible = [&](OpBuilder &b, Location l, Value x) {
    return arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x, negInf);
  };
  // How many eligible entries have an order key >= t.
  auto countAtLeast = [&](OpBuilder &b, Location loc, Value t) -> Value {
    Value zero64 = arith::ConstantIntOp::create(b, loc, i64, 0);
    return scf::ForOp::create(
               b, loc, c0, n, c1, ValueRange{zero64},
               [&](OpBuilder &b, Location l, Value i, ValueRange count) {
                 Value x = scoreAt(b, l, i);
                 Value hit = arith::AndIOp::create(
                     b, l, eligible(b, l, x),
                     arith::CmpIOp::create(b, l, arith::CmpIPredicate::uge, orderKey(b, l, x), t));
                 Value add = arith::ExtUIOp::create(b, l, i64, hit);
                 scf::YieldOp::create(b, l, ValueRange{arith::AddIOp::create(b, l, count[0], add)});
               })
        .getResult(0);
  };
  Value k64 = arith::IndexCastOp::create(b, loc, i64, k);
  // Invariant: count(lo) >= k > count(hi), or lo is the lowest eligible key
  // when fewer than k entries are eligible.
  Value lowest = arith::AddIOp::create(b, loc, orderKey(b, loc, negInf), i64Const(1));
  Value highest = i64Const(int64_t(1) << 32);
  auto search = scf::ForOp::create(
      b, loc, c0, indexConstant(b, loc, 33), c1, ValueRange{lowest, highest},
      [&](OpBuilder &b, Location l, Value, ValueRange bounds) {
        Value lo = bounds[0], hi = bounds[1];
        Value open = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sgt,
                                           arith::SubIOp::create(b, l, hi, lo),
                                           arith::ConstantIntOp::create(b, l, i64, 1));
        auto next = ifElse(
            b, l, open,
            [&](OpBuilder &b, Location l) -> SmallVector<Value> {
              Value mid = arith::ShRUIOp::create(b, l, arith::AddIOp::create(b, l, lo, hi),
                                                 arith::ConstantIntOp::create(b, l, i64, 1));
              Value enough = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge,
                                                   countAtLeast(b, l, mid), k64);
              return {arith::SelectOp::create(b, l, enough, mid, lo),
                      arith::SelectOp::create(b, l, enough, hi, mid)};
            },
            [&](OpBuilder &, Location) -> SmallVector<Value> {
              return {lo, hi};
            });
        scf::YieldOp::create(b, l, next);
      });
  Value threshold = search.getResult(0);
  Value above = countAtLeast(b, loc, arith::AddIOp::create(b, loc, threshold, i64Const(1)));
  Value ties = arith::SubIOp::create(b, loc, k64, above);
  auto keep = scf::ForOp::create(
      b, loc, c0, n, c1, ValueRange{out, c0, i64Const(0)},
      [&](OpBuilder &b, Location l, Value i, ValueRange state) {
        Value x = scoreAt(b, l, i);
        Value key = orderKey(b, l, x);
        Value ok = eligible(b, l, x);
        Value greater = arith::AndIOp::create(
            b, l, ok, arith::CmpIOp::create(b, l, arith::CmpIPredicate::ugt, key, threshold));
        Value tie = arith::AndIOp::create(
            b, l, ok,
            arith::AndIOp::create(
                b, l, arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, key, threshold),
                arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, state[2], ties)));
        Value take = arith::OrIOp::create(b, l, greater, tie);
        Value written = ifElse(
            b, l, take,
            [&](OpBuilder &b, Location l) -> SmallVector<Value> {
              return {insert(b, l, i, state[0], {state[1]})};
            },
            [&](OpBuilder &, Location) -> SmallVector<Value> { return {state[0]}; })[0];
        Value count = arith::AddIOp::create(
            b, l, state[1],
            arith::IndexCastOp::create(b, l, b.getIndexType(),
                                       arith::ExtUIOp::create(b, l, i64, take)));
        Value tiesTaken =
            arith::AddIOp::create(b, l, state[2], arith::ExtUIOp::create(b, l, i64, tie));
        scf::YieldOp::create(b, l, ValueRange{written, count, tiesTaken});
      });
  return {keep.getResult(0), keep.getResult(1)};
}

} // namespace ternion::cpu
