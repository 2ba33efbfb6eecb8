//===- OnnxImporter.cpp - ONNX models to the tern dialect -----------------===//
//
// Reads a model, checks the graph (opsets, supported ops, names, cycles),
// then imports it 1:1: graph inputs become @main's arguments, initializers
// and Constant nodes become dense_resource constants, and every node becomes
// tern ops located at NameLoc(node name, FileLineColLoc(file, node index, 0)).
//
//===----------------------------------------------------------------------===//
#include "ternion/Import/OnnxImporter.h"

#include "ImportContext.h"
#include "dialects/tern/TernDialect.h"
#include "dialects/tern/TernOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

#include <google/protobuf/io/coded_stream.h>
#include <queue>
#include <onnx/defs/parser.h>

using namespace mlir;
using namespace ternion::import;

namespace {

/// Parses ONNX's text syntax. The parser may throw on malformed input, so
/// this is the one place in Ternion built with exceptions.
std::optional<std::string> parseOnnxText(StringRef text, onnx::ModelProto &model) {
  try {
    std::string copy = text.str();
    onnx::Status status = onnx::OnnxParser::Parse(model, copy.c_str());
    if (!status.IsOK())
      return status.ErrorMessage();
    return std::nullopt;
  } catch (const std::exception &e) {
    return std::string(e.what());
  }
}

class Importer {
public:
  Importer(MLIRContext *ctx, StringRef path) : ctx(ctx), builder(ctx), path(path.str()) {
    fileLoc = FileLineColLoc::get(ctx, path, 0, 0);
  }

  OwningOpRef<ModuleOp> run(StringRef bytes);
  /// Imports the graph into `module` as `@<prefix>main`.
  LogicalResult runInto(StringRef bytes, ModuleOp module, StringRef prefix);

private:
  LogicalResult parse(StringRef bytes);
  LogicalResult checkOpsets();
  LogicalResult checkSupport();
  LogicalResult sortNodes();
  FailureOr<Type> importType(const onnx::TypeProto &type, StringRef what,
                             SmallVectorImpl<Attribute> *dimParams);
  LogicalResult importNode(const onnx::NodeProto &node, int index);
  Location nodeLoc(const onnx::NodeProto &node, int index) {
    return NameLoc::get(StringAttr::get(ctx, getNodeDisplayName(node)),
                        FileLineColLoc::get(ctx, path, index, 0));
  }
  InFlightDiagnostic fileError() { return emitError(fileLoc); }

