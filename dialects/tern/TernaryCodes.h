//===- TernaryCodes.h - packing {-1, 0, +1} weights -------------*- C++ -*-===//
//
// The one definition of the #tern.ternary layouts (TernAttributes.td): where
// weight k of a row lives (byte and digit) and how a digit is read. The
// ternarize pass packs with it, the CPU target repacks to its vector width
// with it, and the unit tests check the generated kernels against it.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_DIALECTS_TERN_TERNARYCODES_H
#define TERNION_DIALECTS_TERN_TERNARYCODES_H

#include "dialects/tern/TernAttributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>

namespace ternion::tern {

/// The byte (within its row) and the digit of that byte holding weight k.
struct TernaryPosition {
  int64_t byte;
  int64_t digit;
};
TernaryPosition locateTernary(TernaryAttr format, int64_t k);

/// Where byte `byte` of row `row` is in codes of `rowBytes` bytes per row:
/// row-major, or for `pairs` interleaved across tiles of `lanes` rows.
int64_t getTernaryByteOffset(TernaryAttr format, int64_t rowBytes, int64_t row, int64_t byte);

/// Digit `digit` (0, 1 or 2: the weight plus one) of a stored byte.
int64_t readTernaryDigit(TernaryAttr format, uint8_t byte, int64_t digit);

/// Packs [rows, k] weights in {-1, 0, +1} (row-major) into
/// [rows, format.getRowBytes(k)] bytes (for `pairs`, [rows / lanes,
/// rowBytes, lanes]: rows a multiple of lanes).
llvm::SmallVector<uint8_t> packTernary(TernaryAttr format, llvm::ArrayRef<int8_t> weights,
                                       int64_t rows, int64_t k);

/// The [rows, k] weights in {-1, 0, +1} of packed codes.
llvm::SmallVector<int8_t> unpackTernary(TernaryAttr format, llvm::ArrayRef<uint8_t> codes,
                                        int64_t rows, int64_t k);

/// Packed codes as a dense_resource i8 constant of [rows, rowBytes] (for
/// `pairs`, [rows / lanes, rowBytes, lanes]).
mlir::ElementsAttr makeTernaryCodesAttr(mlir::MLIRContext *ctx, TernaryAttr format,
                                        llvm::ArrayRef<int8_t> weights, int64_t rows,
                                        int64_t k);

/// The bytes of an i8 codes constant (a copy); empty when they are not
/// available.
llvm::SmallVector<uint8_t> getTernaryCodeBytes(mlir::ElementsAttr codes);

} // namespace ternion::tern

#endif // TERNION_DIALECTS_TERN_TERNARYCODES_H
