//===- NativeMath.cpp - math ops as the LLVM intrinsics NVPTX selects -----===//
//
// tern-gpu-native-math (Passes.td says why): keeps the kernels free of
// libdevice for the operations PTX has instructions for.
//
//===----------------------------------------------------------------------===//
#include "ternion/Target/CUDA/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace ternion {
#define GEN_PASS_DEF_GPUNATIVEMATH
#include "ternion/Target/CUDA/Passes.h.inc"
} // namespace ternion

using namespace mlir;

namespace ternion {
namespace {

bool isF32OrF64(Type type) {
  Type element = getElementTypeOrSelf(type);
  return element.isF32() || element.isF64();
}

/// math.<Op> -> llvm.intr.<Intrinsic> with the same operands and type.
template <typename MathOp, typename IntrinsicOp> struct ToIntrinsic : OpRewritePattern<MathOp> {
  using OpRewritePattern<MathOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(MathOp op, PatternRewriter &rewriter) const override {
    if (!isF32OrF64(op.getType()))
      return failure();
    rewriter.replaceOpWithNewOp<IntrinsicOp>(op, op.getType(), op->getOperands());
    return success();
  }
};

/// math.<Op> on a scalar -> one PTX instruction as inline assembly. Used
/// where convert-gpu-to-nvvm would turn even the LLVM intrinsic into a
/// libdevice call (it marks llvm.intr.floor, sqrt, ... illegal).
template <typename MathOp> struct ToPtx : OpRewritePattern<MathOp> {
  /// `format` names the PTX type as {t}: "cvt.rmi.{t}.{t}".
  ToPtx(MLIRContext *context, llvm::StringRef format)
      : OpRewritePattern<MathOp>(context), format(format) {}

  LogicalResult matchAndRewrite(MathOp op, PatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!type.isF32() && !type.isF64())
      return failure();
    std::string instruction = format;
    for (size_t at; (at = instruction.find("{t}")) != std::string::npos;)
      instruction.replace(at, 3, type.isF32() ? "f32" : "f64");
    const char *constraints = type.isF32() ? "=f,f" : "=d,d";
    auto assembly = LLVM::InlineAsmOp::create(
        rewriter, op.getLoc(), type, op->getOperands(), instruction + " $0, $1;", constraints,
        /*has_side_effects=*/false, /*is_align_stack=*/false,
        LLVM::tailcallkind::TailCallKind::None, LLVM::AsmDialectAttr(),
        /*operand_attrs=*/ArrayAttr());
    rewriter.replaceOp(op, assembly.getResults());
    return success();
  }

  std::string format;
};

/// math.powf with a constant exponent of 1, 2, 3, -1, 0.5 or -0.5 (a norm's
/// square, GELU's cube, a square root) as multiplications, a division or a
/// square root; other exponents stay for libdevice.
struct ConstantPower : OpRewritePattern<math::PowFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::PowFOp op, PatternRewriter &rewriter) const override {
    FloatAttr exponent;
    if (!matchPattern(op.getRhs(), m_Constant(&exponent)) || !op.getType().isIntOrFloat())
      return failure();
    double e = exponent.getValueAsDouble();
    Location loc = op.getLoc();
    Value x = op.getLhs();
    if (e == 1.0) {
      rewriter.replaceOp(op, x);
    } else if (e == 2.0) {
      rewriter.replaceOpWithNewOp<arith::MulFOp>(op, x, x);
    } else if (e == 3.0) {
      Value square = arith::MulFOp::create(rewriter, loc, x, x);
      rewriter.replaceOpWithNewOp<arith::MulFOp>(op, square, x);
    } else if (e == -1.0) {
      Value one =
          arith::ConstantOp::create(rewriter, loc, rewriter.getFloatAttr(op.getType(), 1.0));
      rewriter.replaceOpWithNewOp<arith::DivFOp>(op, one, x);
    } else if (e == 0.5) {
      rewriter.replaceOpWithNewOp<math::SqrtOp>(op, x);
    } else if (e == -0.5) {
      rewriter.replaceOpWithNewOp<math::RsqrtOp>(op, x);
    } else {
      return failure();
    }
    return success();
  }
};

struct GpuNativeMath : impl::GpuNativeMathBase<GpuNativeMath> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    patterns.add<ToIntrinsic<math::FmaOp, LLVM::FMAOp>, ConstantPower>(context);
    patterns.add<ToPtx<math::AbsFOp>>(context, "abs.{t}");
    patterns.add<ToPtx<math::FloorOp>>(context, "cvt.rmi.{t}.{t}");
    patterns.add<ToPtx<math::CeilOp>>(context, "cvt.rpi.{t}.{t}");
    patterns.add<ToPtx<math::RoundEvenOp>>(context, "cvt.rni.{t}.{t}");
    patterns.add<ToPtx<math::SqrtOp>>(context, "sqrt.rn.{t}");
    patterns.add<ToPtx<math::RsqrtOp>>(context, "rsqrt.approx.{t}");
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
} // namespace ternion
