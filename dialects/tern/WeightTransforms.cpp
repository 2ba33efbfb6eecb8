//===- WeightTransforms.cpp - compile-time rewrites of weights ------------===//
#include "dialects/tern/WeightTransforms.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include <cstring>

using namespace mlir;

namespace ternion::tern {

/// Raw row-major bytes of a non-splat constant.
static std::optional<ArrayRef<char>> getRawBytes(ElementsAttr attr) {
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    if (AsmResourceBlob *blob = resource.getRawHandle().getBlob())
      return blob->getData();
    return std::nullopt;
  }
  if (auto dense = dyn_cast<DenseElementsAttr>(attr); dense && !dense.isSplat())
    return dense.getRawData();
  return std::nullopt;
}

ElementsAttr transposeConstant2D(ElementsAttr attr) {
  auto type = dyn_cast<RankedTensorType>(attr.getType());
  if (!type || type.getRank() != 2 || !type.hasStaticShape() ||
      !type.getElementType().isIntOrFloat() ||
      type.getElementType().getIntOrFloatBitWidth() % 8 != 0)
    return {};
  std::optional<ArrayRef<char>> bytes = getRawBytes(attr);
  size_t width = type.getElementType().getIntOrFloatBitWidth() / 8;
  int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
  if (!bytes || bytes->size() != size_t(rows * cols) * width)
    return {};
  AsmResourceBlob blob = HeapAsmResourceBlob::allocate(bytes->size(), /*align=*/64);
  char *out = blob.getMutableData().data();
  const char *in = bytes->data();
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      std::memcpy(out + (c * rows + r) * width, in + (r * cols + c) * width, width);
  auto transposedType = RankedTensorType::get({cols, rows}, type.getElementType());
  return DenseResourceElementsAttr::get(transposedType, "transposed", std::move(blob));
}

ElementsAttr packConstantPanels(ElementsAttr attr, int64_t width) {
  auto type = dyn_cast<RankedTensorType>(attr.getType());
  if (width < 1 || !type || type.getRank() != 2 || !type.hasStaticShape() ||
      !type.getElementType().isIntOrFloat() ||
      type.getElementType().getIntOrFloatBitWidth() % 8 != 0 ||
      type.getDimSize(0) % width != 0)
    return {};
  std::optional<ArrayRef<char>> bytes = getRawBytes(attr);
  size_t size = type.getElementType().getIntOrFloatBitWidth() / 8;
  int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
  if (!bytes || bytes->size() != size_t(rows * cols) * size)
    return {};
  AsmResourceBlob blob = HeapAsmResourceBlob::allocate(bytes->size(), /*align=*/64);
  char *out = blob.getMutableData().data();
  const char *in = bytes->data();
  // Row r = p * width + j of the input is column j of panel p.
  for (int64_t r = 0; r < rows; ++r) {
    int64_t panel = r / width, j = r % width;
    for (int64_t c = 0; c < cols; ++c)
      std::memcpy(out + ((panel * cols + c) * width + j) * size, in + (r * cols + c) * size,
                  size);
  }
  auto packedType =
      RankedTensorType::get({rows / width, cols, width}, type.getElementType());
  return DenseResourceElementsAttr::get(packedType, "panels", std::move(blob));
}

} // namespace ternion::tern
