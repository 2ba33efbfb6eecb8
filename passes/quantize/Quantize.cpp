//===- Quantize.cpp - tern-quantize: RTN and SINQ linear layers ----------===//
//
// The pass records its decision in the IR the target-neutral way: a
// tern.quantized_linear whose #tern.group_quantized format says how the
// codes are stored, with the scales as operands. The numerics are in
// GroupQuantizer.cpp; this file finds the layers and builds the constants.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"
#include "passes/quantize/GroupQuantizer.h"

#include "dialects/tern/ConstantValues.h"
#include "dialects/tern/WeightMemory.h"
#include "dialects/tern/TernOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Threading.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>

namespace ternion {
#define GEN_PASS_DEF_TERNQUANTIZE
#include "passes/Passes.h.inc"
} // namespace ternion

using namespace mlir;
using namespace ternion;
using namespace ternion::tern;

namespace {

/// The values of a static f32 constant weight, in place (resource blob or
/// literal): a model's weights are not copied to be quantized.
std::optional<ArrayRef<float>> getFloatWeight(Value weight) {
  ElementsAttr attr = getConstantAttr(weight);
  if (!attr || !attr.getElementType().isF32())
    return std::nullopt;
  std::optional<ArrayRef<char>> bytes = getRawBytes(attr);
  size_t count = attr.getNumElements();
  if (!bytes || bytes->size() != count * sizeof(float))
    return std::nullopt;
  return ArrayRef<float>(reinterpret_cast<const float *>(bytes->data()), count);
}

/// A resource constant of `type` holding `values`.
template <typename T>
Value makeBlobConstant(OpBuilder &builder, Location loc, RankedTensorType type, StringRef name,
                       const std::vector<T> &values) {
  ArrayRef<char> bytes(reinterpret_cast<const char *>(values.data()), values.size() * sizeof(T));
  return ConstantOp::create(builder, loc, makeResourceElements(type, name, bytes));
}

struct TernQuantize : ternion::impl::TernQuantizeBase<TernQuantize> {
  using TernQuantizeBase::TernQuantizeBase;

  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    quant::QuantizeOptions options;
    if (method == "rtn") {
      options.method = quant::Method::Rtn;
    } else if (method == "sinq") {
      options.method = quant::Method::Sinq;
    } else {
      fn.emitError() << "tern-quantize: method must be rtn or sinq, not '" << method << "'";
      return signalPassFailure();
    }
    if (bits != 2 && bits != 3 && bits != 4 && bits != 5 && bits != 6 && bits != 8) {
      fn.emitError() << "tern-quantize: bits must be 2, 3, 4, 5, 6 or 8, not " << int(bits);
      return signalPassFailure();
    }
    if (groupSize < 8 || groupSize % 8 != 0) {
      fn.emitError() << "tern-quantize: group-size must be a positive multiple of 8, not "
                     << int(groupSize);
      return signalPassFailure();
    }
    options.bits = bits;
    options.group = groupSize;

    SmallVector<LinearOp> layers;
    fn.walk([&](LinearOp op) { layers.push_back(op); });
    MLIRContext *ctx = &getContext();
    auto format = GroupQuantizedAttr::get(ctx, bits, groupSize,
                                          BoolAttr::get(ctx, options.method == quant::Method::Sinq),
                                          /*lanes=*/1);
    OpBuilder builder(ctx);
    int64_t quantized = 0, skipped = 0, weights = 0;
    double storedBits = 0;
    // The layers to quantize and their f32 weights, read in place.
    struct Job {
      size_t index;
      LinearOp linear;
      ArrayRef<float> w;
      int64_t n, k;
    };
    SmallVector<Job> jobs;
    for (auto [index, linear] : llvm::enumerate(layers)) {
      auto weightType = dyn_cast<RankedTensorType>(linear.getWeight().getType());
      auto inputType = dyn_cast<RankedTensorType>(linear.getInput().getType());
      bool rows = !linear.getWeightFormat() || isa<RowsAttr>(*linear.getWeightFormat());
      std::optional<ArrayRef<float>> w;
      if (rows && weightType && weightType.getRank() == 2 && weightType.hasStaticShape() &&
          inputType && !inputType.isDynamicDim(inputType.getRank() - 1))
        w = getFloatWeight(linear.getWeight());
      if (!w) {
        ++skipped;
        continue;
      }
      jobs.push_back({index, linear, *w, weightType.getDimSize(0), weightType.getDimSize(1)});
    }
    // Layers are independent: as many at a time as the context has threads
    // (SINQ's Sinkhorn iterations are the slow part of a large model's
    // compile); the IR is then rewritten in order, one layer at a time, so
    // at most that many layers' codes are in memory.
    size_t batch = std::max<size_t>(1, ctx->isMultithreadingEnabled() ? ctx->getNumThreads() : 1);
    for (size_t begin = 0; begin < jobs.size(); begin += batch) {
      size_t end = std::min(jobs.size(), begin + batch);
      std::vector<quant::QuantizedWeight> results(end - begin);
      std::vector<double> seconds(end - begin);
      mlir::parallelFor(ctx, begin, end, [&](size_t i) {
        const Job &job = jobs[i];
        auto start = std::chrono::steady_clock::now();
        results[i - begin] = quant::quantizeWeight(job.w.data(), job.n, job.k, options);
        evictWeightPages(ArrayRef<char>(reinterpret_cast<const char *>(job.w.data()),
                                        job.w.size() * sizeof(float)));
        seconds[i - begin] =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      });
      for (size_t i = begin; i < end; ++i) {
        const Job &job = jobs[i];
        quant::QuantizedWeight q = std::move(results[i - begin]);
        LinearOp linear = job.linear;
        int64_t n = job.n, k = job.k;
        Location loc = linear.getLoc();
        builder.setInsertionPoint(linear);
        Type i8 = builder.getI8Type(), f16 = builder.getF16Type();
        Value codes = makeBlobConstant(builder, loc, RankedTensorType::get({n, q.rowBytes}, i8),
                                       "quantized", q.codes);
        auto sideType = RankedTensorType::get({n, q.groups}, f16);
        Value scales = makeBlobConstant(builder, loc, sideType, "scales", q.scales);
        Value zeros = makeBlobConstant(builder, loc, sideType, "zeros", q.zeros);
        Value columns;
        if (!q.columnScales.empty())
          columns = makeBlobConstant(builder, loc,
                                     RankedTensorType::get({k}, builder.getF32Type()),
                                     "column_scales", q.columnScales);
        auto replacement = QuantizedLinearOp::create(builder, loc, linear.getOutput().getType(),
                                                     linear.getInput(), codes, scales, zeros,
                                                     columns, linear.getBias(), format);
        linear.getOutput().replaceAllUsesWith(replacement.getOutput());
        linear.erase();
        ++quantized;
        weights += n * k;
        storedBits += format.getBitsPerWeight(n, k) * double(n) * k;
        if (progress)
          llvm::errs() << "tern-quantize: layer " << (job.index + 1) << "/" << layers.size()
                       << " [" << n << " x " << k << "] " << method << " " << bits << "-bit in "
                       << llvm::format("%.2f", seconds[i - begin]) << " s\n";
      }
    }
    numQuantized = quantized;
    numSkipped = skipped;
    if (report) {
      std::string line;
      llvm::raw_string_ostream os(line);
      os << "tern-quantize: " << quantized << " layers " << method << " " << bits << "-bit, group "
         << groupSize << ", " << llvm::format("%.3f", weights ? storedBits / weights : 0.0)
         << " bits per weight; " << skipped << " left f32";
      fn.emitRemark() << line;
    }
  }
};

} // namespace
