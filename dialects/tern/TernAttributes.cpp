//===- TernAttributes.cpp - weight formats --------------------------------===//
#include "dialects/tern/TernAttributes.h"

#include "dialects/tern/TernDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/TypeSwitch.h" // the generated parsers

using namespace mlir;
using namespace ternion::tern;

#include "dialects/tern/TernAttrInterfaces.cpp.inc"
#include "dialects/tern/TernEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/tern/TernAttributes.cpp.inc"

void TernDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/tern/TernAttributes.cpp.inc"
      >();
}

//===- #tern.panels<P> ----------------------------------------------------===//

LogicalResult PanelsAttr::verify(function_ref<InFlightDiagnostic()> emitError, int64_t width) {
  if (width < 1)
    return emitError() << "#tern.panels width must be positive, not " << width;
  return success();
}

FailureOr<int64_t> PanelsAttr::getOutputFeatures(ArrayRef<int64_t> storedShape) const {
  if (storedShape.size() != 3 || storedShape[2] != getWidth())
    return failure();
  return ShapedType::isDynamic(storedShape[0]) ? ShapedType::kDynamic
                                               : storedShape[0] * getWidth();
}

//===- #tern.group_quantized<bits, group, column_scales> ------------------===//

LogicalResult GroupQuantizedAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                         int64_t bits, int64_t group, BoolAttr columnScales,
                                         int64_t lanes) {
  if (bits < 2 || bits > 8)
    return emitError() << "#tern.group_quantized bits must be 2..8, not " << bits;
  if (group < 8 || group % 8 != 0)
    return emitError() << "#tern.group_quantized group must be a positive multiple of 8, not "
                       << group;
  if (!columnScales)
    return emitError() << "#tern.group_quantized needs column_scales = true or false";
  if (lanes < 1 || lanes > 256)
    return emitError() << "#tern.group_quantized lanes must be 1..256, not " << lanes;
  if (lanes > 1 && 8 % bits != 0)
    return emitError() << "#tern.group_quantized lanes > 1 needs 2, 4 or 8 bits, not " << bits;
  if (lanes > 1 && group % (lanes * 8 / bits) != 0)
    return emitError() << "#tern.group_quantized group " << group << " is not whole blocks of "
                       << lanes * 8 / bits << " codes (lanes = " << lanes << ")";
  return success();
}

double GroupQuantizedAttr::getBitsPerWeight(int64_t n, int64_t k) const {
  double codes = 8.0 * n * getRowBytes(k);
  double sides = 2.0 * 16 * n * getGroupCount(k); // f16 scale and zero point
  double columns = getColumnScales().getValue() ? 32.0 * k : 0;
  return (codes + sides + columns) / (double(n) * k);
}

//===- #tern.ternary<packing, lanes = L> ----------------------------------===//

LogicalResult TernaryAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                  TernaryPacking packing, int64_t lanes) {
  if (lanes < 1 || lanes > 256)
    return emitError() << "#tern.ternary lanes must be 1..256, not " << lanes;
  return success();
}

int64_t TernaryAttr::getDigitsPerByte() const {
  return getPacking() == TernaryPacking::Base3 ? 5 : 4;
}

bool TernaryAttr::interleavesRows() const { return getPacking() == TernaryPacking::Pairs; }

int64_t TernaryAttr::getBlockWeights() const {
  return interleavesRows() ? getDigitsPerByte() : getDigitsPerByte() * getLanes();
}

FailureOr<int64_t> TernaryAttr::getOutputFeatures(ArrayRef<int64_t> storedShape) const {
  if (!interleavesRows()) {
    if (storedShape.size() != 2)
      return failure();
    return storedShape[0];
  }
  if (storedShape.size() != 3 || storedShape[2] != getLanes())
    return failure();
  return ShapedType::isDynamic(storedShape[0]) ? ShapedType::kDynamic
                                               : storedShape[0] * getLanes();
}

int64_t TernaryAttr::getPaddedInputFeatures(int64_t k) const {
  int64_t block = getBlockWeights();
  return (k + block - 1) / block * block;
}

int64_t TernaryAttr::getRowBytes(int64_t k) const {
  return getPaddedInputFeatures(k) / getDigitsPerByte();
}

//===- #tern.speculative<draft = @f, draft_tokens = K, vocabulary = v> ----===//

LogicalResult SpeculativeAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                      FlatSymbolRefAttr draft, int64_t draftTokens,
                                      SpeculativeVocabulary vocabulary) {
  if (draftTokens < 1 || draftTokens > kMaxDraftTokens)
    return emitError() << "#tern.speculative draft_tokens must be 1.." << kMaxDraftTokens
                       << ", not " << draftTokens;
  return success();
}

//===- sparse attention patterns ------------------------------------------===//

LogicalResult AShapeAttr::verify(function_ref<InFlightDiagnostic()> emitError, int64_t sink,
                                 int64_t local) {
  if (sink < 0)
    return emitError() << "#tern.a_shape sink must not be negative, not " << sink;
  if (local < 1)
    return emitError() << "#tern.a_shape local must be at least 1 (a query always sees "
                          "itself), not "
                       << local;
  return success();
}

LogicalResult VerticalSlashAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                        int64_t vertical, int64_t slash) {
  if (vertical < 0)
    return emitError() << "#tern.vertical_slash vertical must not be negative, not " << vertical;
  if (slash < 1)
    return emitError() << "#tern.vertical_slash slash must be at least 1 (diagonal 0, a "
                          "query's own key, is always kept), not "
                       << slash;
  return success();
}

LogicalResult BlockSparseAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                      int64_t blocks) {
  if (blocks < 2)
    return emitError() << "#tern.block_sparse blocks must be at least 2 (the first key block "
                          "and the diagonal block are always kept), not "
                       << blocks;
  return success();
}

LogicalResult SparseAttentionAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                          int64_t minTokens, ArrayAttr heads) {
  if (minTokens < 1)
    return emitError() << "#tern.sparse_attention min_tokens must be at least 1, not "
                       << minTokens;
  if (heads.empty())
    return emitError() << "#tern.sparse_attention needs one pattern per query head";
  for (auto [i, head] : llvm::enumerate(heads))
    if (!isa<DenseHeadAttr, AShapeAttr, VerticalSlashAttr, BlockSparseAttr>(head))
      return emitError() << "#tern.sparse_attention head " << i
                         << " is not a pattern (#tern.dense, #tern.a_shape, "
                            "#tern.vertical_slash or #tern.block_sparse): "
                         << head;
  return success();
}
