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
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

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
/// The bytes are borrowed from the attribute (resource blobs and dense
/// storage live as long as the context); only a splat is expanded, into
/// `storage`.
std::optional<ArrayRef<char>> constantBytes(memref::GlobalOp global,
                                            std::vector<char> &storage) {
  auto type = global.getType();
  Type element = type.getElementType();
  if (!type.hasStaticShape() || !element.isIntOrFloat() ||
      element.getIntOrFloatBitWidth() % 8 != 0)
    return std::nullopt;
  size_t elementBytes = element.getIntOrFloatBitWidth() / 8;
  size_t count = type.getNumElements();
  Attribute init = global.getInitialValue().value_or(Attribute());
  ArrayRef<char> data;
  if (auto resource = dyn_cast_or_null<DenseResourceElementsAttr>(init)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    data = blob->getData();
  } else if (auto dense = dyn_cast_or_null<DenseElementsAttr>(init)) {
    data = dense.getRawData();
    if (dense.isSplat() && data.size() == elementBytes) {
      storage.resize(count * elementBytes);
      for (size_t i = 0; i < count; ++i)
        std::copy(data.begin(), data.end(), storage.begin() + i * elementBytes);
      data = storage;
    }
  }
  if (data.size() != count * elementBytes)
    return std::nullopt;
  return data;
}

/// "tern-externalize-weights: 120/201 tensors, 2.10/4.40 GB, 850 MB/s", redrawn
/// in place at most five times a second on a terminal; elsewhere (logs) only
/// the last line is printed.
class WriteProgress {
public:
  WriteProgress(bool enabled, int64_t pieces, int64_t bytes)
      : enabled(enabled), interactive(llvm::errs().is_displayed()), totalPieces(pieces),
        totalBytes(bytes), start(std::chrono::steady_clock::now()), lastDraw(start) {}

  void update(int64_t pieces, int64_t bytes) {
    donePieces = pieces;
    doneBytes = bytes;
    auto now = std::chrono::steady_clock::now();
    if (!enabled || !interactive || now - lastDraw < std::chrono::milliseconds(200))
      return;
    lastDraw = now;
    draw("\r");
  }

  void finish() {
    if (!enabled || totalPieces == 0)
      return;
    draw(interactive ? "\r" : "");
    llvm::errs() << "\n";
  }

private:
  void draw(const char *prefix) {
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    constexpr int kWidth = 24;
    int filled = totalBytes ? int(kWidth * double(doneBytes) / double(totalBytes)) : kWidth;
    llvm::errs() << prefix << "tern-externalize-weights: ["
                 << std::string(filled, '#') << std::string(kWidth - filled, '.') << "] "
                 << donePieces << "/" << totalPieces << " tensors, "
                 << llvm::format("%.2f/%.2f GB, %.0f MB/s", doneBytes / 1e9, totalBytes / 1e9,
                                 seconds > 0 ? doneBytes / 1e6 / seconds : 0.0);
    llvm::errs().flush();
  }

  bool enabled, interactive;
  int64_t totalPieces, totalBytes, donePieces = 0, doneBytes = 0;
  std::chrono::steady_clock::time_point start, lastDraw;
};

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

    // Every use of every symbol, in one walk: only globals read exclusively
    // by get_global in entry points can move (other functions have no
    // weights argument).
    llvm::StringMap<SmallVector<memref::GetGlobalOp>> getters;
    llvm::StringSet<> pinned;
    if (auto uses = SymbolTable::getSymbolUses(&module.getBodyRegion())) {
      for (const SymbolTable::SymbolUse &use : *uses) {
        StringRef name = use.getSymbolRef().getRootReference().getValue();
        auto getter = dyn_cast<memref::GetGlobalOp>(use.getUser());
        auto fn = getter ? getter->getParentOfType<func::FuncOp>() : func::FuncOp();
        if (getter && weightsArg.count(fn))
          getters[name].push_back(getter);
        else
          pinned.insert(name);
      }
    }

    WeightsLayout layout(alignment);
    SmallVector<memref::GlobalOp> moved;
    for (auto global : module.getOps<memref::GlobalOp>()) {
      StringRef name = global.getSymName();
      if (!global.getConstant() || pinned.contains(name) || !getters.count(name))
        continue;
      std::vector<char> storage;
      std::optional<ArrayRef<char>> data = constantBytes(global, storage);
      if (!data || static_cast<int64_t>(data->size()) < minBytes)
        continue;
      int64_t offset = layout.append(*data, std::move(storage));
      for (memref::GetGlobalOp getter : getters[name]) {
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

    std::string checksum;
    if (!weightsFile.empty()) {
      std::string error;
      WriteProgress bar(progress, layout.count(), layout.size());
      FailureOr<std::string> written = layout.writeTo(
          weightsFile, error, [&](int64_t pieces, int64_t bytes) { bar.update(pieces, bytes); });
      bar.finish();
      if (failed(written)) {
        module.emitError() << "tern-externalize-weights: " << error;
        return signalPassFailure();
      }
      checksum = std::move(*written);
    } else {
      checksum = layout.checksum();
    }
    Builder b(ctx);
    module->setAttr("tern.weights",
                    b.getDictionaryAttr({
                        b.getNamedAttr("size", b.getI64IntegerAttr(layout.size())),
                        b.getNamedAttr("alignment", b.getI64IntegerAttr(alignment)),
                        b.getNamedAttr("count", b.getI64IntegerAttr(layout.count())),
                        b.getNamedAttr("checksum", b.getStringAttr(checksum)),
                    }));
  }
};

} // namespace
} // namespace ternion
