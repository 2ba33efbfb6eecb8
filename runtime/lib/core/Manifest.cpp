//===- Manifest.cpp - The artifact's manifest.json ------------------------===//
#include "core/Manifest.h"

#include <set>

namespace ternion::runtime {
namespace {

using json::Value;

// Generous bounds: they only exist so that a hostile manifest cannot make
// the runtime allocate absurd signatures.
constexpr size_t MaxRank = 64;
constexpr size_t MaxValues = 1 << 16;

/// Reads members of one JSON object, recording the first error with the
/// object's path ("functions[0].inputs[1]") so messages point at the spot.
class ObjectReader {
public:
  ObjectReader(const Value &value, std::string path, std::string &error)
      : value(value), path(std::move(path)), error(error) {
    if (!value.isObject())
      fail(std::string("must be an object, not ") +
           Value::kindName(value.getKind()));
  }

  bool ok() const { return error.empty(); }

  /// The member `key`, or null (and an error if `required`).
  const Value *member(const char *key, bool required) {
    if (!ok())
      return nullptr;
    const Value *member = value.get(key);
    if (!member && required)
      fail(std::string("is missing \"") + key + "\"");
    return member;
  }

  bool string(const char *key, std::string &out, bool required = true) {
    const Value *v = member(key, required);
    if (!v)
      return ok();
    if (!v->isString())
      return failMember(key, "a string", *v);
    out = v->getString();
    return true;
  }

  bool integer(const char *key, int64_t &out, bool required = true) {
    const Value *v = member(key, required);
    if (!v)
      return ok();
    if (!v->isInteger())
      return failMember(key, "an integer", *v);
    out = v->getInteger();
    return true;
  }

  const Value *array(const char *key, bool required = true) {
    const Value *v = member(key, required);
    if (!v)
      return nullptr;
    if (!v->isArray()) {
      failMember(key, "an array", *v);
      return nullptr;
    }
    return v;
  }

  std::string childPath(const char *key) const {
    return path.empty() ? key : path + "." + key;
  }

  bool fail(const std::string &what) {
    if (error.empty())
      error = (path.empty() ? std::string("the top level") : path) + " " + what;
    return false;
  }

private:
  const Value &value;
  std::string path;
  std::string &error;

