//===- PatternFile.cpp - sparse attention pattern files -------------------===//
#include "passes/attention/PatternFile.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace ternion {

StringRef patternKindName(HeadPatternKind kind) {
  switch (kind) {
  case HeadPatternKind::Dense:
    return "dense";
  case HeadPatternKind::AShape:
    return "a_shape";
  case HeadPatternKind::VerticalSlash:
    return "vertical_slash";
  case HeadPatternKind::BlockSparse:
    return "block_sparse";
  }
  llvm_unreachable("unknown pattern kind");
}

namespace {

/// The names of each kind's budgets, in HeadPattern's first/second order.
struct Budgets {
  const char *first;
  const char *second;
};
Budgets budgetNames(HeadPatternKind kind) {
  switch (kind) {
  case HeadPatternKind::AShape:
    return {"sink", "local"};
  case HeadPatternKind::VerticalSlash:
    return {"vertical", "slash"};
  case HeadPatternKind::BlockSparse:
    return {"blocks", nullptr};
  case HeadPatternKind::Dense:
    return {nullptr, nullptr};
  }
  llvm_unreachable("unknown pattern kind");
}

class Parser {
public:
  explicit Parser(StringRef fileName) : fileName(fileName) {}

  Error fail(const Twine &where, const Twine &message) {
    return createStringError(inconvertibleErrorCode(),
                             fileName + ": " + (where.isTriviallyEmpty() ? "" : where + ": ") +
                                 message);
  }

  Expected<int64_t> integer(const json::Object &object, StringRef key, const Twine &where,
                            bool required) {
    const json::Value *value = object.get(key);
    if (!value) {
      if (required)
        return fail(where, "missing '" + key + "'");
      return 0;
    }
    std::optional<int64_t> number = value->getAsInteger();
    if (!number)
      return fail(where, "'" + key + "' must be an integer");
    return *number;
  }

  Expected<HeadPattern> head(const json::Value &value, const Twine &where) {
    const json::Object *object = value.getAsObject();
    if (!object)
      return fail(where, "a head must be an object like {\"pattern\": \"a_shape\", ...}");
    std::optional<StringRef> name = object->getString("pattern");
    if (!name)
      return fail(where, "missing \"pattern\" (dense, a_shape, vertical_slash or block_sparse)");
    std::optional<HeadPatternKind> kind =
        StringSwitch<std::optional<HeadPatternKind>>(*name)
            .Case("dense", HeadPatternKind::Dense)
            .Case("a_shape", HeadPatternKind::AShape)
            .Case("vertical_slash", HeadPatternKind::VerticalSlash)
            .Case("block_sparse", HeadPatternKind::BlockSparse)
            .Default(std::nullopt);
    if (!kind)
      return fail(where, "unknown pattern '" + *name +
                             "' (dense, a_shape, vertical_slash or block_sparse)");
    HeadPattern pattern;
    pattern.kind = *kind;
    Budgets names = budgetNames(*kind);
    for (auto [name, slot] :
         {std::pair{names.first, &pattern.first}, std::pair{names.second, &pattern.second}}) {
      if (!name)
        continue;
      Expected<int64_t> number = integer(*object, name, where, /*required=*/true);
      if (!number)
        return number.takeError();
      *slot = *number;
    }
    for (const auto &entry : *object) {
      StringRef key = entry.first;
      bool known = key == "pattern" || key == "recall" || key == "density" ||
                   (names.first && key == names.first) || (names.second && key == names.second);
      if (!known)
        return fail(where, "'" + key + "' is not a budget of " + *name);
    }
    pattern.recall = object->getNumber("recall");
    pattern.density = object->getNumber("density");
    return pattern;
  }

  Expected<PatternFile> file(StringRef text) {
    Expected<json::Value> root = json::parse(text);
    if (!root)
      return fail("", "not JSON: " + toString(root.takeError()));
    const json::Object *object = root->getAsObject();
    if (!object)
      return fail("", "the top level must be an object");
    std::optional<StringRef> format = object->getString("format");
    if (!format || *format != PatternFile::kFormat)
      return fail("", Twine("\"format\" must be \"") + PatternFile::kFormat + "\"");
    Expected<int64_t> version = integer(*object, "version", "", /*required=*/true);
    if (!version)
      return version.takeError();
    if (*version != PatternFile::kVersion)
      return fail("", "version " + Twine(*version) + " is not supported (this Ternion reads " +
                          Twine(PatternFile::kVersion) + ")");
    PatternFile result;
    for (auto [key, slot] :
         {std::pair{"context", &result.context}, std::pair{"min_tokens", &result.minTokens}}) {
      Expected<int64_t> number = integer(*object, key, "", /*required=*/false);
      if (!number)
        return number.takeError();
      if (*number < 0)
        return fail("", Twine("'") + key + "' must not be negative");
      *slot = *number;
    }
    if (std::optional<StringRef> source = object->getString("source"))
      result.source = source->str();
    const json::Array *layers = object->getArray("layers");
    if (!layers || layers->empty())
      return fail("", "missing \"layers\": one {\"heads\": [...]} per attention layer");
    for (auto [i, layer] : llvm::enumerate(*layers)) {
      std::string where = formatv("layers[{0}]", i).str();
      const json::Object *layerObject = layer.getAsObject();
      const json::Array *heads = layerObject ? layerObject->getArray("heads") : nullptr;
      if (!heads || heads->empty())
        return fail(where, "a layer must be {\"heads\": [...]} with one pattern per query head");
      std::vector<HeadPattern> &patterns = result.layers.emplace_back();
      for (auto [j, head] : llvm::enumerate(*heads)) {
        Expected<HeadPattern> pattern = this->head(head, formatv("{0}.heads[{1}]", where, j));
        if (!pattern)
          return pattern.takeError();
        patterns.push_back(*pattern);
      }
    }
    return result;
  }

private:
  StringRef fileName;
};

} // namespace

Expected<PatternFile> parsePatternFile(StringRef text, StringRef fileName) {
  return Parser(fileName).file(text);
}

std::string printPatternFile(const PatternFile &file) {
  // Written by hand rather than through json::OStream so that each head is
  // one line: the file is meant to be read and edited.
  std::string text;
  raw_string_ostream os(text);
  os << "{\n  \"format\": \"" << PatternFile::kFormat
     << "\",\n  \"version\": " << PatternFile::kVersion << ",\n";
  if (!file.source.empty()) {
    os << "  \"source\": ";
    json::OStream(os).value(file.source);
    os << ",\n";
  }
  if (file.context)
    os << "  \"context\": " << file.context << ",\n";
  if (file.minTokens)
    os << "  \"min_tokens\": " << file.minTokens << ",\n";
  os << "  \"layers\": [\n";
  for (auto [i, layer] : llvm::enumerate(file.layers)) {
    os << "    {\"heads\": [\n";
    for (auto [j, head] : llvm::enumerate(layer)) {
      os << "      {\"pattern\": \"" << patternKindName(head.kind) << "\"";
      Budgets names = budgetNames(head.kind);
      if (names.first)
        os << ", \"" << names.first << "\": " << head.first;
      if (names.second)
        os << ", \"" << names.second << "\": " << head.second;
      if (head.recall)
        os << formatv(", \"recall\": {0:f4}", *head.recall);
      if (head.density)
        os << formatv(", \"density\": {0:f4}", *head.density);
      os << "}" << (j + 1 < layer.size() ? "," : "") << "\n";
    }
    os << "    ]}" << (i + 1 < file.layers.size() ? "," : "") << "\n";
  }
  os << "  ]\n}\n";
  return text;
}

} // namespace ternion
