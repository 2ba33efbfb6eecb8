//===- Manifest.cpp - an artifact's manifest.json -------------------------===//
#include "ternion/Artifact/Manifest.h"

#include "ternion/Version.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace ternion {

std::string runtimeDTypeName(Type type) {
  if (type.isF32())
    return TNX_DTYPE_NAME_F32;
  if (type.isF64())
    return TNX_DTYPE_NAME_F64;
  if (type.isF16())
    return TNX_DTYPE_NAME_F16;
  if (type.isBF16())
    return TNX_DTYPE_NAME_BF16;
  auto integer = dyn_cast<IntegerType>(type);
  if (!integer)
    return "";
  bool isUnsigned = integer.isUnsigned();
  switch (integer.getWidth()) {
  case 1:
    return TNX_DTYPE_NAME_BOOL;
  case 8:
    return isUnsigned ? TNX_DTYPE_NAME_U8 : TNX_DTYPE_NAME_I8;
  case 16:
    return isUnsigned ? TNX_DTYPE_NAME_U16 : TNX_DTYPE_NAME_I16;
  case 32:
    return isUnsigned ? TNX_DTYPE_NAME_U32 : TNX_DTYPE_NAME_I32;
  case 64:
    return isUnsigned ? TNX_DTYPE_NAME_U64 : TNX_DTYPE_NAME_I64;
  default:
    return "";
  }
}

static FailureOr<ValueSignature> valueSignature(func::FuncOp fn, Type type,
                                                DictionaryAttr attrs, StringRef what,
                                                unsigned index) {
  ValueSignature value;
  auto name = attrs ? attrs.getAs<StringAttr>("tern.name") : StringAttr();
  value.name = name ? name.str() : (what + std::to_string(index)).str();
  // A memref is an in-out KV cache (tern-kv-cache-in-place); nothing else
  // may take or return buffers.
  auto kvCache = attrs ? attrs.getAs<StringAttr>("tern.kv_cache") : StringAttr();
  auto tensor = dyn_cast<ShapedType>(type);
  if (!tensor || !tensor.hasRank() || (isa<MemRefType>(type) && !kvCache))
    return fn.emitError() << what << " '" << value.name << "' has type " << type
                          << "; an artifact function takes and returns ranked tensors";
  if (kvCache)
    value.kvCache = kvCache.str();
  value.dtype = runtimeDTypeName(tensor.getElementType());
  if (value.dtype.empty())
    return fn.emitError() << what << " '" << value.name << "' has element type "
                          << tensor.getElementType() << ", which the runtime has no dtype for";
  auto dimParams = attrs ? attrs.getAs<ArrayAttr>("tern.dim_params") : ArrayAttr();
  for (int64_t i = 0, e = tensor.getRank(); i < e; ++i) {
    value.shape.push_back(tensor.isDynamicDim(i) ? -1 : tensor.getDimSize(i));
    std::string param;
    if (dimParams && i < static_cast<int64_t>(dimParams.size()))
      if (auto s = dyn_cast<StringAttr>(dimParams[i]))
        param = s.str();
    value.dimParams.push_back(param);
  }
  return value;
}

FailureOr<FunctionSignature> captureSignature(func::FuncOp fn) {
  FunctionSignature signature;
  signature.name = fn.getName().str();
  signature.symbol = TNX_ENTRY_POINT_PREFIX + signature.name;
  for (auto [i, type] : llvm::enumerate(fn.getArgumentTypes())) {
    auto value = valueSignature(fn, type, fn.getArgAttrDict(i), "input", i);
    if (failed(value))
      return failure();
    signature.inputs.push_back(std::move(*value));
  }
  for (auto [i, type] : llvm::enumerate(fn.getResultTypes())) {
    auto value = valueSignature(fn, type, fn.getResultAttrDict(i), "output", i);
    if (failed(value))
      return failure();
    signature.outputs.push_back(std::move(*value));
  }
  return signature;
}

bool isOptimumLanguageModel(const FunctionSignature &fn) {
  auto has = [](const std::vector<ValueSignature> &values, llvm::StringRef prefix, bool exact) {
    return llvm::any_of(values, [&](const ValueSignature &v) {
      return exact ? v.name == prefix : llvm::StringRef(v.name).starts_with(prefix);
    });
  };
  bool inPlace = llvm::any_of(fn.inputs, [](const ValueSignature &v) { return !v.kvCache.empty(); });
  return has(fn.inputs, TNX_LLM_INPUT_IDS, true) && has(fn.inputs, TNX_LLM_PAST_PREFIX, false) &&
         has(fn.outputs, TNX_LLM_LOGITS, true) &&
         (inPlace || has(fn.outputs, TNX_LLM_PRESENT_PREFIX, false));
}

static llvm::json::Array valuesToJson(const std::vector<ValueSignature> &values) {
  llvm::json::Array array;
  for (const ValueSignature &value : values) {
    llvm::json::Array shape, params;
    for (int64_t d : value.shape)
      shape.push_back(d);
    for (const std::string &p : value.dimParams)
      params.push_back(p);
    llvm::json::Object object{{"name", value.name},
                              {"dtype", value.dtype},
                              {"shape", std::move(shape)},
                              {"dim_params", std::move(params)}};
    if (!value.kvCache.empty())
      object["kv_cache"] = value.kvCache;
    array.push_back(std::move(object));
  }
  return array;
}

static llvm::json::Object tokenizerToJson(const TokenizerInfo &tokenizer) {
  return llvm::json::Object{{"file", tokenizer.file},
                            {"type", tokenizer.type},
                            {"bos_id", tokenizer.bosId},
                            {"eos_id", tokenizer.eosId},
                            {"add_bos", tokenizer.addBos}};
}

std::string renderManifest(const ManifestContents &contents) {
  llvm::json::Array functions;
  for (const FunctionSignature &fn : contents.functions)
    functions.push_back(llvm::json::Object{{"name", fn.name},
                                           {"symbol", fn.symbol},
                                           {"inputs", valuesToJson(fn.inputs)},
                                           {"outputs", valuesToJson(fn.outputs)}});
  llvm::json::Object manifest{
      {"format", TNX_ARTIFACT_FORMAT},
      {"format_version", TNX_ARTIFACT_FORMAT_VERSION},
      {"ternion_version", TERNION_VERSION},
      {"llvm_version", TERNION_LLVM_VERSION},
      {"model_kind", contents.modelKind},
      {"device", contents.device},
      {"compile_options", llvm::json::Object(contents.compileOptions)},
      {"library", contents.library},
      {"functions", std::move(functions)},
  };
  if (!contents.tokenizer.file.empty())
    manifest["tokenizer"] = tokenizerToJson(contents.tokenizer);
  if (!contents.speculative.target.empty()) {
    const SpeculativeInfo &speculative = contents.speculative;
    llvm::json::Object section{{"target", speculative.target},
                               {"draft", speculative.draft},
                               {"draft_tokens", speculative.draftTokens},
                               {"vocabulary", speculative.vocabulary}};
    if (!speculative.draftTokenizer.file.empty())
      section["draft_tokenizer"] = tokenizerToJson(speculative.draftTokenizer);
    manifest["speculative"] = std::move(section);
  }
  if (contents.maxContext > 0)
    manifest["generation"] = llvm::json::Object{{"max_context", contents.maxContext}};
  if (!contents.weights.file.empty())
    manifest["weights"] = llvm::json::Object{{"file", contents.weights.file},
                                             {"size", contents.weights.size},
                                             {"alignment", contents.weights.alignment},
                                             {"checksum", contents.weights.checksum}};
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(manifest))) << "\n";
  return text;
}

} // namespace ternion
