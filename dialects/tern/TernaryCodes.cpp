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
  if (format.interleavesRows())
    return {k / 4, k % 4};
  int64_t lanes = format.getLanes(), block = format.getBlockWeights();
  int64_t inBlock = k % block;
  return {(k / block) * lanes + inBlock % lanes, inBlock / lanes};
}

int64_t getTernaryByteOffset(TernaryAttr format, int64_t rowBytes, int64_t row, int64_t byte) {
  if (!format.interleavesRows())
    return row * rowBytes + byte;
  int64_t lanes = format.getLanes();
  return ((row / lanes) * rowBytes + byte) * lanes + row % lanes;
}

/// The pair index of digits (d0, d1): its nibble in a `pairs` byte.
static int64_t pairIndex(int64_t first, int64_t second) { return 3 * first + second; }

int64_t readTernaryDigit(TernaryAttr format, uint8_t byte, int64_t digit) {
  switch (format.getPacking()) {
  case TernaryPacking::I2:
    return (byte >> (2 * digit)) & 3;
  case TernaryPacking::Pairs: {
    int64_t index = (byte >> (4 * (digit / 2))) & 15;
    return digit % 2 == 0 ? index / 3 : index % 3;
  }
  case TernaryPacking::Base3:
    break;
  }
  static constexpr int64_t kPowers[5] = {1, 3, 9, 27, 81};
  return (byte / kPowers[digit]) % 3;
}

SmallVector<uint8_t> packTernary(TernaryAttr format, ArrayRef<int8_t> weights, int64_t rows,
                                 int64_t k) {
  assert(int64_t(weights.size()) == rows * k && "weights are not [rows, k]");
  assert((!format.interleavesRows() || rows % format.getLanes() == 0) &&
         "pairs codes interleave whole tiles of rows");
  int64_t rowBytes = format.getRowBytes(k), padded = format.getPaddedInputFeatures(k);
  static constexpr int64_t kPowers[5] = {1, 3, 9, 27, 81};
  // Past K the weight is 0: digit 1.
  auto digitAt = [&](int64_t r, int64_t c) { return c < k ? weights[r * k + c] + 1 : 1; };
  SmallVector<uint8_t> codes(rows * rowBytes, 0);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < padded; ++c) {
      TernaryPosition at = locateTernary(format, c);
      uint8_t &byte = codes[getTernaryByteOffset(format, rowBytes, r, at.byte)];
      switch (format.getPacking()) {
      case TernaryPacking::I2:
        byte += digitAt(r, c) << (2 * at.digit);
        break;
      case TernaryPacking::Base3:
        byte += digitAt(r, c) * kPowers[at.digit];
        break;
      case TernaryPacking::Pairs:
        // Each pair once, from its first weight.
        if (at.digit % 2 == 0)
          byte += pairIndex(digitAt(r, c), digitAt(r, c + 1)) << (4 * (at.digit / 2));
        break;
      }
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
      uint8_t byte = codes[getTernaryByteOffset(format, rowBytes, r, at.byte)];
      weights[r * k + c] = readTernaryDigit(format, byte, at.digit) - 1;
    }
  return weights;
}

ElementsAttr makeTernaryCodesAttr(MLIRContext *ctx, TernaryAttr format,
                                  ArrayRef<int8_t> weights, int64_t rows, int64_t k) {
  SmallVector<uint8_t> codes = packTernary(format, weights, rows, k);
  auto i8 = IntegerType::get(ctx, 8);
  int64_t rowBytes = format.getRowBytes(k), lanes = format.getLanes();
  auto type = format.interleavesRows()
                  ? RankedTensorType::get({rows / lanes, rowBytes, lanes}, i8)
                  : RankedTensorType::get({rows, rowBytes}, i8);
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
