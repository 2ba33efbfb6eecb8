//===- GroupQuantizer.cpp - RTN and SINQ weight quantization --------------===//
//
// SINQ (Mueller et al., "SINQ: Sinkhorn-Normalized Quantization for
// Calibration-Free Low-Precision LLM Weights", 2025), per tile of `group`
// columns and all rows, in double:
//
//   target = min(min_r clamp(std_r), min_c clamp(std_c)) + 1e-6, clamp to
//            [1e-3, 1e3], std unbiased
//   repeat up to 16 times, with m = tile / mu_col / mu_row:
//     keep (mu_col, mu_row) if imbalance(m) = max(all stds) / min(all stds)
//       is the least so far; stop once it rises above that
//     log mu_col += log clamp(clamp(std_c(m)) / target, 0.7, 2), clip to
//       [-0.3, 10]; the same for the rows
//   then RTN on the kept tile / mu_col / mu_row, and s absorbs mu_row.
//
// RTN per row of a group: scale = max(max - min, 1e-4) / (2^b - 1),
// zero = -round(min / scale). Scale and zero are stored as f16, and the
// codes are rounded against the stored values, so that dequantization
// reproduces exactly what the codes were chosen for.
//
//===----------------------------------------------------------------------===//
#include "passes/quantize/GroupQuantizer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace ternion::quant {
namespace {

constexpr double StdMin = 1e-3, StdMax = 1e3;

/// Unbiased standard deviation of `count` values `at(i)`.
template <typename Get> double stddev(int64_t count, Get at) {
  if (count < 2)
    return 0;
  double mean = 0;
  for (int64_t i = 0; i < count; ++i)
    mean += at(i);
  mean /= count;
  double sum = 0;
  for (int64_t i = 0; i < count; ++i) {
    double d = at(i) - mean;
    sum += d * d;
  }
  return std::sqrt(sum / (count - 1));
}

/// A [rows, width] tile of the weight, with its column and row scales.
struct Tile {
  const float *w;
  int64_t stride, rows, width;
  std::vector<double> rowStd, colStd;

  double at(int64_t r, int64_t c, const std::vector<double> &colScale,
            const std::vector<double> &rowScale) const {
    return w[r * stride + c] / colScale[c] / rowScale[r];
  }

  /// Row and column standard deviations of tile / colScale / rowScale;
  /// returns max / min of all of them. The scaled tile is computed once
  /// (into `scaled`), each row's statistics while it is in cache, the
  /// columns' in a second pass; two-pass variances, as NumPy computes them.
  double measure(const std::vector<double> &colScale, const std::vector<double> &rowScale) {
    rowStd.resize(rows);
    colStd.assign(width, 0);
    scaled.resize(rows * width);
    std::vector<double> colMean(width, 0);
    for (int64_t r = 0; r < rows; ++r) {
      double *row = scaled.data() + r * width;
      for (int64_t c = 0; c < width; ++c) {
        row[c] = at(r, c, colScale, rowScale);
        colMean[c] += row[c];
      }
      rowStd[r] = stddev(width, [&](int64_t c) { return row[c]; });
    }
    for (double &mean : colMean)
      mean /= rows;
    for (int64_t r = 0; r < rows; ++r) {
      const double *row = scaled.data() + r * width;
      for (int64_t c = 0; c < width; ++c) {
        double d = row[c] - colMean[c];
        colStd[c] += d * d;
      }
    }
    for (double &s : colStd)
      s = rows < 2 ? 0 : std::sqrt(s / (rows - 1));
    double lo = std::numeric_limits<double>::infinity(), hi = 0;
    for (double s : rowStd)
      lo = std::min(lo, s), hi = std::max(hi, s);
    for (double s : colStd)
      lo = std::min(lo, s), hi = std::max(hi, s);
    return hi / std::max(lo, 1e-12);
  }
  std::vector<double> scaled;
};

double clampStd(double s) { return std::clamp(s, StdMin, StdMax); }

/// SINQ's Sinkhorn-like balancing of one tile: the column and row scales of
/// least imbalance.
void balance(Tile &tile, int steps, std::vector<double> &colScale,
             std::vector<double> &rowScale) {
  std::vector<double> logCol(tile.width, 0), logRow(tile.rows, 0);
  colScale.assign(tile.width, 1);
  rowScale.assign(tile.rows, 1);
  double best = tile.measure(colScale, rowScale);
  double target = std::numeric_limits<double>::infinity();
  for (double s : tile.rowStd)
    target = std::min(target, clampStd(s));
  for (double s : tile.colStd)
    target = std::min(target, clampStd(s));
  target += 1e-6;
  std::vector<double> col(tile.width, 1), row(tile.rows, 1);
  for (int step = 0; step < steps; ++step) {
    for (int64_t c = 0; c < tile.width; ++c)
      col[c] = std::exp(logCol[c]);
    for (int64_t r = 0; r < tile.rows; ++r)
      row[r] = std::exp(logRow[r]);
    double imbalance = tile.measure(col, row);
    if (imbalance > best)
      break; // rising: the reference stops updating from here on
    best = imbalance;
    colScale = col;
    rowScale = row;
    for (int64_t c = 0; c < tile.width; ++c)
      logCol[c] = std::clamp(
          logCol[c] + std::log(std::clamp(clampStd(tile.colStd[c]) / target, 0.7, 2.0)), -0.3,
          10.0);
    for (int64_t r = 0; r < tile.rows; ++r)
      logRow[r] = std::clamp(
          logRow[r] + std::log(std::clamp(clampStd(tile.rowStd[r]) / target, 0.7, 2.0)), -0.3,
          10.0);
  }
}

void writeCode(uint8_t *row, int64_t k, int bits, unsigned code) {
  int64_t bit = k * bits;
  unsigned shifted = code << (bit % 8);
  row[bit / 8] |= static_cast<uint8_t>(shifted);
  if ((bit % 8) + bits > 8)
    row[bit / 8 + 1] |= static_cast<uint8_t>(shifted >> 8);
}

} // namespace

