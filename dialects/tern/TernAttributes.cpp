//===- TernAttributes.cpp - weight formats --------------------------------===//
#include "dialects/tern/TernAttributes.h"

#include "dialects/tern/TernDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace ternion::tern;

#include "dialects/tern/TernAttrInterfaces.cpp.inc"
#include "dialects/tern/TernEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/tern/TernAttributes.cpp.inc"

namespace {

/// ceil(k / per) for a static k; dynamic stays dynamic.
int64_t packedSize(int64_t k, int64_t per) {
  return ShapedType::isDynamic(k) ? ShapedType::kDynamic : (k + per - 1) / per;
}

/// The bit width of a float or integer element type (0 for others).
double elementBits(Type type) {
  return type.isIntOrFloat() ? static_cast<double>(type.getIntOrFloatBitWidth()) : 0.0;
}

} // namespace

void TernDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/tern/TernAttributes.cpp.inc"
      >();
}

//===- #tern.rows ---------------------------------------------------------===//

FailureOr<SmallVector<int64_t>> RowsAttr::getStoredShape(int64_t n, int64_t k) const {
  return SmallVector<int64_t>{n, k};
}

FailureOr<int64_t> RowsAttr::getOutputFeatures(ArrayRef<int64_t> storedShape) const {
  if (storedShape.size() != 2)
    return failure();
  return storedShape[0];
}

double RowsAttr::getBitsPerWeight(Type storedElementType) const {
  return elementBits(storedElementType);
}

//===- #tern.panels<P> ----------------------------------------------------===//

LogicalResult PanelsAttr::verify(function_ref<InFlightDiagnostic()> emitError, int64_t width) {
  if (width < 1)
    return emitError() << "#tern.panels width must be positive, not " << width;
  return success();
}

FailureOr<SmallVector<int64_t>> PanelsAttr::getStoredShape(int64_t n, int64_t k) const {
  int64_t width = getWidth();
  if (ShapedType::isDynamic(n))
    return SmallVector<int64_t>{ShapedType::kDynamic, k, width};
  if (n % width != 0)
    return failure();
  return SmallVector<int64_t>{n / width, k, width};
}

FailureOr<int64_t> PanelsAttr::getOutputFeatures(ArrayRef<int64_t> storedShape) const {
  if (storedShape.size() != 3 || storedShape[2] != getWidth())
    return failure();
  return ShapedType::isDynamic(storedShape[0]) ? ShapedType::kDynamic
                                               : storedShape[0] * getWidth();
}

double PanelsAttr::getBitsPerWeight(Type storedElementType) const {
  return elementBits(storedElementType);
}

//===- #tern.ternary<packing> ---------------------------------------------===//

/// Weights per stored byte.
static int64_t weightsPerByte(TernaryPacking packing) {
  return packing == TernaryPacking::I2 ? 4 : 5;
}

FailureOr<SmallVector<int64_t>> TernaryAttr::getStoredShape(int64_t n, int64_t k) const {
  return SmallVector<int64_t>{n, packedSize(k, weightsPerByte(getPacking()))};
}

FailureOr<int64_t> TernaryAttr::getOutputFeatures(ArrayRef<int64_t> storedShape) const {
  if (storedShape.size() != 2)
    return failure();
  return storedShape[0];
}

double TernaryAttr::getBitsPerWeight(Type) const {
  return 8.0 / static_cast<double>(weightsPerByte(getPacking()));
}

//===- #tern.group_quantized<bits, group, column_scales> ------------------===//

LogicalResult GroupQuantizedAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                         int64_t bits, int64_t group, BoolAttr columnScales) {
  if (bits < 2 || bits > 8)
    return emitError() << "#tern.group_quantized bits must be 2..8, not " << bits;
  if (group < 1)
    return emitError() << "#tern.group_quantized group must be positive, not " << group;
  if (!columnScales)
    return emitError() << "#tern.group_quantized needs column_scales = true or false";
  return success();
}

FailureOr<SmallVector<int64_t>> GroupQuantizedAttr::getStoredShape(int64_t n, int64_t k) const {
  // Codes are packed along K; a row must be whole groups and whole bytes.
  if (!ShapedType::isDynamic(k) && (k % getGroup() != 0 || (k * getBits()) % 8 != 0))
    return failure();
  int64_t bytes = ShapedType::isDynamic(k) ? ShapedType::kDynamic : k * getBits() / 8;
  return SmallVector<int64_t>{n, bytes};
}

FailureOr<int64_t> GroupQuantizedAttr::getOutputFeatures(ArrayRef<int64_t> storedShape) const {
  if (storedShape.size() != 2)
    return failure();
  return storedShape[0];
}

double GroupQuantizedAttr::getBitsPerWeight(Type) const {
  return static_cast<double>(getBits());
}