  MLIRContext *ctx;
  OpBuilder builder;
  std::string path;
  Location fileLoc = UnknownLoc::get(ctx);
  onnx::ModelProto model;
  TensorSource source;
  int opset = 0;
  /// Nodes in a topological order (index into graph.node()).
  SmallVector<int> order;
  llvm::StringMap<Value> values;
};

LogicalResult Importer::parse(StringRef bytes) {
  if (StringRef(path).ends_with(".onnxtxt")) {
    if (auto error = parseOnnxText(bytes, model))
      return fileError() << "model is not valid ONNX text: " << *error;
    return success();
  }
  if (bytes.size() > size_t(INT32_MAX))
    return fileError() << "model is larger than 2 GiB; store its weights as external data";
  google::protobuf::io::CodedInputStream stream(
      reinterpret_cast<const uint8_t *>(bytes.data()), int(bytes.size()));
  stream.SetRecursionLimit(64);
  if (!model.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage())
    return fileError() << "not a valid ONNX model (protobuf parse failed: "
                          "truncated, corrupt or not an ONNX file)";
  if (!model.has_graph())
    return fileError() << "model has no graph";
  return success();
}

LogicalResult Importer::checkOpsets() {
  for (const auto &entry : model.opset_import()) {
    if (entry.domain().empty() || entry.domain() == "ai.onnx")
      opset = int(entry.version());
  }
  if (opset == 0)
    return fileError() << "model imports no default-domain (ai.onnx) opset";
  if (opset < ternion::kMinOnnxOpset || opset > ternion::kMaxOnnxOpset)
    return fileError() << "model uses opset " << opset << "; Ternion imports opsets "
                       << ternion::kMinOnnxOpset << " to " << ternion::kMaxOnnxOpset;
  return success();
}

LogicalResult Importer::checkSupport() {
  // Collect every unsupported (op type, opset) with its nodes: one error
  // that lists everything a user must change, not just the first problem.
  std::vector<std::pair<std::string, SmallVector<std::string>>> unsupported;
  const auto &table = getOpTable();
  for (const auto &node : model.graph().node()) {
    std::string why;
    bool defaultDomain = node.domain().empty() || node.domain() == "ai.onnx";
    auto it = table.find(node.op_type());
    std::string key;
    if (!defaultDomain) {
      key = node.domain() + "." + node.op_type() + " (custom domain)";
    } else if (it == table.end()) {
      key = node.op_type() + " (opset " + std::to_string(opset) + ")";
    } else {
      int since = getSinceVersion(it->second, opset);
      if (since == 0)
        key = node.op_type() + " (opset " + std::to_string(opset) +
              ": not defined before opset " +
              std::to_string(it->second.semanticVersions.front()) + ")";
      else if (llvm::is_contained(it->second.unsupportedVersions, since))
        key = node.op_type() + " (opset " + std::to_string(opset) + ": version " +
              std::to_string(since) + " changed semantics and is not supported)";
      else
        continue;
    }
    std::string nodeName = getNodeDisplayName(node);
    auto it2 = llvm::find_if(unsupported, [&](auto &e) { return e.first == key; });
    if (it2 == unsupported.end())
      it2 = unsupported.insert(unsupported.end(), {key, {}});
    it2->second.push_back(nodeName);
  }
  if (unsupported.empty())
    return success();
  size_t count = 0;
  for (auto &entry : unsupported)
    count += entry.second.size();
  auto diag = fileError();
  diag << count << " node(s) use ops that Ternion does not support:";
  for (auto &[key, nodes] : unsupported) {
    diag << "\n  " << key << ": ";
    for (auto [i, n] : llvm::enumerate(nodes)) {
      if (i == 8) {
        diag << ", ... (" << nodes.size() << " nodes)";
        break;
      }
      diag << (i ? ", " : "") << n;
    }
  }
  return failure();
}

LogicalResult Importer::sortNodes() {
  const auto &graph = model.graph();
  // A function without results would not be callable through the artifact
  // ABI; say so here, in the model's terms.
  if (graph.output_size() == 0)
    return fileError() << "graph '" << graph.name() << "' has no outputs";
  // Inputs and outputs are bound by name: each name once. (An initializer
  // may share a graph input's name; that input then has a default.)
  llvm::StringSet<> inputNames, outputNames;
  for (const auto &input : graph.input())
    if (!inputNames.insert(input.name()).second)
      return fileError() << "graph input '" << input.name() << "' is declared twice";
  for (const auto &output : graph.output())
    if (!outputNames.insert(output.name()).second)
      return fileError() << "graph output '" << output.name() << "' is listed twice";
  // Who produces each value; graph inputs and initializers are available.
  llvm::StringMap<int> producer;
  llvm::StringSet<> available;
  for (const auto &input : graph.input())
    available.insert(input.name());
  for (const auto &init : graph.initializer())
    available.insert(init.name());
  for (auto [i, node] : llvm::enumerate(graph.node())) {
    for (const std::string &out : node.output()) {
      if (out.empty())
        continue;
      if (available.contains(out) || !producer.try_emplace(out, int(i)).second)
        return emitError(nodeLoc(node, int(i)))
               << "node '" << getNodeDisplayName(node) << "' (" << node.op_type()
               << ") redefines value '" << out << "'";
    }
  }
  for (auto [i, node] : llvm::enumerate(graph.node()))
    for (const std::string &in : node.input())
      if (!in.empty() && !available.contains(in) && !producer.count(in))
        return emitError(nodeLoc(node, int(i)))
               << "node '" << getNodeDisplayName(node) << "' (" << node.op_type() << ") reads '" << in
               << "', which no node, initializer or graph input defines";
  // Kahn's algorithm; a leftover node means a cycle.
  int n = graph.node_size();
  SmallVector<int> pending(n, 0);
  SmallVector<SmallVector<int>> consumers(n);
  for (int i = 0; i < n; ++i)
    for (const std::string &in : graph.node(i).input())
      if (auto it = producer.find(in); !in.empty() && it != producer.end()) {
        ++pending[i];
        consumers[it->second].push_back(i);
      }
  // A min-heap keeps the file's order when it is already topological.
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int i = 0; i < n; ++i)
    if (pending[i] == 0)
      ready.push(i);
  while (!ready.empty()) {
    int i = ready.top();
    ready.pop();
    order.push_back(i);
    for (int c : consumers[i])
      if (--pending[c] == 0)
        ready.push(c);
  }
  if (int(order.size()) != n) {
    for (int i = 0; i < n; ++i)
      if (pending[i] > 0)
        return emitError(nodeLoc(graph.node(i), i))
               << "node '" << getNodeDisplayName(graph.node(i)) << "' (" << graph.node(i).op_type()
               << ") is part of a cycle; ONNX graphs must be acyclic";
  }
  for (const auto &output : graph.output())
    if (!available.contains(output.name()) && !producer.count(output.name()))
      return fileError() << "graph output '" << output.name() << "' is never defined";
  return success();
}