unsigned readCode(const uint8_t *row, int64_t k, int bits) {
  int64_t bit = k * bits;
  unsigned word = row[bit / 8];
  if ((bit % 8) + bits > 8)
    word |= unsigned(row[bit / 8 + 1]) << 8;
  return (word >> (bit % 8)) & ((1u << bits) - 1);
}

QuantizedWeight quantizeWeight(const float *w, int64_t rows, int64_t columns,
                               const QuantizeOptions &options) {
  QuantizedWeight q;
  int bits = options.bits;
  int64_t group = options.group;
  q.rows = rows;
  q.columns = columns;
  q.groups = (columns + group - 1) / group;
  q.rowBytes = q.groups * group * bits / 8;
  q.codes.assign(rows * q.rowBytes, 0);
  q.scales.resize(rows * q.groups);
  q.zeros.resize(rows * q.groups);
  bool sinq = options.method == Method::Sinq;
  if (sinq)
    q.columnScales.resize(columns);
  const double maxCode = (1 << bits) - 1;
  std::vector<double> colScale, rowScale;
  for (int64_t g = 0; g < q.groups; ++g) {
    int64_t first = g * group;
    int64_t width = std::min<int64_t>(group, columns - first);
    Tile tile{w + first, columns, rows, width, {}, {}};
    if (sinq) {
      balance(tile, options.sinkhornSteps, colScale, rowScale);
    } else {
      colScale.assign(width, 1);
      rowScale.assign(rows, 1);
    }
    for (int64_t c = 0; c < width && sinq; ++c)
      q.columnScales[first + c] = static_cast<float>(colScale[c]);
    for (int64_t r = 0; r < rows; ++r) {
      double lo = std::numeric_limits<double>::infinity(), hi = -lo;
      for (int64_t c = 0; c < width; ++c) {
        double v = tile.at(r, c, colScale, rowScale);
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      double scale = std::max(hi - lo, 1e-4) / maxCode;
      double zero = -std::nearbyint(lo / scale);
      uint16_t storedScale = floatToHalf(static_cast<float>(scale * rowScale[r]));
      uint16_t storedZero = floatToHalf(static_cast<float>(zero));
      q.scales[r * q.groups + g] = storedScale;
      q.zeros[r * q.groups + g] = storedZero;
      // Codes against the stored values: w / t = s * (Q - z).
      double s = halfToFloat(storedScale), z = halfToFloat(storedZero);
      uint8_t *row = q.codes.data() + r * q.rowBytes;
      for (int64_t c = 0; c < width; ++c) {
        double v = tile.w[r * columns + c] / (sinq ? double(q.columnScales[first + c]) : 1.0);
        double code = std::clamp(std::nearbyint(v / s + z), 0.0, maxCode);
        writeCode(row, first + c, bits, static_cast<unsigned>(code));
      }
    }
  }
  return q;
}

std::vector<float> dequantizeWeight(const QuantizedWeight &q, int bits, int group) {
  std::vector<float> w(q.rows * q.columns);
  for (int64_t r = 0; r < q.rows; ++r) {
    const uint8_t *row = q.codes.data() + r * q.rowBytes;
    for (int64_t k = 0; k < q.columns; ++k) {
      int64_t g = k / group;
      float s = halfToFloat(q.scales[r * q.groups + g]);
      float z = halfToFloat(q.zeros[r * q.groups + g]);
      float t = q.columnScales.empty() ? 1.0f : q.columnScales[k];
      w[r * q.columns + k] = s * (float(readCode(row, k, bits)) - z) * t;
    }
  }
  return w;
}

} // namespace ternion::quant
