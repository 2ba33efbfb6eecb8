//===- ExternalizeWeights.cpp - constants into the weights file -----------===//
//
// A model's weights are most of its bytes. Left as LLVM globals they would
// be compiled into model.so (slow to compile, copied into memory at load);
// in weights.bin they are mmapped read-only and shared between processes.
// Bufferized IR is the right place for this: each constant is exactly one
// memref.global, and every later stage only sees a memref.view of a
// function argument.
//
//===----------------------------------------------------------------------===//
#include "ternion/Artifact/Passes.h"

#include "ternion/Artifact/WeightsLayout.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

namespace ternion {
#define GEN_PASS_DEF_EXTERNALIZEWEIGHTS
#include "ternion/Artifact/Passes.h.inc"
} // namespace ternion

using namespace mlir;

namespace ternion {
namespace {

/// The bytes of a constant global in memory order, or nullopt when its
/// storage is not plain bytes (i1 is bit-packed in attributes but byte-sized
/// in memory; sub-byte and non-power-of-two widths likewise stay inline).
std::optional<std::vector<char>> constantBytes(memref::GlobalOp global) {
  auto type = global.getType();
  Type element = type.getElementType();
  if (!type.hasStaticShape() || !element.isIntOrFloat() ||
      element.getIntOrFloatBitWidth() % 8 != 0)
    return std::nullopt;
  size_t elementBytes = element.getIntOrFloatBitWidth() / 8;
  size_t count = type.getNumElements();
  Attribute init = global.getInitialValue().value_or(Attribute());
  if (auto resource = dyn_cast_or_null<DenseResourceElementsAttr>(init)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || blob->getData().size() != count * elementBytes)
      return std::nullopt;
    ArrayRef<char> data = blob->getData();
    return std::vector<char>(data.begin(), data.end());
  }
  auto dense = dyn_cast_or_null<DenseElementsAttr>(init);
  if (!dense)
    return std::nullopt;
  ArrayRef<char> raw = dense.getRawData();
  if (dense.isSplat()) {
    if (raw.size() != elementBytes)
      return std::nullopt;
    std::vector<char> bytes(count * elementBytes);
    for (size_t i = 0; i < count; ++i)
      std::copy(raw.begin(), raw.end(), bytes.begin() + i * elementBytes);
    return bytes;
  }
  if (raw.size() != count * elementBytes)
    return std::nullopt;
  return std::vector<char>(raw.begin(), raw.end());
}

struct ExternalizeWeightsPass
    : impl::ExternalizeWeightsBase<ExternalizeWeightsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    int64_t align = alignment;
    if (align <= 0 || !llvm::isPowerOf2_64(align)) {
      module.emitError() << "tern-externalize-weights: alignment " << align
                         << " is not a power of two";
      return signalPassFailure();
    }

    // Public functions are the artifact's entry points: each takes the
    // weights mapping as its last argument, used or not, so the ABI is one
    // shape for every function.
    auto weightsType = MemRefType::get({ShapedType::kDynamic}, IntegerType::get(ctx, 8));
    llvm::DenseMap<func::FuncOp, Value> weightsArg;
    for (auto fn : module.getOps<func::FuncOp>()) {
      if (!fn.isPublic() || fn.isExternal())
        continue;
      unsigned index = fn.getNumArguments();
      if (failed(fn.insertArgument(index, weightsType,
                                   DictionaryAttr::get(ctx, {NamedAttribute(
                                       StringAttr::get(ctx, "tern.weights"),
                                       UnitAttr::get(ctx))}),
                                   fn.getLoc()))) {
        fn.emitError("cannot add the weights argument");
        return signalPassFailure();
      }
      weightsArg[fn] = fn.getArgument(index);
    }

    WeightsLayout layout(alignment);
    SmallVector<memref::GlobalOp> moved;
    SymbolTable symbols(module);
    for (auto global : llvm::make_early_inc_range(module.getOps<memref::GlobalOp>())) {
      if (!global.getConstant())
        continue;
      auto uses = SymbolTable::getSymbolUses(global, module);
      if (!uses)
        continue;
      // Only globals used exclusively from entry points can move: other
      // functions have no weights argument.
      SmallVector<memref::GetGlobalOp> getters;
      bool movable = true;
      for (const SymbolTable::SymbolUse &use : *uses) {
        auto getter = dyn_cast<memref::GetGlobalOp>(use.getUser());
        auto fn = getter ? getter->getParentOfType<func::FuncOp>() : func::FuncOp();
        if (!getter || !weightsArg.count(fn)) {
          movable = false;
          break;
        }
        getters.push_back(getter);
      }
      if (!movable)
        continue;
      int64_t bytes = global.getType().getNumElements() *
                      (global.getType().getElementType().isIntOrFloat()
                           ? global.getType().getElementType().getIntOrFloatBitWidth() / 8
                           : 0);
      if (bytes < minBytes)
        continue;
      std::optional<std::vector<char>> data = constantBytes(global);
      if (!data)
        continue;
      int64_t offset = layout.append(std::move(*data));
      for (memref::GetGlobalOp getter : getters) {
        OpBuilder b(getter);
        auto fn = getter->getParentOfType<func::FuncOp>();
        Value shift = arith::ConstantIndexOp::create(b, getter.getLoc(), offset);
        Value view = memref::ViewOp::create(b, getter.getLoc(), getter.getType(),
                                            weightsArg[fn], shift, ValueRange());
        getter.replaceAllUsesWith(view);
        getter.erase();
      }
      moved.push_back(global);
    }
    for (memref::GlobalOp global : moved)
      global.erase();

    if (!weightsFile.empty()) {
      std::string error;
      if (failed(layout.writeTo(weightsFile, error))) {
        module.emitError() << "tern-externalize-weights: " << error;
        return signalPassFailure();
      }
    }
    Builder b(ctx);
    module->setAttr("tern.weights",
                    b.getDictionaryAttr({
                        b.getNamedAttr("size", b.getI64IntegerAttr(layout.size())),
                        b.getNamedAttr("alignment", b.getI64IntegerAttr(alignment)),
                        b.getNamedAttr("count", b.getI64IntegerAttr(layout.count())),
                        b.getNamedAttr("checksum", b.getStringAttr(layout.checksum())),
                    }));
  }
};

} // namespace
} // namespace ternion
