//===- ConstantToArith.cpp - constants ------------------------------------===//
#include "ternion/Conversion/Passes.h"

#include "dialects/tern/TernOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace ternion::tern;

namespace ternion {
namespace {

/// Resource blobs of at most this many bytes become dense attributes, which
/// canonicalization can fold; larger ones (weights) stay blobs.
constexpr int64_t kInlineResourceBytes = 256;

/// A small dense_resource as a DenseElementsAttr, or null. Upstream's LLVM
/// lowering of rank-0 memref.globals cannot read resource blobs at all.
DenseElementsAttr inlineSmallResource(DenseResourceElementsAttr resource) {
  auto type = cast<ShapedType>(resource.getType());
  Type element = type.getElementType();
  if (!type.hasStaticShape() || !element.isIntOrFloat())
    return {};
  int64_t width = element.getIntOrFloatBitWidth();
  int64_t bytesPerElement = width == 1 ? 1 : width / 8;
  if (width != 1 && width % 8 != 0)
    return {};
  AsmResourceBlob *blob = resource.getRawHandle().getBlob();
  int64_t count = type.getNumElements();
  if (!blob || count * bytesPerElement > kInlineResourceBytes ||
      static_cast<int64_t>(blob->getData().size()) != count * bytesPerElement)
    return {};
  ArrayRef<char> data = blob->getData();
  if (width == 1) {
    // Blobs hold one byte per bool; dense attributes pack bits.
    SmallVector<bool> bits(data.begin(), data.end());
    return DenseElementsAttr::get(type, bits);
  }
  return DenseElementsAttr::getFromRawBuffer(type, data);
}

/// tern.constant keeps its attribute: weights stay dense_resource blobs,
/// which bufferization turns into read-only globals (and ternion-compile
/// moves into weights.bin).
struct ConstantPattern : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(ConstantOp op, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    auto value = dyn_cast<TypedAttr>(op.getValue());
    if (!value)
      return rewriter.notifyMatchFailure(op, "constant value is not typed");
    if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
      if (DenseElementsAttr dense = inlineSmallResource(resource))
        value = dense;
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, value);
    return success();
  }
};

} // namespace

void populateConstantToArithPatterns(RewritePatternSet &patterns) {
  patterns.add<ConstantPattern>(patterns.getContext());
}

} // namespace ternion
