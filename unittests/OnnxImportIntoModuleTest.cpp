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
#include "ternion/Import/OnnxImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <cstring>

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

namespace {

/// y = x + w with a constant w of four equal `value`s named "weight".
std::string addModel(float value) {
  onnx::ModelProto model;
  model.set_ir_version(8);
  auto *opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(17);
  auto *graph = model.mutable_graph();
  graph->set_name("g");
  auto *input = graph->add_input();
  input->set_name("x");
  auto *tensor = input->mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(onnx::TensorProto::FLOAT);
  tensor->mutable_shape()->add_dim()->set_dim_value(4);
  auto *weight = graph->add_initializer();
  weight->set_name("weight");
  weight->set_data_type(onnx::TensorProto::FLOAT);
  weight->add_dims(4);
  for (int i = 0; i < 4; ++i)
    weight->add_float_data(value);
  auto *node = graph->add_node();
  node->set_op_type("Add");
  node->set_name("add");
  node->add_input("x");
  node->add_input("weight");
  node->add_output("y");
  graph->add_output()->set_name("y");
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

} // namespace
