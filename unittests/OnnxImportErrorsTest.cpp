//===- OnnxImportErrorsTest.cpp - hostile models fail cleanly -------------===//
//
// Builds malformed ModelProtos directly (no files) and checks that the
// importer reports one error naming the problem and returns null, never
// crashing or allocating the sizes the model claims.
//
//===----------------------------------------------------------------------===//
#include "OnnxTestModels.h"
#include "ternion/Import/OnnxImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"


#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

namespace {

using ternion::testing::addNode;
using ternion::testing::baseModel;

struct ImportResult {
  bool ok;
  std::string errors;
};

ImportResult importProto(const onnx::ModelProto &model) {
  mlir::MLIRContext context;
  std::string errors;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &diag) {
    errors += diag.str() + "\n";
    return mlir::success();
  });
  std::string bytes;
  model.SerializeToString(&bytes);
  auto module = ternion::importOnnxBuffer(bytes, "model.onnx", &context);
  return {bool(module), errors};
}

TEST(OnnxImportErrors, ValidModelImports) {
  auto model = baseModel();
  addNode(model, "Relu", "relu", {"x"}, {"y"});
  ImportResult r = importProto(model);
  EXPECT_TRUE(r.ok) << r.errors;
}

TEST(OnnxImportErrors, UnsupportedOpsAreAllListed) {
  auto model = baseModel();
  addNode(model, "Conv", "conv_a", {"x"}, {"a"});
  addNode(model, "Conv", "conv_b", {"a"}, {"b"});
  addNode(model, "Unique", "uniq", {"b"}, {"y"});
  ImportResult r = importProto(model);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.errors.find("3 node(s)"), std::string::npos) << r.errors;
  EXPECT_NE(r.errors.find("Conv (opset 17): conv_a, conv_b"), std::string::npos) << r.errors;
  EXPECT_NE(r.errors.find("Unique (opset 17): uniq"), std::string::npos) << r.errors;
}

TEST(OnnxImportErrors, HugeDimsAreRejectedBeforeAllocating) {
  auto model = baseModel();
  auto *init = model.mutable_graph()->add_initializer();
  init->set_name("w");
  init->set_data_type(onnx::TensorProto::FLOAT);
  init->add_dims(int64_t(1) << 40);
  init->add_dims(int64_t(1) << 40);
  addNode(model, "Add", "add", {"x", "w"}, {"y"});
  ImportResult r = importProto(model);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.errors.find("over the 64 GiB"), std::string::npos) << r.errors;
}

TEST(OnnxImportErrors, NegativeDims) {
  auto model = baseModel();
  auto *init = model.mutable_graph()->add_initializer();
  init->set_name("w");
  init->set_data_type(onnx::TensorProto::FLOAT);
  init->add_dims(-3);
  addNode(model, "Add", "add", {"x", "w"}, {"y"});
  ImportResult r = importProto(model);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.errors.find("negative dim -3"), std::string::npos) << r.errors;
}

TEST(OnnxImportErrors, RawDataSizeMismatch) {
  auto model = baseModel();
  auto *init = model.mutable_graph()->add_initializer();
  init->set_name("w");
  init->set_data_type(onnx::TensorProto::FLOAT);
  init->add_dims(4);
  init->set_raw_data(std::string(7, '\0'));
  addNode(model, "Add", "add", {"x", "w"}, {"y"});
  ImportResult r = importProto(model);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.errors.find("needs 16 bytes but has 7"), std::string::npos) << r.errors;
}

TEST(OnnxImportErrors, CycleIsReported) {
  auto model = baseModel();
  addNode(model, "Add", "first", {"x", "b"}, {"a"});
  addNode(model, "Relu", "second", {"a"}, {"b"});
  addNode(model, "Identity", "out", {"a"}, {"y"});
  ImportResult r = importProto(model);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.errors.find("cycle"), std::string::npos) << r.errors;
}

TEST(OnnxImportErrors, DanglingInput) {
  auto model = baseModel();
  addNode(model, "Add", "add", {"x", "nowhere"}, {"y"});
  ImportResult r = importProto(model);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.errors.find("reads 'nowhere'"), std::string::npos) << r.errors;
}

TEST(OnnxImportErrors, WrongAttributeType) {
  auto model = baseModel();
  auto *node = addNode(model, "Softmax", "sm", {"x"}, {"y"});
  auto *attr = node->add_attribute();
  attr->set_name("axis");
  attr->set_type(onnx::AttributeProto::STRING);
  attr->set_s("last");
  ImportResult r = importProto(model);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.errors.find("attribute 'axis' must be an int"), std::string::npos) << r.errors;
}

TEST(OnnxImportErrors, ExternalDataOutsideModelFolder) {
  auto model = baseModel();
  auto *init = model.mutable_graph()->add_initializer();
  init->set_name("w");
  init->set_data_type(onnx::TensorProto::FLOAT);
  init->add_dims(4);
  init->set_data_location(onnx::TensorProto::EXTERNAL);
  auto *entry = init->add_external_data();
  entry->set_key("location");
  entry->set_value("/etc/passwd");
  addNode(model, "Add", "add", {"x", "w"}, {"y"});
  ImportResult r = importProto(model);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.errors.find("must be a path relative"), std::string::npos) << r.errors;
}

TEST(OnnxImportErrors, TruncatedBytes) {
  auto model = baseModel();
  addNode(model, "Relu", "relu", {"x"}, {"y"});
  std::string bytes;
  model.SerializeToString(&bytes);
  for (size_t cut : {size_t(1), bytes.size() / 2, bytes.size() - 1}) {
    mlir::MLIRContext context;
    std::string errors;
    mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &diag) {
      errors += diag.str();
      return mlir::success();
    });
    auto module = ternion::importOnnxBuffer(llvm::StringRef(bytes).take_front(cut),
                                            "model.onnx", &context);
    EXPECT_FALSE(module) << "cut at " << cut;
    EXPECT_FALSE(errors.empty());
  }
}

} // namespace
