//===- WeightTransforms.cpp - compile-time rewrites of weights ------------===//
#include "dialects/tern/WeightTransforms.h"
#include "dialects/tern/ConstantValues.h"
#include "dialects/tern/TernOps.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
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

/// A new dense_resource of `shape` whose element at `to(r, c)` (a flat
/// index) is the matrix's element (r, c).
template <typename IndexFn>
ElementsAttr rearrange(const Matrix &m, ArrayRef<int64_t> shape, StringRef name, IndexFn to) {
  AsmResourceBlob blob = HeapAsmResourceBlob::allocate(m.bytes.size(), /*align=*/64);
  char *out = blob.getMutableData().data();
  const char *in = m.bytes.data();
  for (int64_t r = 0; r < m.rows; ++r)
    for (int64_t c = 0; c < m.cols; ++c)
      std::memcpy(out + to(r, c) * m.elementBytes, in + (r * m.cols + c) * m.elementBytes,
                  m.elementBytes);
  return DenseResourceElementsAttr::get(RankedTensorType::get(shape, m.element), name,
                                        std::move(blob));
}

} // namespace

ElementsAttr transposeConstant2D(ElementsAttr attr) {
  std::optional<Matrix> m = getMatrix(attr);
  if (!m)
    return {};
  return rearrange(*m, {m->cols, m->rows}, "transposed",
                   [&](int64_t r, int64_t c) { return c * m->rows + r; });
}

ElementsAttr packConstantPanels(ElementsAttr attr, int64_t width) {
  std::optional<Matrix> m = getMatrix(attr);
  if (!m || width < 1 || m->rows % width != 0)
    return {};
  // Row r = p * width + j of the input is column j of panel p.
  return rearrange(*m, {m->rows / width, m->cols, width}, "panels", [&](int64_t r, int64_t c) {
    return ((r / width) * m->cols + c) * width + r % width;
  });
}

void replaceConstantOperand(OpOperand &operand, ElementsAttr value) {
  Value old = operand.get();
  OpBuilder builder(operand.getOwner());
  operand.set(ConstantOp::create(builder, old.getLoc(), value));
  if (Operation *def = old.getDefiningOp(); def && def->use_empty())
    def->erase();
}

} // namespace ternion::tern