FailureOr<Type> Importer::importType(const onnx::TypeProto &type, StringRef what,
                                     SmallVectorImpl<Attribute> *dimParams) {
  if (type.value_case() == onnx::TypeProto::VALUE_NOT_SET)
    return fileError() << what << " has no type";
  if (!type.has_tensor_type())
    return fileError() << what << " is not a tensor (sequence, map and optional "
                                  "values are not supported)";
  const auto &tensor = type.tensor_type();
  Type element = getElementType(ctx, tensor.elem_type());
  if (!element)
    return fileError() << what << " has unsupported element type "
                       << getDataTypeName(tensor.elem_type());
  if (!tensor.has_shape())
    return Type(UnrankedTensorType::get(element));
  SmallVector<int64_t> shape;
  for (const auto &dim : tensor.shape().dim()) {
    if (dim.has_dim_value()) {
      if (dim.dim_value() < 0 || dim.dim_value() > (int64_t(1) << 40))
        return fileError() << what << " has invalid dim " << dim.dim_value();
      shape.push_back(dim.dim_value());
    } else {
      shape.push_back(ShapedType::kDynamic);
    }
    if (dimParams)
      dimParams->push_back(StringAttr::get(ctx, dim.dim_param()));
  }
  if (exceedsTensorLimit(shape, element))
    return fileError() << what << " has shape " << formatShape(shape)
                       << ", over the " << (kMaxTensorBytes >> 30)
                       << " GiB Ternion allows for one tensor";
  return Type(RankedTensorType::get(shape, element));
}

LogicalResult Importer::importNode(const onnx::NodeProto &node, int index) {
  const OpInfo &info = getOpTable().find(node.op_type())->second;
  NodeContext nc{node, getSinceVersion(info, opset), nodeLoc(node, index), builder, {},
                 source};
  for (const std::string &in : node.input())
    nc.inputs.push_back(in.empty() ? Value() : values.lookup(in));
  // Every supported op but Constant reads its first input, and handlers
  // inspect it before building (found by fuzz-onnx-import: a LogSoftmax
  // without inputs).
  if (node.op_type() != "Constant" && !nc.input(0))
    return nc.emitError() << "input 0 is missing";
  NodeResults results = info.handler(nc);
  if (failed(results))
    return failure();
  for (auto [i, out] : llvm::enumerate(node.output())) {
    if (out.empty())
      continue;
    if (i >= results->size() || !(*results)[i])
      return nc.emitError() << "output " << i << " ('" << out
                            << "') is not supported by Ternion's " << node.op_type();
    // Shapes computed from constants (ConstantOfShape, Expand, Range) are
    // bounded here, before any later stage materializes them.
    if (auto type = dyn_cast<RankedTensorType>((*results)[i].getType());
        type && exceedsTensorLimit(type.getShape(), type.getElementType()))
      return nc.emitError() << "output '" << out << "' would have shape "
                            << formatShape(type.getShape()) << ", over the "
                            << (kMaxTensorBytes >> 30)
                            << " GiB Ternion allows for one tensor";
    values[out] = (*results)[i];
  }
  return success();
}

