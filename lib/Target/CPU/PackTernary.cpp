//===- PackTernary.cpp - the tern-cpu-pack-ternary pass -------------------===//
//
// Passes.td describes the layout; TernaryCodes.h defines it. Unpacking to
// {-1, 0, +1} and packing again keeps the one definition of every format.
//
//===----------------------------------------------------------------------===//
#include "ternion/Target/CPU/Passes.h"

#include "dialects/tern/ConstantValues.h"
#include "dialects/tern/TernOps.h"
#include "dialects/tern/TernaryCodes.h"
#include "dialects/tern/WeightTransforms.h"
#include "mlir/IR/Builders.h"

namespace ternion {
#define GEN_PASS_DEF_TERNCPUPACKTERNARY
#include "ternion/Target/CPU/Passes.h.inc"
} // namespace ternion

using namespace mlir;
using namespace ternion::tern;

namespace ternion {
namespace {

struct PackTernaryPass : impl::TernCpuPackTernaryBase<PackTernaryPass> {
  using TernCpuPackTernaryBase::TernCpuPackTernaryBase;

  /// `lanes`, or for base3 a narrower register (down to 16 bytes) when
  /// that pads K less: a block is 5 x lanes weights, and K is rarely a
  /// multiple of 320 (K = 2048: 2240 at 64 lanes, 2080 at 32). For the
  /// lookup-table kernel, `pairs` over the widest tile of rows (down to 16)
  /// that divides N; when none does, the multiply-add layout.
  TernaryAttr chooseFormat(TernaryPacking packing, int64_t n, int64_t k) {
    if (kernel == "lut")
      for (int64_t rows = lanes; rows >= 16; rows /= 2)
        if (n % rows == 0)
          return TernaryAttr::get(&getContext(), TernaryPacking::Pairs, rows);
    auto format = TernaryAttr::get(&getContext(), packing, lanes);
    if (packing != TernaryPacking::Base3)
      return format;
    for (int64_t narrower = lanes / 2; narrower >= 16; narrower /= 2) {
      auto candidate = TernaryAttr::get(&getContext(), packing, narrower);
      if (candidate.getRowBytes(k) < format.getRowBytes(k))
        format = candidate;
    }
    return format;
  }

  void runOnOperation() override {
    if (lanes < 1 || lanes > 256) {
      getOperation().emitError("tern-cpu-pack-ternary: lanes must be 1..256");
      return signalPassFailure();
    }
    if (kernel != "mad" && kernel != "lut") {
      getOperation().emitError() << "tern-cpu-pack-ternary: kernel must be mad or lut, not '"
                                 << kernel << "'";
      return signalPassFailure();
    }
    int64_t repacked = 0, keptMad = 0;
    WalkResult result = getOperation().walk([&](TernaryLinearOp op) -> WalkResult {
      TernaryAttr from = op.getWeightFormat();
      if (kernel == "lut" && from.getPacking() == TernaryPacking::Base3)
        return op.emitError("tern-cpu-pack-ternary: the lookup-table kernel reads 2-bit pair "
                            "codes; base3 codes (--ternary-format=base3) run only on the "
                            "multiply-add kernel (--ternary-kernel=mad)");
      int64_t k = op.getInputFeatures();
      auto codesType = cast<ShapedType>(op.getCodes().getType());
      FailureOr<int64_t> n = from.getOutputFeatures(codesType.getShape());
      if (failed(n) || ShapedType::isDynamic(*n))
        return op.emitError("tern-cpu-pack-ternary: codes of unknown N");
      TernaryAttr to = chooseFormat(from.getPacking(), *n, k);
      if (kernel == "lut" && !to.interleavesRows())
        ++keptMad;
      if (from == to)
        return WalkResult::advance();
      ElementsAttr attr = getConstantAttr(op.getCodes());
      SmallVector<uint8_t> bytes = attr ? getTernaryCodeBytes(attr) : SmallVector<uint8_t>();
      if (bytes.empty())
        return op.emitError("tern-cpu-pack-ternary: the codes are not a constant whose "
                            "bytes are available");
      SmallVector<int8_t> weights = unpackTernary(from, bytes, *n, k);
      replaceConstantOperand(op.getCodesMutable(),
                             makeTernaryCodesAttr(&getContext(), to, weights, *n, k));
      op.setWeightFormatAttr(to);
      ++repacked;
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return signalPassFailure();
    numRepacked = repacked;
    numKeptMultiplyAdd = keptMad;
  }
};

} // namespace
} // namespace ternion
