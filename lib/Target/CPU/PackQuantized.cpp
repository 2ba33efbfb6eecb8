//===- PackQuantized.cpp - the tern-cpu-pack-quantized pass ---------------===//
//
// Passes.td describes the layout; TernAttributes.td defines it. The codes
// are read with the format's own definition and written again, so every
// layout has one definition.
//
//===----------------------------------------------------------------------===//
#include "ternion/Target/CPU/Passes.h"

#include "dialects/tern/ConstantValues.h"
#include "dialects/tern/TernOps.h"
#include "dialects/tern/TernaryCodes.h"
#include "dialects/tern/WeightTransforms.h"
#include "mlir/IR/Builders.h"


namespace ternion {
#define GEN_PASS_DEF_TERNCPUPACKQUANTIZED
#include "ternion/Target/CPU/Passes.h.inc"
} // namespace ternion

using namespace mlir;
using namespace ternion::tern;

namespace ternion {
namespace {

/// The byte and bit offset of code k in `format`.
std::pair<int64_t, int64_t> codePosition(GroupQuantizedAttr format, int64_t k) {
  if (!format.getCodesPerByte()) {
    int64_t bit = k * format.getBits();
    return {bit / 8, bit % 8};
  }
  int64_t block = format.getBlockCodes(), lanes = format.getLanes();
  return {(k / block) * lanes + k % lanes, ((k % block) / lanes) * format.getBits()};
}

struct PackQuantizedPass : impl::TernCpuPackQuantizedBase<PackQuantizedPass> {
  using TernCpuPackQuantizedBase::TernCpuPackQuantizedBase;

  void runOnOperation() override {
    if (lanes < 1 || lanes > 256) {
      getOperation().emitError("tern-cpu-pack-quantized: lanes must be 1..256");
      return signalPassFailure();
    }
    int64_t repacked = 0;
    WalkResult result = getOperation().walk([&](QuantizedLinearOp op) -> WalkResult {
      GroupQuantizedAttr from = op.getWeightFormat();
      int64_t bits = from.getBits();
      // Codes that straddle bytes stay a bit stream; a group must be whole
      // blocks of the register's codes.
      if (8 % bits != 0 || from.getLanes() == lanes || from.getGroup() % (lanes * 8 / bits) != 0)
        return WalkResult::advance();
      auto to = GroupQuantizedAttr::get(&getContext(), bits, from.getGroup(),
                                        from.getColumnScales(), lanes);
      ElementsAttr attr = getConstantAttr(op.getCodes());
      SmallVector<uint8_t> bytes = attr ? getTernaryCodeBytes(attr) : SmallVector<uint8_t>();
      if (bytes.empty())
        return op.emitError("tern-cpu-pack-quantized: the codes are not a constant whose "
                            "bytes are available");
      auto type = cast<RankedTensorType>(attr.getType());
      int64_t n = type.getDimSize(0), rowBytes = type.getDimSize(1);
      int64_t k = rowBytes * 8 / bits; // whole groups, padding included
      unsigned mask = (1u << bits) - 1;
      SmallVector<char> out(bytes.size(), 0);
      for (int64_t row = 0; row < n; ++row)
        for (int64_t i = 0; i < k; ++i) {
          auto [fromByte, fromBit] = codePosition(from, i);
          auto [toByte, toBit] = codePosition(to, i);
          unsigned code = (bytes[row * rowBytes + fromByte] >> fromBit) & mask;
          out[row * rowBytes + toByte] |= static_cast<char>(code << toBit);
        }
      replaceConstantOperand(op.getCodesMutable(), makeResourceElements(type, "quantized", out));
      op.setWeightFormatAttr(to);
      ++repacked;
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return signalPassFailure();
    numRepacked = repacked;
  }
};

} // namespace
} // namespace ternion