OwningOpRef<ModuleOp> Importer::run(StringRef bytes) {
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  if (failed(runInto(bytes, *module, "")))
    return {};
  return module;
}

LogicalResult Importer::runInto(StringRef bytes, ModuleOp module, StringRef prefix) {
  std::string fnName = (prefix + "main").str();
  if (module.lookupSymbol(fnName)) {
    fileError() << "cannot import into a module that already has a symbol '@" << fnName
                << "' (give the model another symbol prefix)";
    return failure();
  }
  if (failed(parse(bytes)) || failed(checkOpsets()) || failed(checkSupport()) ||
      failed(sortNodes()))
    return failure();
  ctx->loadDialect<ternion::tern::TernDialect, func::FuncDialect>();
  SmallString<256> dir(path);
  llvm::sys::path::remove_filename(dir);
  if (dir.empty())
    dir = ".";
  SmallString<256> realDir;
  if (llvm::sys::fs::real_path(dir, realDir))
    realDir = dir;
  source = TensorSource{path, std::string(realDir)};

  onnx::GraphProto &graph = *model.mutable_graph();
  DictionaryAttr sourceInfo =
      builder.getDictionaryAttr({
          builder.getNamedAttr("file", builder.getStringAttr(llvm::sys::path::filename(path))),
          builder.getNamedAttr("graph", builder.getStringAttr(graph.name())),
          builder.getNamedAttr("opset", builder.getI64IntegerAttr(opset)),
          builder.getNamedAttr("producer", builder.getStringAttr(
                                               model.producer_name() + " " +
                                               model.producer_version())),
      });
  // The first model describes the module; a model imported next to it
  // (a draft beside its target) describes its own function.
  if (prefix.empty() && !module->hasAttr("tern.source"))
    module->setAttr("tern.source", sourceInfo);
  // Graph inputs that are not initializers are the function's arguments.
  llvm::StringSet<> initializerNames;
  for (const auto &init : graph.initializer())
    initializerNames.insert(init.name());
  SmallVector<Type> argTypes;
  SmallVector<DictionaryAttr> argAttrs;
  SmallVector<std::string> argNames;
  for (const auto &input : graph.input()) {
    if (initializerNames.contains(input.name()))
      continue;
    SmallVector<Attribute> dimParams;
    auto type = importType(input.type(), "graph input '" + input.name() + "'", &dimParams);
    if (failed(type))
      return failure();
    argTypes.push_back(*type);
    argNames.push_back(input.name());
    SmallVector<NamedAttribute> attrs{
        builder.getNamedAttr("tern.name", builder.getStringAttr(input.name()))};
    if (llvm::any_of(dimParams, [](Attribute a) { return !cast<StringAttr>(a).empty(); }))
      attrs.push_back(builder.getNamedAttr("tern.dim_params", builder.getArrayAttr(dimParams)));
    argAttrs.push_back(builder.getDictionaryAttr(attrs));
  }

  auto fn = func::FuncOp::create(builder, fileLoc, fnName,
                                 builder.getFunctionType(argTypes, {}));
  module.push_back(fn);
  // A model that fails halfway leaves no function behind in the module it
  // was imported into.
  llvm::scope_exit eraseOnFailure([&] { fn.erase(); });
  if (!prefix.empty())
    fn->setAttr("tern.source", sourceInfo);
  Block *body = fn.addEntryBlock();
  for (auto [i, attrs] : llvm::enumerate(argAttrs))
    fn.setArgAttrs(i, attrs);
  for (auto [i, name] : llvm::enumerate(argNames))
    values[name] = body->getArgument(i);
  builder.setInsertionPointToStart(body);

  for (auto [i, init] : llvm::enumerate(*graph.mutable_initializer())) {
    Location loc = NameLoc::get(builder.getStringAttr(init.name()), fileLoc);
    ElementsAttr attr = importTensor(init, source, loc);
    if (!attr)
      return failure();
    values[init.name()] = ternion::tern::ConstantOp::create(builder, loc, attr);
  }
  for (int index : order)
    if (failed(importNode(graph.node(index), index)))
      return failure();

  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  SmallVector<DictionaryAttr> resultAttrs;
  for (const auto &output : graph.output()) {
    Value v = values.lookup(output.name());
    std::string what = "graph output '" + output.name() + "'";
    SmallVector<Attribute> dimParams;
    if (output.has_type()) {
      auto declared = importType(output.type(), what, &dimParams);
      if (failed(declared))
        return failure();
      if (getElementTypeOrSelf(*declared) != getElementTypeOrSelf(v.getType())) {
        fileError() << what << " is declared " << *declared << " but computes "
                    << v.getType();
        return failure();
      }
    }
    results.push_back(v);
    resultTypes.push_back(v.getType());
    SmallVector<NamedAttribute> attrs{
        builder.getNamedAttr("tern.name", builder.getStringAttr(output.name()))};
    if (llvm::any_of(dimParams, [](Attribute a) { return !cast<StringAttr>(a).empty(); }))
      attrs.push_back(builder.getNamedAttr("tern.dim_params", builder.getArrayAttr(dimParams)));
    resultAttrs.push_back(builder.getDictionaryAttr(attrs));
  }
  func::ReturnOp::create(builder, fileLoc, results);
  fn.setType(builder.getFunctionType(argTypes, resultTypes));
  for (auto [i, attrs] : llvm::enumerate(resultAttrs))
    fn.setResultAttrs(i, attrs);
  if (failed(verify(fn)))
    return failure();
  eraseOnFailure.release();
  return success();
}

} // namespace

