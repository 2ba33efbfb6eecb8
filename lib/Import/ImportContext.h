//===- ImportContext.h - state shared by the importer's parts ---*- C++ -*-===//
#ifndef TERNION_LIB_IMPORT_IMPORTCONTEXT_H
#define TERNION_LIB_IMPORT_IMPORTCONTEXT_H

#include "dialects/tern/WeightMemory.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/StringMap.h"
#include <onnx/onnx_pb.h>

namespace ternion::import {

/// The MLIR element type of an ONNX TensorProto data type, or null.
mlir::Type getElementType(mlir::MLIRContext *ctx, int32_t onnxType);

/// The ONNX spelling of a data type, for messages ("FLOAT", "STRING", ...).
std::string getDataTypeName(int32_t onnxType);

/// How messages name a node: its name, else its first output's name.
std::string getNodeDisplayName(const onnx::NodeProto &node);

/// The largest tensor Ternion imports (64 GiB): far above any real model's
/// largest weight or activation, and checked before anything is allocated,
/// so that a hostile shape is refused instead of exhausting memory later.
constexpr uint64_t kMaxTensorBytes = uint64_t(1) << 36;

/// Whether a tensor of `shape` (dynamic dims count as 1) and `element`
/// would exceed kMaxTensorBytes; the multiplication cannot overflow.
bool exceedsTensorLimit(llvm::ArrayRef<int64_t> shape, mlir::Type element);

/// "[2, ?, 4]", for messages.
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// Where a model's tensors come from: its folder bounds external data paths.
struct TensorSource {
  std::string modelPath;
  std::string modelDir; // canonical absolute path
  /// Each external-data file mapped once, by canonical path; tensors are
  /// slices of it and keep it mapped while they live.
  mutable llvm::StringMap<std::shared_ptr<tern::MappedWeightsFile>> mappedFiles;
};

/// Turns an ONNX tensor into a constant attribute (dense_resource), taking
/// ownership of its raw bytes when it can instead of copying them. External
/// data is memory-mapped. Emits an error at `loc` and returns null on bad
/// tensors: unknown types, negative or huge dims, sizes that disagree with
/// the data, external paths outside the model's folder.
mlir::ElementsAttr importTensor(onnx::TensorProto &tensor, const TensorSource &source,
                                mlir::Location loc);

/// One node being imported: its operands (null for omitted optional inputs),
/// attributes, the opset version that applies and the builder.
struct NodeContext {
  const onnx::NodeProto &node;
  int sinceVersion; // the op's schema version in effect for this model
  mlir::Location loc;
  mlir::OpBuilder &builder;
  llvm::SmallVector<mlir::Value> inputs;
  const TensorSource &source;

  mlir::MLIRContext *getContext() { return builder.getContext(); }
  mlir::Value input(unsigned i) const { return i < inputs.size() ? inputs[i] : mlir::Value(); }
  const onnx::AttributeProto *findAttr(llvm::StringRef name) const;
  /// Attribute accessors: fail with an error naming the node when the
  /// attribute has the wrong type.
  mlir::FailureOr<int64_t> getInt(llvm::StringRef name, int64_t defaultValue);
  mlir::FailureOr<float> getFloat(llvm::StringRef name, float defaultValue);
  mlir::FailureOr<std::optional<llvm::SmallVector<int64_t>>> getInts(llvm::StringRef name);
  mlir::InFlightDiagnostic emitError();
};

using NodeResults = mlir::FailureOr<llvm::SmallVector<mlir::Value>>;
using NodeHandler = NodeResults (*)(NodeContext &);

/// What the importer knows of one ONNX op type: the opset versions where its
/// semantics changed (types-only changes are not listed), and which of them
/// it implements.
struct OpInfo {
  llvm::StringRef opType;
  llvm::SmallVector<int, 6> semanticVersions;
  llvm::SmallVector<int, 6> unsupportedVersions;
  NodeHandler handler;
};

/// The table of supported ops, keyed by ONNX op type (default domain).
const llvm::StringMap<OpInfo> &getOpTable();

/// The version in effect for `info` under `opset`, or 0 when the op did not
/// exist yet.
int getSinceVersion(const OpInfo &info, int opset);

} // namespace ternion::import

#endif // TERNION_LIB_IMPORT_IMPORTCONTEXT_H
