//===- TernaryCodes.cpp - packing {-1, 0, +1} weights ---------------------===//
#include "dialects/tern/TernaryCodes.h"
#include "dialects/tern/ConstantValues.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cassert>
#include <cstring>

using namespace mlir;

namespace ternion::tern {

TernaryPosition locateTernary(TernaryAttr format, int64_t k) {
  int64_t lanes = format.getLanes(), block = format.getBlockWeights();
  int64_t inBlock = k % block;
  return {(k / block) * lanes + inBlock % lanes, inBlock / lanes};
}

int64_t readTernaryDigit(TernaryAttr format, uint8_t byte, int64_t digit) {
  if (format.getPacking() == TernaryPacking::I2)
    return (byte >> (2 * digit)) & 3;
  static constexpr int64_t kPowers[5] = {1, 3, 9, 27, 81};
  return (byte / kPowers[digit]) % 3;
}

SmallVector<uint8_t> packTernary(TernaryAttr format, ArrayRef<int8_t> weights, int64_t rows,
                                 int64_t k) {
  assert(int64_t(weights.size()) == rows * k && "weights are not [rows, k]");
  int64_t rowBytes = format.getRowBytes(k), padded = format.getPaddedInputFeatures(k);
  bool i2 = format.getPacking() == TernaryPacking::I2;
  static constexpr int64_t kPowers[5] = {1, 3, 9, 27, 81};
  SmallVector<uint8_t> codes(rows * rowBytes, 0);
  for (int64_t r = 0; r < rows; ++r) {
    uint8_t *row = codes.data() + r * rowBytes;
    for (int64_t c = 0; c < padded; ++c) {
      // Past K the weight is 0: digit 1.
      int64_t digitValue = c < k ? weights[r * k + c] + 1 : 1;
      TernaryPosition at = locateTernary(format, c);
      row[at.byte] += i2 ? digitValue << (2 * at.digit) : digitValue * kPowers[at.digit];
    }
  }
  return codes;
}

SmallVector<int8_t> unpackTernary(TernaryAttr format, ArrayRef<uint8_t> codes, int64_t rows,
                                  int64_t k) {
  int64_t rowBytes = format.getRowBytes(k);
  assert(int64_t(codes.size()) == rows * rowBytes && "codes are not [rows, rowBytes]");
  SmallVector<int8_t> weights(rows * k);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < k; ++c) {
      TernaryPosition at = locateTernary(format, c);
      weights[r * k + c] = readTernaryDigit(format, codes[r * rowBytes + at.byte], at.digit) - 1;
    }
  return weights;
}

ElementsAttr makeTernaryCodesAttr(MLIRContext *ctx, TernaryAttr format,
                                  ArrayRef<int8_t> weights, int64_t rows, int64_t k) {
  SmallVector<uint8_t> codes = packTernary(format, weights, rows, k);
  auto type = RankedTensorType::get({rows, format.getRowBytes(k)}, IntegerType::get(ctx, 8));
  return makeResourceElements(
      type, "ternary", ArrayRef<char>(reinterpret_cast<const char *>(codes.data()), codes.size()));
}

SmallVector<uint8_t> getTernaryCodeBytes(ElementsAttr codes) {
  if (auto dense = dyn_cast<DenseElementsAttr>(codes); dense && dense.isSplat() &&
                                                      dense.getElementType().isInteger(8))
    return SmallVector<uint8_t>(codes.getNumElements(),
                                static_cast<uint8_t>(dense.getSplatValue<int8_t>()));
  ArrayRef<char> bytes = getRawBytes(codes).value_or(ArrayRef<char>());
  if (int64_t(bytes.size()) != codes.getNumElements())
    return {};
  const auto *data = reinterpret_cast<const uint8_t *>(bytes.data());
  return SmallVector<uint8_t>(data, data + bytes.size());
}

} // namespace ternion::tern