namespace ternion {

OwningOpRef<ModuleOp> importOnnxBuffer(StringRef bytes, StringRef path,
                                       MLIRContext *context) {
  return Importer(context, path).run(bytes);
}

/// The bytes of the model at `path`; null after an error naming the file.
static std::unique_ptr<llvm::MemoryBuffer> readModel(StringRef path, MLIRContext *context) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    emitError(FileLineColLoc::get(context, path, 0, 0))
        << "cannot read: " << buffer.getError().message();
    return nullptr;
  }
  return std::move(*buffer);
}

OwningOpRef<ModuleOp> importOnnxFile(StringRef path, MLIRContext *context) {
  std::unique_ptr<llvm::MemoryBuffer> buffer = readModel(path, context);
  if (!buffer)
    return {};
  return importOnnxBuffer(buffer->getBuffer(), path, context);
}

LogicalResult importOnnxBufferInto(StringRef bytes, StringRef path, ModuleOp module,
                                   StringRef symbolPrefix) {
  return Importer(module.getContext(), path).runInto(bytes, module, symbolPrefix);
}

LogicalResult importOnnxFileInto(StringRef path, ModuleOp module, StringRef symbolPrefix) {
  std::unique_ptr<llvm::MemoryBuffer> buffer = readModel(path, module.getContext());
  if (!buffer)
    return failure();
  return importOnnxBufferInto(buffer->getBuffer(), path, module, symbolPrefix);
}

void registerOnnxImportTranslation() {
  TranslateToMLIRRegistration registration(
      "import-onnx", "Import an ONNX model (.onnx, or ONNX text syntax in .onnxtxt)",
      [](llvm::SourceMgr &sourceMgr, MLIRContext *context) -> OwningOpRef<Operation *> {
        const llvm::MemoryBuffer *buffer = sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        OwningOpRef<ModuleOp> module =
            importOnnxBuffer(buffer->getBuffer(), buffer->getBufferIdentifier(), context);
        if (!module)
          return {};
        return OwningOpRef<Operation *>(module.release());
      },
      [](DialectRegistry &registry) {
        registry.insert<ternion::tern::TernDialect, func::FuncDialect>();
      });
}

} // namespace ternion
