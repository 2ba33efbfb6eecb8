//===- Kernels.h - Contraction kernels on buffers (internal) ----*- C++ -*-===//
//
// The pieces of tern-contraction-kernels: recognizing a contraction the
// kernels handle, and emitting each kernel over one output tile. A kernel
// is emitted with upstream ops only (scf loops, 1-D vector loads, FMAs and
// reductions, memref loads/stores), so everything after it is the ordinary
// lowering and another kernel (say, for ternary weights) can sit beside it.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_LIB_TARGET_CPU_KERNELS_KERNELS_H
#define TERNION_LIB_TARGET_CPU_KERNELS_KERNELS_H

#include "Int8Dot.h"
#include "dialects/tern/TernAttributes.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"

#include <functional>
#include <optional>

namespace ternion::kernels {

/// The forms convert-tern-to-linalg produces for 2-D contractions.
enum class ContractionForm {
  /// y[m, n] += x[m, k] * w[n, k]: tern.linear, the weight kept [N, K].
  DotProduct,
  /// c[m, n] += a[m, k] * b[k, n]: a 2-D MatMul.
  OuterProduct,
  /// y[m, p, j] += x[m, k] * w[p, k, j]: tern.linear with its weight packed
  /// in panels, the result as [M, N / P, P].
  Panel,
};

/// The kernel form of `op` when it is an f32 multiply-accumulate on buffers
/// whose vector-accessed operands have a unit inner stride: chosen by the
/// weight format it carries (tern.weight_format), else by its maps (MatMul).
/// Fails, with an error on `op`, when its format has no CPU kernel or the
/// op does not have that format's structure.
mlir::FailureOr<std::optional<ContractionForm>> matchContraction(mlir::linalg::GenericOp op);

/// The weight format a lowered linear layer carries, if any.
ternion::tern::WeightFormatAttrInterface getWeightFormat(mlir::linalg::GenericOp op);

/// True when the body of `op` is `yield(out + in0 * in1)` (either order).
bool isMultiplyAdd(mlir::linalg::GenericOp op);

/// When `op` multiplies a batch of rows by one matrix (a[b..., m, k] times
/// b[k, n] or b[n, k] into c[b..., m, n], what a MatMul of a 3-D activation
/// and a 2-D weight lowers to), rewrites it as the 2-D contraction of the
/// collapsed rows (memref.collapse_shape of a and c) and returns that.
mlir::linalg::GenericOp collapseBatchRows(mlir::RewriterBase &rewriter,
                                          mlir::linalg::GenericOp op);

struct KernelShape {
  int64_t vectorWidth = 16;
  int64_t dotRows = 3, dotCols = 8;
  int64_t outerRows = 8, outerVectors = 2;
  int64_t panelRows = 6;
  int64_t tileK = 256;
  int64_t panelTileK = 4096;
  int64_t dotTileK = 1024;
};

/// Emits y += x * w^T over whole (dynamically sized) memrefs at the
/// builder's insertion point; with `yIsUninitialized`, y = x * w^T (y's
/// zero fill was dropped, K is not empty).
void emitDotProductKernel(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                          mlir::Value w, mlir::Value y, const KernelShape &shape,
                          bool yIsUninitialized = false);

/// Emits y += x * w for a weight in panels (x [M, K], w [N / P, K, P], y
/// [M, N / P, P], P a static multiple of the vector width); with
/// `yIsUninitialized`, y = x * w.
void emitPanelKernel(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, mlir::Value w,
                     mlir::Value y, const KernelShape &shape, bool yIsUninitialized = false);

/// Emits c += a * b over whole (dynamically sized) memrefs.
void emitOuterProductKernel(mlir::OpBuilder &b, mlir::Location loc, mlir::Value a,
                            mlir::Value bm, mlir::Value c, const KernelShape &shape);

//===- Ternary layers ------------------------------------------------------===//

struct TernaryKernelShape {
  Int8DotIsa isa = Int8DotIsa::Generic;
  /// Register tile: rows of q by weight rows.
  int64_t rows = 1, cols = 4;
  /// Output tile, the unit of parallel work.
  int64_t tileM = 64, tileN = 64;
  bool parallel = true;
  /// Lookup-table kernel: rows of activations in a register tile, and code
  /// columns (4 weights each) summed in i16 before widening (<= 63).
  int64_t lutRows = 4, lutChunk = 32;
};

/// acc[m, n] += sum_k q[m, k] * digit(codes[n], k) over whole buffers (q
/// [M, Kp] i8 with Kp whole blocks, codes [N, Kp / digits] i8 in `format`,
/// acc [M, N] i32).
void emitTernaryKernel(mlir::OpBuilder &b, mlir::Location loc, mlir::Value q,
                       mlir::Value codes, mlir::Value acc, tern::TernaryAttr format,
                       const TernaryKernelShape &shape);

/// acc[m, n] += sum_k q[m, k] * t[n, k] by table lookups, for codes in
/// #tern.ternary<pairs, lanes = L> (q [M, Kp] i8, codes [N / L, Kp / 4, L]
/// i8, acc [M, N] i32).
void emitTernaryLutKernel(mlir::OpBuilder &b, mlir::Location loc, mlir::Value q,
                          mlir::Value codes, mlir::Value acc, tern::TernaryAttr format,
                          const TernaryKernelShape &shape);

//===- Group-quantized layers ----------------------------------------------===//

struct QuantizedKernelShape {
  /// Register tile: rows of xs by weight rows; a single row (decode, and
  /// leftover rows) by `rowCols` weight rows.
  int64_t rows = 2, cols = 4, rowCols = 8;
  /// Rows from which the panel path runs (0: never), with its panel width
  /// and the f32 panel kernel's vector width and row tile.
  int64_t panelMinRows = 16, panelWidth = 64, vectorWidth = 16, panelRows = 6;
  /// Output tile, the unit of parallel work.
  int64_t tileM = 64, tileN = 64;
  bool parallel = true;
};

/// acc[m, n] += sum_k xs[m, k] * s[n, g] * (Q[n, k] - z[n, g]) over whole
/// buffers (xs [M, Kp] f32 with Kp whole groups, codes [N, row bytes] i8 in
/// `format` with lanes > 1, scales and zeros [N, Kp / group] f16, acc
/// [M, N] f32).
void emitQuantizedKernel(mlir::OpBuilder &b, mlir::Location loc, mlir::Value xs,
                         mlir::Value codes, mlir::Value scales, mlir::Value zeros, mlir::Value acc,
                         tern::GroupQuantizedAttr format, const QuantizedKernelShape &shape);

/// acc += xs * W with W dequantized one panel of `shape.panelWidth` weight
/// rows at a time into the f32 panel kernel's layout (any bits and lanes;
/// N a multiple of the panel width).
void emitDequantizedPanels(mlir::OpBuilder &b, mlir::Location loc, mlir::Value xs,
                           mlir::Value codes, mlir::Value scales, mlir::Value zeros,
                           mlir::Value acc, tern::GroupQuantizedAttr format,
                           const QuantizedKernelShape &shape);

//===- Small builders shared by the kernels -------------------------------===//

mlir::Value index(mlir::OpBuilder &b, mlir::Location loc, int64_t value);
/// `v + offset`, or `v` itself for offset 0.
mlir::Value addIndex(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v, int64_t offset);
/// The largest multiple of `step` that is <= `v` (v >= 0).
mlir::Value roundDown(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v, int64_t step);
/// How a register-tiled kernel covers an [M, N] output.
struct OutputTiling {
  /// Register tiles: `rows` rows by `cols` columns; single rows (decode,
  /// and the rows left over) by `rowCols` columns; leftover columns one at
  /// a time.
  int64_t rows, cols, rowCols;
  /// Output tiles (rounded up to whole register tiles), the parallel unit.
  int64_t tileM, tileN;
  /// Output tiles as an scf.forall, else nested scf.for.
  bool parallel;
};

/// Emits the loops over [0, m) x [0, n) of `tiling`; `tile(row, rows, col,
/// cols)` emits one register tile at the builder's insertion point.
void emitOutputTiles(mlir::OpBuilder &b, mlir::Location loc, mlir::Value m, mlir::Value n,
                     const OutputTiling &tiling,
                     llvm::function_ref<void(mlir::Value, int64_t, mlir::Value, int64_t)> tile);

/// acc[m + r, n + c] += the lane sum of vector sums[r * cols + c], for a
/// register tile of rows x cols (f32 or integer accumulators).
void addTileSums(mlir::OpBuilder &b, mlir::Location loc, mlir::Value acc, mlir::Value m,
                 int64_t rows, mlir::Value n, int64_t cols, mlir::ValueRange sums);

/// An scf.for without results whose body is `body(builder, iv)`.
void forLoop(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lb, mlir::Value ub,
             int64_t step, const std::function<void(mlir::OpBuilder &, mlir::Value)> &body);

} // namespace ternion::kernels

#endif // TERNION_LIB_TARGET_CPU_KERNELS_KERNELS_H
