//===- TernToLinalgPass.cpp - the convert-tern-to-linalg pass -------------===//
#include "ternion/Conversion/Passes.h"

#include "dialects/tern/TernDialect.h"
#include "mlir/Transforms/DialectConversion.h"

namespace ternion {
#define GEN_PASS_DEF_CONVERTTERNTOLINALG
#include "ternion/Conversion/Passes.h.inc"
} // namespace ternion

using namespace mlir;

namespace ternion {
namespace {

struct ConvertTernToLinalgPass
    : ternion::impl::ConvertTernToLinalgBase<ConvertTernToLinalgPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<tern::TernDialect>();
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                           arith::ArithDialect, math::MathDialect, scf::SCFDialect>();
    // Lowerings of ops on unsigned integers (ONNX uint8) cast the scalars in
    // linalg bodies to signless for arith; the LLVM lowering erases the casts.
    target.addLegalOp<UnrealizedConversionCastOp>();
    RewritePatternSet patterns(ctx);
    populateElementwiseToLinalgPatterns(patterns);
    populateContractionToLinalgPatterns(patterns);
    populateConstantToArithPatterns(patterns);
    populateReductionToLinalgPatterns(patterns);
    populateLayoutToLinalgPatterns(patterns);
    populateIndexingToLinalgPatterns(patterns);
    populateShapeOpsToLinalgPatterns(patterns);
    populateNormalizationToLinalgPatterns(patterns);
    populateQuantizationToLinalgPatterns(patterns);
    populateTernaryToLinalgPatterns(patterns);
    populateQuantizedLinearToLinalgPatterns(patterns);
    // The reference lowering; targets with their own (the CPU's
    // tern-cpu-flash-attention) have run it before this pass.
    populateAttentionToLinalgPatterns(patterns);
    // Partial conversion reports every tern op left illegal with its
    // location ("failed to legalize operation 'tern.x'").
    if (failed(applyPartialConversion(getOperation(), target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace ternion
