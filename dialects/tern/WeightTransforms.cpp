//===- WeightTransforms.cpp - compile-time rewrites of weights ------------===//
#include "dialects/tern/WeightTransforms.h"
#include "dialects/tern/ConstantValues.h"
#include "dialects/tern/HalfFloat.h"
#include "dialects/tern/TernOps.h"
#include "dialects/tern/WeightMemory.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include <algorithm>
#include <cstring>

using namespace mlir;

namespace ternion::tern {
namespace {

/// A static 2-D constant of whole-byte elements whose bytes are available:
/// the input of every rewrite here.
struct Matrix {
  Type element;
  int64_t rows, cols;
  size_t elementBytes;
  ArrayRef<char> bytes;
};

std::optional<Matrix> getMatrix(ElementsAttr attr) {
  auto type = dyn_cast<RankedTensorType>(attr.getType());
  if (!type || type.getRank() != 2 || !type.hasStaticShape() ||
      !type.getElementType().isIntOrFloat() ||
      type.getElementType().getIntOrFloatBitWidth() % 8 != 0)
    return std::nullopt;
  Matrix m{type.getElementType(), type.getDimSize(0), type.getDimSize(1),
           type.getElementType().getIntOrFloatBitWidth() / 8, {}};
  std::optional<ArrayRef<char>> bytes = getRawBytes(attr);
  if (!bytes || bytes->size() != size_t(m.rows * m.cols) * m.elementBytes)
    return std::nullopt;
  m.bytes = *bytes;
  return m;
}

/// Copies element (r, c) of `m` to flat index `to(r, c)` of `out`, for
/// elements of `Bytes` bytes, in kPage x kPage tiles of kMicro x kMicro
/// blocks. The tiles keep reads and writes within a few pages at a time (a
/// row-by-row walk of a 2048 x 5632 transpose writes to a new page for every
/// element); the blocks keep the rows a block touches within the ways of an
/// L1 set, since weight rows are often a power of two bytes apart and all map
/// to one set; inside a block, consecutive r go to consecutive outputs for
/// both transposes and panels.
template <size_t Bytes, typename IndexFn>
void copyTiled(const Matrix &m, char *out, IndexFn to) {
  constexpr int64_t kPage = 64, kMicro = 8;
  const char *in = m.bytes.data();
  const int64_t rows = m.rows, cols = m.cols;
  for (int64_t r0 = 0; r0 < rows; r0 += kPage)
    for (int64_t c0 = 0; c0 < cols; c0 += kPage) {
      int64_t r1 = std::min(rows, r0 + kPage), c1 = std::min(cols, c0 + kPage);
      for (int64_t rb = r0; rb < r1; rb += kMicro)
        for (int64_t cb = c0; cb < c1; cb += kMicro) {
          int64_t re = std::min(r1, rb + kMicro), ce = std::min(c1, cb + kMicro);
          for (int64_t c = cb; c < ce; ++c)
            for (int64_t r = rb; r < re; ++r)
              std::memcpy(out + to(r, c) * Bytes, in + (r * cols + c) * Bytes, Bytes);
        }
    }
}

/// A new dense_resource of `shape` whose element at `to(r, c)` (a flat
/// index) is the matrix's element (r, c).
template <typename IndexFn>
ElementsAttr rearrange(const Matrix &m, ArrayRef<int64_t> shape, StringRef name, IndexFn to) {
  AsmResourceBlob blob = allocateWeightBlob(m.bytes.size(), /*alignment=*/64);
  char *out = blob.getMutableData().data();
  switch (m.elementBytes) {
  case 1: copyTiled<1>(m, out, to); break;
  case 2: copyTiled<2>(m, out, to); break;
  case 4: copyTiled<4>(m, out, to); break;
  case 8: copyTiled<8>(m, out, to); break;
  default:
    for (int64_t r = 0; r < m.rows; ++r)
      for (int64_t c = 0; c < m.cols; ++c)
        std::memcpy(out + to(r, c) * m.elementBytes,
                    m.bytes.data() + (r * m.cols + c) * m.elementBytes, m.elementBytes);
  }
  // Both sides are done with until the weights file is written.
  evictWeightPages(m.bytes);
  evictWeightPages(blob.getData());
  return DenseResourceElementsAttr::get(RankedTensorType::get(shape, m.element), name,
                                        std::move(blob));
}

} // namespace

ElementsAttr transposeConstant2D(ElementsAttr attr) {
  std::optional<Matrix> m = getMatrix(attr);
  if (!m)
    return {};
  int64_t rows = m->rows;
  return rearrange(*m, {m->cols, m->rows}, "transposed",
                   [rows](int64_t r, int64_t c) { return c * rows + r; });
}

ElementsAttr packConstantPanels(ElementsAttr attr, int64_t width) {
  std::optional<Matrix> m = getMatrix(attr);
  if (!m || width < 1 || m->rows % width != 0)
    return {};
  // Row r = p * width + j of the input is column j of panel p.
  int64_t cols = m->cols;
  return rearrange(*m, {m->rows / width, m->cols, width}, "panels",
                   [cols, width](int64_t r, int64_t c) {
                     return ((r / width) * cols + c) * width + r % width;
                   });
}

ElementsAttr packConstantPanels(ElementsAttr attr, int64_t width, FloatType storage) {
  if (storage.isF32())
    return packConstantPanels(attr, width);
  std::optional<Matrix> m = getMatrix(attr);
  if (!m || !m->element.isF32() || width < 1 || m->rows % width != 0 ||
      !(storage.isF16() || storage.isBF16()))
    return {};
  bool bfloat = storage.isBF16();
  size_t count = size_t(m->rows * m->cols);
  AsmResourceBlob blob = allocateWeightBlob(count * 2, /*alignment=*/64);
  auto *out = reinterpret_cast<uint16_t *>(blob.getMutableData().data());
  const auto *in = reinterpret_cast<const float *>(m->bytes.data());
  const int64_t cols = m->cols;
  // Panel p holds rows p * width .. + width: for each k, their `width`
  // values side by side. Read a panel's rows k-block by k-block so that the
  // reads stay in a few pages and the writes are sequential.
  constexpr int64_t kBlock = 64;
  for (int64_t p = 0; p < m->rows / width; ++p)
    for (int64_t k0 = 0; k0 < cols; k0 += kBlock) {
      int64_t k1 = std::min(cols, k0 + kBlock);
      for (int64_t k = k0; k < k1; ++k) {
        uint16_t *row = out + (p * cols + k) * width;
        for (int64_t j = 0; j < width; ++j) {
          float value = in[(p * width + j) * cols + k];
          row[j] = bfloat ? floatToBFloat(value) : floatToHalf(value);
        }
      }
    }
  evictWeightPages(m->bytes);
  evictWeightPages(blob.getData());
  return DenseResourceElementsAttr::get(
      RankedTensorType::get({m->rows / width, m->cols, width}, storage), "panels",
      std::move(blob));
}

void replaceConstantOperand(OpOperand &operand, ElementsAttr value) {
  Value old = operand.get();
  // The rewrite that made `value` has read the old weight and written the
  // new one: neither is touched again until the weights file is written.
  if (ElementsAttr oldAttr = getConstantAttr(old))
    if (std::optional<ArrayRef<char>> bytes = getRawBytes(oldAttr))
      evictWeightPages(*bytes);
  if (std::optional<ArrayRef<char>> bytes = getRawBytes(value))
    evictWeightPages(*bytes);
  OpBuilder builder(operand.getOwner());
  operand.set(ConstantOp::create(builder, old.getLoc(), value));
  if (Operation *def = old.getDefiningOp(); def && def->use_empty())
    def->erase();
}

} // namespace ternion::tern
