//===- Json.h - A small JSON reader for manifests ---------------*- C++ -*-===//
//
// Just enough JSON for manifest.json: objects, arrays, strings with escapes,
// numbers, true/false/null. Bounded by a nesting depth and an input size so
// a hostile manifest cannot exhaust the stack or memory. The runtime must not
// link LLVM, so llvm::json is not an option.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_RUNTIME_LIB_CORE_JSON_H
#define TERNION_RUNTIME_LIB_CORE_JSON_H

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ternion::runtime::json {

class Value {
public:
  enum class Kind { Null, Bool, Number, String, Array, Object };

  Value() = default;

  Kind getKind() const { return kind; }
  bool isNull() const { return kind == Kind::Null; }
  bool isBool() const { return kind == Kind::Bool; }
  bool isNumber() const { return kind == Kind::Number; }
  bool isString() const { return kind == Kind::String; }
  bool isArray() const { return kind == Kind::Array; }
  bool isObject() const { return kind == Kind::Object; }
  /// True for numbers written without fraction or exponent that fit int64.
  bool isInteger() const { return kind == Kind::Number && integral; }

  bool getBool() const { return boolean; }
  double getNumber() const { return number; }
  int64_t getInteger() const { return integer; }
  const std::string &getString() const { return string; }
  const std::vector<Value> &getArray() const { return array; }
  const std::vector<std::pair<std::string, Value>> &getObject() const {
    return object;
  }

  /// The member `key` of an object, or null if absent or not an object.
  /// Duplicate keys: the last one wins, as in most JSON readers.
  const Value *get(const std::string &key) const;

  static const char *kindName(Kind kind);

private:
  friend class Parser;
  Kind kind = Kind::Null;
  bool boolean = false;
  bool integral = false;
  double number = 0;
  int64_t integer = 0;
  std::string string;
  std::vector<Value> array;
  std::vector<std::pair<std::string, Value>> object;
};

struct ParseLimits {
  size_t maxDepth = 64;
  size_t maxSize = 16u << 20;
};

/// Parses `text` into `result`. On failure returns false and sets `error`
/// to "line L, column C: what went wrong".
bool parse(const std::string &text, Value &result, std::string &error,
           ParseLimits limits = {});

} // namespace ternion::runtime::json

#endif // TERNION_RUNTIME_LIB_CORE_JSON_H
