//===- ConstantValues.cpp - reading constant tensors ----------------------===//
#include "dialects/tern/ConstantValues.h"
#include "dialects/tern/WeightMemory.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include <cstring>

using namespace mlir;

namespace ternion::tern {

/// The raw bytes of a dense_resource attribute, or nullopt when its blob is
/// missing (a parsed module whose resource section was dropped).
static std::optional<ArrayRef<char>> getResourceBytes(DenseResourceElementsAttr attr) {
  AsmResourceBlob *blob = attr.getRawHandle().getBlob();
  if (!blob)
    return std::nullopt;
  return blob->getData();
}

std::optional<ArrayRef<char>> getRawBytes(ElementsAttr attr) {
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr))
    return getResourceBytes(resource);
  if (auto dense = dyn_cast<DenseElementsAttr>(attr); dense && !dense.isSplat())
    return dense.getRawData();
  return std::nullopt;
}

ElementsAttr makeResourceElements(RankedTensorType type, StringRef name, ArrayRef<char> bytes) {
  AsmResourceBlob blob = allocateWeightBlob(bytes.size(), /*alignment=*/64);
  std::memcpy(blob.getMutableData().data(), bytes.data(), bytes.size());
  return DenseResourceElementsAttr::get(type, name, std::move(blob));
}

std::optional<SmallVector<int64_t>> getIntValues(Attribute attr) {
  auto elements = dyn_cast_or_null<ElementsAttr>(attr);
  if (!elements)
    return std::nullopt;
  Type elementType = elements.getElementType();
  if (!elementType.isIntOrIndex())
    return std::nullopt;
  bool isUnsigned = elementType.isUnsignedInteger() || elementType.isInteger(1);
  SmallVector<int64_t> values;
  if (auto dense = dyn_cast<DenseIntElementsAttr>(attr)) {
    for (const APInt &v : dense.getValues<APInt>())
      values.push_back(isUnsigned ? int64_t(v.getZExtValue()) : v.getSExtValue());
    return values;
  }
  auto resource = dyn_cast<DenseResourceElementsAttr>(attr);
  if (!resource)
    return std::nullopt;
  std::optional<ArrayRef<char>> bytes = getResourceBytes(resource);
  if (!bytes)
    return std::nullopt;
  unsigned width = elementType.isIndex() ? 64 : elementType.getIntOrFloatBitWidth();
  unsigned byteWidth = std::max(1u, width / 8);
  int64_t count = elements.getNumElements();
  if (int64_t(bytes->size()) != count * int64_t(byteWidth))
    return std::nullopt;
  for (int64_t i = 0; i < count; ++i) {
    const char *p = bytes->data() + i * byteWidth;
    int64_t v = 0;
    switch (byteWidth) {
    case 1: v = isUnsigned ? int64_t(uint8_t(*p)) : int64_t(int8_t(*p)); break;
    case 2: { int16_t x; std::memcpy(&x, p, 2); v = isUnsigned ? int64_t(uint16_t(x)) : x; break; }
    case 4: { int32_t x; std::memcpy(&x, p, 4); v = isUnsigned ? int64_t(uint32_t(x)) : x; break; }
    case 8: std::memcpy(&v, p, 8); break;
    default: return std::nullopt;
    }
    values.push_back(v);
  }
  return values;
}

std::optional<SmallVector<double>> getFloatValues(Attribute attr) {
  auto elements = dyn_cast_or_null<ElementsAttr>(attr);
  if (!elements || !isa<FloatType>(elements.getElementType()))
    return std::nullopt;
  SmallVector<double> values;
  if (auto dense = dyn_cast<DenseFPElementsAttr>(attr)) {
    for (const APFloat &v : dense.getValues<APFloat>()) {
      APFloat d = v;
      bool lost;
      d.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
      values.push_back(d.convertToDouble());
    }
    return values;
  }
  auto resource = dyn_cast<DenseResourceElementsAttr>(attr);
  if (!resource)
    return std::nullopt;
  std::optional<ArrayRef<char>> bytes = getResourceBytes(resource);
  Type t = elements.getElementType();
  int64_t count = elements.getNumElements();
  if (!bytes || !(t.isF32() || t.isF64()))
    return std::nullopt;
  size_t width = t.isF32() ? 4 : 8;
  if (bytes->size() != size_t(count) * width)
    return std::nullopt;
  for (int64_t i = 0; i < count; ++i) {
    const char *p = bytes->data() + i * width;
    if (t.isF32()) {
      float f;
      std::memcpy(&f, p, 4);
      values.push_back(f);
    } else {
      double d;
      std::memcpy(&d, p, 8);
      values.push_back(d);
    }
  }
  return values;
}

ElementsAttr getConstantAttr(Value value) {
  if (!value)
    return {};
  Attribute attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return {};
  return dyn_cast<ElementsAttr>(attr);
}

std::optional<SmallVector<int64_t>> getConstantIntValues(Value value) {
  ElementsAttr attr = getConstantAttr(value);
  if (!attr)
    return std::nullopt;
  return getIntValues(attr);
}

std::optional<double> getConstantScalarFloat(Value value) {
  ElementsAttr attr = getConstantAttr(value);
  if (!attr || attr.getNumElements() != 1)
    return std::nullopt;
  if (auto f = getFloatValues(attr))
    return (*f)[0];
  if (auto i = getIntValues(attr))
    return double((*i)[0]);
  return std::nullopt;
}

DenseElementsAttr makeI64Elements(MLIRContext *ctx, ArrayRef<int64_t> shape,
                                  ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get(shape, IntegerType::get(ctx, 64));
  return DenseElementsAttr::get(type, values);
}

} // namespace ternion::tern
