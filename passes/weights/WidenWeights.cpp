//===- WidenWeights.cpp - the tern-widen-weights pass ---------------------===//
//
// Passes.td says what and why. The conversion is HalfFloat.h's bit
// arithmetic, not APFloat: a 1.1B-parameter model has a billion of them.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "dialects/tern/ConstantValues.h"
#include "dialects/tern/HalfFloat.h"
#include "dialects/tern/TernOps.h"
#include "dialects/tern/WeightMemory.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cstring>

namespace ternion {
#define GEN_PASS_DEF_TERNWIDENWEIGHTS
#include "passes/Passes.h.inc"
} // namespace ternion

using namespace mlir;
using namespace ternion::tern;

namespace ternion {
namespace {

/// The f32 value of each 16-bit element of `in`.
void widen(ArrayRef<char> in, char *out, bool bfloat) {
  size_t count = in.size() / 2;
  const auto *source = reinterpret_cast<const uint16_t *>(in.data());
  auto *target = reinterpret_cast<float *>(out);
  for (size_t i = 0; i < count; ++i)
    target[i] = bfloat ? bfloatToFloat(source[i]) : halfToFloat(source[i]);
}

struct WidenWeightsPass : impl::TernWidenWeightsBase<WidenWeightsPass> {
  using Base::Base;

  void runOnOperation() override {
    int64_t widened = 0, bytes = 0;
    getOperation().walk([&](CastOp cast) {
      auto type = dyn_cast<RankedTensorType>(cast.getOutput().getType());
      if (!type || !type.getElementType().isF32() || !type.hasStaticShape())
        return;
      ElementsAttr attr = getConstantAttr(cast.getInput());
      if (!attr)
        return;
      Type from = attr.getElementType();
      if (!from.isF16() && !from.isBF16())
        return;
      std::optional<ArrayRef<char>> in = getRawBytes(attr);
      if (!in || in->size() != size_t(type.getNumElements()) * 2)
        return; // splats fold in the canonicalizer
      AsmResourceBlob blob = allocateWeightBlob(in->size() * 2, /*alignment=*/64);
      widen(*in, blob.getMutableData().data(), from.isBF16());
      evictWeightPages(*in);
      evictWeightPages(blob.getData());
      auto resource = DenseResourceElementsAttr::get(type, "widened", std::move(blob));
      OpBuilder builder(cast);
      cast.getOutput().replaceAllUsesWith(
          ConstantOp::create(builder, cast.getLoc(), resource).getResult());
      cast.erase();
      ++widened;
      bytes += int64_t(in->size()) * 2;
    });
    if (report)
      getOperation().emitRemark() << "tern-widen-weights: " << widened
                                  << " 16-bit weights widened to f32 (" << bytes << " bytes)";
  }
};

} // namespace
} // namespace ternion
