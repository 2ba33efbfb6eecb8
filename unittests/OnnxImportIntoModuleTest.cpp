//===- OnnxImportIntoModuleTest.cpp - two models in one module ------------===//
//
// A draft and its target are compiled into one artifact, so the importer
// must add a second model to a module that already holds one: under its
// own symbol prefix, with weights that stay its own even where both models
// name their initializers alike (torch exports always do).
//
//===----------------------------------------------------------------------===//
#include "dialects/tern/TernDialect.h"
#include "dialects/tern/TernOps.h"
#include "OnnxTestModels.h"
#include "ternion/Import/OnnxImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"


#include <cstring>

#include <gtest/gtest.h>

namespace {

/// y = x + w for an x of 4 and a constant w of `length` (4: the shapes
/// agree) equal `value`s named "weight".
std::string addModel(float value, int length = 4) {
  onnx::ModelProto model = ternion::testing::baseModel();
  auto *weight = model.mutable_graph()->add_initializer();
  weight->set_name("weight");
  weight->set_data_type(onnx::TensorProto::FLOAT);
  weight->add_dims(length);
  for (int i = 0; i < length; ++i)
    weight->add_float_data(value);
  ternion::testing::addNode(model, "Add", "add", {"x", "weight"}, {"y"});
  std::string bytes;
  model.SerializeToString(&bytes);
  return bytes;
}

/// The first element of the constant `fn` adds to its argument.
float weightOf(mlir::func::FuncOp fn) {
  float result = -1;
  fn.walk([&](ternion::tern::ConstantOp constant) {
    // Weights are dense_resource blobs; read the blob's first float.
    auto resource = mlir::dyn_cast<mlir::DenseResourceElementsAttr>(constant.getValue());
    if (!resource || !resource.getRawHandle().getBlob())
      return;
    llvm::ArrayRef<char> bytes = resource.getRawHandle().getBlob()->getData();
    if (bytes.size() >= sizeof(float))
      std::memcpy(&result, bytes.data(), sizeof(float));
  });
  return result;
}

class ImportIntoModule : public ::testing::Test {
protected:
  ImportIntoModule() : handler(&context, [this](mlir::Diagnostic &diag) {
    errors += diag.str() + "\n";
    return mlir::success();
  }) {}

  mlir::MLIRContext context;
  std::string errors;
  mlir::ScopedDiagnosticHandler handler;
};

TEST_F(ImportIntoModule, SecondModelGetsItsOwnFunctionAndWeights) {
  auto module = ternion::importOnnxBuffer(addModel(1.0f), "target.onnx", &context);
  ASSERT_TRUE(module) << errors;
  ASSERT_TRUE(mlir::succeeded(
      ternion::importOnnxBufferInto(addModel(2.0f), "draft.onnx", *module, "draft_")))
      << errors;
  EXPECT_TRUE(mlir::succeeded(mlir::verify(*module)));
  auto target = module->lookupSymbol<mlir::func::FuncOp>("main");
  auto draft = module->lookupSymbol<mlir::func::FuncOp>("draft_main");
  ASSERT_TRUE(target);
  ASSERT_TRUE(draft);
  // Same initializer name, different values: the blobs were kept apart.
  EXPECT_EQ(weightOf(target), 1.0f);
  EXPECT_EQ(weightOf(draft), 2.0f);
  // The module describes the first model, the draft's function its own.
  auto source = draft->getAttrOfType<mlir::DictionaryAttr>("tern.source");
  ASSERT_TRUE(source);
  EXPECT_EQ(source.getAs<mlir::StringAttr>("file").getValue(), "draft.onnx");
  EXPECT_TRUE((*module)->hasAttr("tern.source"));
  EXPECT_FALSE(target->hasAttr("tern.source"));
}

TEST_F(ImportIntoModule, TakenSymbolIsRefused) {
  auto module = ternion::importOnnxBuffer(addModel(1.0f), "target.onnx", &context);
  ASSERT_TRUE(module) << errors;
  EXPECT_TRUE(mlir::failed(
      ternion::importOnnxBufferInto(addModel(2.0f), "again.onnx", *module, "")));
  EXPECT_NE(errors.find("already has a symbol '@main'"), std::string::npos) << errors;
  // Nothing was added.
  EXPECT_EQ(std::distance(module->getOps<mlir::func::FuncOp>().begin(),
                          module->getOps<mlir::func::FuncOp>().end()),
            1);
}

TEST_F(ImportIntoModule, BadSecondModelFailsWithItsName) {
  auto module = ternion::importOnnxBuffer(addModel(1.0f), "target.onnx", &context);
  ASSERT_TRUE(module) << errors;
  EXPECT_TRUE(mlir::failed(
      ternion::importOnnxBufferInto("not a model", "broken.onnx", *module, "draft_")));
  EXPECT_NE(errors.find("not a valid ONNX"), std::string::npos) << errors;
  EXPECT_FALSE(module->lookupSymbol("draft_main"));
}

TEST_F(ImportIntoModule, ModelFailingHalfwayLeavesNoFunction) {
  auto module = ternion::importOnnxBuffer(addModel(1.0f), "target.onnx", &context);
  ASSERT_TRUE(module) << errors;
  // The model parses and passes the opset and support checks; its Add fails
  // (4 against 3 elements) once the function holds the draft's weights.
  EXPECT_TRUE(mlir::failed(
      ternion::importOnnxBufferInto(addModel(2.0f, 3), "draft.onnx", *module, "draft_")));
  EXPECT_FALSE(errors.empty());
  EXPECT_FALSE(module->lookupSymbol("draft_main"));
  EXPECT_TRUE(mlir::succeeded(mlir::verify(*module)));
}

} // namespace