  bool failMember(const char *key, const char *expected, const Value &v) {
    if (error.empty())
      error = childPath(key) + " must be " + expected + ", not " +
              Value::kindName(v.getKind());
    return false;
  }
};

bool readTensorSpec(const Value &value, const std::string &path,
                    TensorSpec &spec, std::string &error) {
  ObjectReader reader(value, path, error);
  std::string dtype;
  if (!reader.string("name", spec.name) || !reader.string("dtype", dtype))
    return false;
  spec.dtype = tnx_dtype_from_name(dtype.c_str());
  if (spec.dtype == TNX_DTYPE_INVALID)
    return reader.fail("has unknown dtype \"" + dtype + "\"");
  const Value *shape = reader.array("shape");
  if (!shape)
    return false;
  if (shape->getArray().size() > MaxRank)
    return reader.fail("has rank above " + std::to_string(MaxRank));
  for (const Value &dim : shape->getArray()) {
    if (!dim.isInteger() || dim.getInteger() < -1)
      return reader.fail("has a shape entry that is not an integer >= -1");
    spec.shape.push_back(dim.getInteger());
  }
  spec.dimParams.assign(spec.shape.size(), "");
  if (const Value *params = reader.array("dim_params", false)) {
    if (params->getArray().size() != spec.shape.size())
      return reader.fail("has " + std::to_string(params->getArray().size()) +
                         " dim_params for rank " +
                         std::to_string(spec.shape.size()));
    for (size_t i = 0; i < spec.shape.size(); ++i) {
      const Value &param = params->getArray()[i];
      if (param.isNull())
        continue;
      if (!param.isString())
        return reader.fail("has a dim_params entry that is not a string");
      spec.dimParams[i] = param.getString();
    }
  }
  if (!reader.string("kv_cache", spec.kvCache, false))
    return false;
  if (!spec.kvCache.empty() && (spec.shape.size() != 4 || spec.dtype == TNX_DTYPE_INVALID))
    return reader.fail("is a kv_cache but not of rank 4 [batch, heads, capacity, head_dim]");
  return reader.ok();
}

bool readTensorSpecs(ObjectReader &reader, const char *key,
                     std::vector<TensorSpec> &specs, std::string &error) {
  const Value *list = reader.array(key);
  if (!list)
    return false;
  if (list->getArray().size() > MaxValues)
    return reader.fail(std::string("has too many ") + key);
  std::set<std::string> names;
  for (size_t i = 0; i < list->getArray().size(); ++i) {
    std::string path = reader.childPath(key) + "[" + std::to_string(i) + "]";
    specs.emplace_back();
    if (!readTensorSpec(list->getArray()[i], path, specs.back(), error))
      return false;
    if (!names.insert(specs.back().name).second)
      return reader.fail(std::string("has two ") + key + " named '" +
                         specs.back().name + "'");
  }
  return true;
}

bool readFunction(const Value &value, const std::string &path,
                  FunctionSpec &function, std::string &error) {
  ObjectReader reader(value, path, error);
  if (!reader.string("name", function.name) ||
      !reader.string("symbol", function.symbol))
    return false;
  if (function.symbol.empty())
    return reader.fail("has an empty symbol");
  return readTensorSpecs(reader, "inputs", function.inputs, error) &&
         readTensorSpecs(reader, "outputs", function.outputs, error);
}

bool readWeights(const Value &value, WeightsSpec &weights, std::string &error) {
  ObjectReader reader(value, "weights", error);
  int64_t size = 0, alignment = 1;
  if (!reader.string("file", weights.file) || !reader.integer("size", size) ||
      !reader.integer("alignment", alignment, false) ||
      !reader.string("checksum", weights.checksum, false))
    return false;
  if (weights.file.empty())
    return reader.fail("has an empty file name");
  if (size < 0)
    return reader.fail("has a negative size");
  if (alignment <= 0 || (alignment & (alignment - 1)) != 0)
    return reader.fail("alignment " + std::to_string(alignment) +
                       " is not a power of two");
  weights.present = true;
  weights.size = static_cast<uint64_t>(size);
  weights.alignment = static_cast<uint64_t>(alignment);
  return true;
}

bool readBool(ObjectReader &reader, const char *key, bool &out) {
  const Value *v = reader.member(key, false);
  if (!v)
    return reader.ok();
  if (!v->isBool())
    return reader.fail(std::string("has \"") + key +
                       "\" that is not true or false");
  out = v->getBool();
  return true;
}

bool readTokenizer(const Value &value, TokenizerSpec &tokenizer,
                   std::string &error, const char *section = "tokenizer") {
  ObjectReader reader(value, section, error);
  if (!reader.string("file", tokenizer.file) ||
      !reader.string("type", tokenizer.type) ||
      !reader.integer("bos_id", tokenizer.bosId, false) ||
      !reader.integer("eos_id", tokenizer.eosId, false) ||
      !readBool(reader, "add_bos", tokenizer.addBos))
    return false;
  if (!isPlainRelativePath(tokenizer.file))
    return reader.fail("file \"" + tokenizer.file +
                       "\" is not a relative path inside the artifact");
  if (tokenizer.bosId < -1 || tokenizer.eosId < -1)
    return reader.fail("has a negative token id");
  tokenizer.present = true;
  return true;
}

bool readGeneration(const Value &value, GenerationSpec &generation,
                    std::string &error) {
  ObjectReader reader(value, "generation", error);
  if (!reader.integer("max_context", generation.maxContext, false))
    return false;
  if (generation.maxContext < 0)
    return reader.fail("has a negative max_context");
  return true;
}


bool readSpeculative(const Value &value, SpeculativeSpec &speculative,
                     std::string &error) {
  ObjectReader reader(value, "speculative", error);
  if (!reader.string("target", speculative.target) ||
      !reader.string("draft", speculative.draft) ||
      !reader.integer("draft_tokens", speculative.draftTokens) ||
      !reader.string("vocabulary", speculative.vocabulary))
    return false;
  if (speculative.draftTokens < 1 || speculative.draftTokens > TNX_MAX_DRAFT_TOKENS)
    return reader.fail("has draft_tokens " + std::to_string(speculative.draftTokens) +
                       " outside 1.." + std::to_string(TNX_MAX_DRAFT_TOKENS));
  if (speculative.vocabulary != "shared" && speculative.vocabulary != "slem")
    return reader.fail("has vocabulary \"" + speculative.vocabulary +
                       "\" (this runtime reads \"shared\" and \"slem\")");
  if (speculative.target == speculative.draft)
    return reader.fail("names '" + speculative.target + "' as its own draft");
  if (const Value *tokenizer = reader.member("draft_tokenizer", false))
    if (!tokenizer->isNull() &&
        !readTokenizer(*tokenizer, speculative.draftTokenizer, error,
                       "speculative.draft_tokenizer"))
      return false;
  if (speculative.vocabulary == "slem" && !speculative.draftTokenizer.present)
    return reader.fail("has vocabulary \"slem\" without a draft_tokenizer");
  if (speculative.vocabulary == "shared" && speculative.draftTokenizer.present)
    return reader.fail("has a draft_tokenizer with vocabulary \"shared\" (the draft "
                       "uses the target's tokenizer)");
  speculative.present = true;
  return true;
}

std::string displayValue(const Value &value) {
  switch (value.getKind()) {
  case Value::Kind::String:
    return value.getString();
  case Value::Kind::Bool:
    return value.getBool() ? "true" : "false";
  case Value::Kind::Number:
    return value.isInteger() ? std::to_string(value.getInteger())
                             : std::to_string(value.getNumber());
  case Value::Kind::Null:
    return "null";
  default:
    return "...";
  }
}

} // namespace

bool isPlainRelativePath(const std::string &path) {
  return !path.empty() && path[0] != '/' &&
         path.find("..") == std::string::npos;
}

bool parseManifest(const std::string &text, Manifest &manifest,
                   std::string &error, bool &unsupported) {
  unsupported = false;
  error.clear();
  std::string jsonError;
  if (!json::parse(text, manifest.document, jsonError)) {
    error = "is not valid JSON: " + jsonError;
    return false;
  }
  const Value &root = manifest.document;
  ObjectReader reader(root, "", error);
  std::string format;
  int64_t version = 0;
  if (!reader.string("format", format))
    return false;
  if (format != TNX_ARTIFACT_FORMAT)
    return reader.fail("has format \"" + format +
                       "\", expected \"" TNX_ARTIFACT_FORMAT "\"");
  if (!reader.integer("format_version", version))
    return false;
  if (version != TNX_ARTIFACT_FORMAT_VERSION) {
    unsupported = true;
    error = "has format_version " + std::to_string(version) +
            ", but this runtime reads only format_version " +
            std::to_string(TNX_ARTIFACT_FORMAT_VERSION);
    return false;
  }
  manifest.formatVersion = static_cast<int>(version);
  if (!reader.string("ternion_version", manifest.ternionVersion, false) ||
      !reader.string("llvm_version", manifest.llvmVersion, false) ||
      !reader.string("model_kind", manifest.modelKind) ||
      !reader.string("library", manifest.library))
    return false;
  if (manifest.library.empty())
    return reader.fail("has an empty \"library\"");
  if (!reader.string("device", manifest.device, false))
    return false;
  if (manifest.device.empty())
    manifest.device = TNX_DEVICE_CPU;
  if (manifest.device != TNX_DEVICE_CPU && manifest.device != TNX_DEVICE_CUDA) {
    unsupported = true;
    error = "is for device \"" + manifest.device +
            "\", which this runtime does not know (it runs " TNX_DEVICE_CPU
            " and " TNX_DEVICE_CUDA " artifacts)";
    return false;
  }
  if (const Value *options = reader.member("compile_options", false)) {
    if (!options->isObject())
      return reader.fail("has \"compile_options\" that is not an object");
    for (const auto &[key, value] : options->getObject())
      manifest.compileOptions.emplace_back(key, displayValue(value));
  }
  if (const Value *weights = reader.member("weights", false))
    if (!weights->isNull() && !readWeights(*weights, manifest.weights, error))
      return false;
  if (const Value *tokenizer = reader.member("tokenizer", false))
    if (!tokenizer->isNull() &&
        !readTokenizer(*tokenizer, manifest.tokenizer, error))
      return false;
  if (const Value *generation = reader.member("generation", false))
    if (!generation->isNull() &&
        !readGeneration(*generation, manifest.generation, error))
      return false;
  if (const Value *speculative = reader.member("speculative", false))
    if (!speculative->isNull() &&
        !readSpeculative(*speculative, manifest.speculative, error))
      return false;
  const Value *functions = reader.array("functions");
  if (!functions)
    return false;
  if (functions->getArray().empty())
    return reader.fail("has no functions");
  if (functions->getArray().size() > MaxValues)
    return reader.fail("has too many functions");
  std::set<std::string> names;
  for (size_t i = 0; i < functions->getArray().size(); ++i) {
    manifest.functions.emplace_back();
    FunctionSpec &function = manifest.functions.back();
    if (!readFunction(functions->getArray()[i],
                      "functions[" + std::to_string(i) + "]", function, error))
      return false;
    if (!names.insert(function.name).second)
      return reader.fail("has two functions named '" + function.name + "'");
  }
  if (manifest.speculative.present)
    for (const std::string *name : {&manifest.speculative.target, &manifest.speculative.draft})
      if (!names.count(*name))
        return reader.fail("has a \"speculative\" section naming function '" + *name +
                           "', which it does not have");
  return true;
}

} // namespace ternion::runtime
