//===- Json.cpp - A small JSON reader for manifests -----------------------===//
#include "core/Json.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace ternion::runtime::json {

const Value *Value::get(const std::string &key) const {
  if (kind != Kind::Object)
    return nullptr;
  for (auto it = object.rbegin(); it != object.rend(); ++it)
    if (it->first == key)
      return &it->second;
  return nullptr;
}

const char *Value::kindName(Kind kind) {
  switch (kind) {
  case Kind::Null:
    return "null";
  case Kind::Bool:
    return "a boolean";
  case Kind::Number:
    return "a number";
  case Kind::String:
    return "a string";
  case Kind::Array:
    return "an array";
  case Kind::Object:
    return "an object";
  }
  return "a value";
}

class Parser {
public:
  Parser(const std::string &text, ParseLimits limits)
      : text(text), limits(limits) {}

  bool parseDocument(Value &result, std::string &error) {
    if (text.size() > limits.maxSize)
      return fail("document is larger than " + std::to_string(limits.maxSize) +
                      " bytes",
                  error);
    skipSpace();
    if (!parseValue(result, 0))
      return fail(message, error);
    skipSpace();
    if (pos != text.size())
      return fail("unexpected text after the JSON value", error);
    return true;
  }

private:
  const std::string &text;
  ParseLimits limits;
  size_t pos = 0;
  std::string message;

  bool fail(const std::string &what, std::string &error) {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < pos && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    error = "line " + std::to_string(line) + ", column " +
            std::to_string(column) + ": " + what;
    return false;
  }

  bool setError(const std::string &what) {
    message = what;
    return false;
  }

  bool atEnd() const { return pos >= text.size(); }
  char peek() const { return atEnd() ? '\0' : text[pos]; }

  void skipSpace() {
    while (!atEnd() && (text[pos] == ' ' || text[pos] == '\t' ||
                        text[pos] == '\n' || text[pos] == '\r'))
      ++pos;
  }

  bool consumeWord(const char *word) {
    size_t len = std::strlen(word);
    if (text.compare(pos, len, word) != 0)
      return false;
    pos += len;
    return true;
  }

  bool parseValue(Value &value, size_t depth) {
    if (depth >= limits.maxDepth)
      return setError("nesting deeper than " + std::to_string(limits.maxDepth) +
                      " levels");
    if (atEnd())
      return setError("unexpected end of input");
    char c = peek();
    if (c == '{')
      return parseObject(value, depth);
    if (c == '[')
      return parseArray(value, depth);
    if (c == '"') {
      value.kind = Value::Kind::String;
      return parseString(value.string);
    }
    if (c == '-' || (c >= '0' && c <= '9'))
      return parseNumber(value);
    if (consumeWord("true")) {
      value.kind = Value::Kind::Bool;
      value.boolean = true;
      return true;
    }
    if (consumeWord("false")) {
      value.kind = Value::Kind::Bool;
      return true;
    }
    if (consumeWord("null")) {
      value.kind = Value::Kind::Null;
      return true;
    }
    return setError(std::string("unexpected character '") + c + "'");
  }

  bool parseObject(Value &value, size_t depth) {
    value.kind = Value::Kind::Object;
    ++pos; // '{'
    skipSpace();
    if (peek() == '}') {
      ++pos;
      return true;
    }
    while (true) {
      skipSpace();
      if (peek() != '"')
        return setError(atEnd() ? "unexpected end of input in an object"
                                : "expected a string key");
      std::string key;
      if (!parseString(key))
        return false;
      skipSpace();
      if (peek() != ':')
        return setError("expected ':' after an object key");
      ++pos;
      skipSpace();
      value.object.emplace_back(std::move(key), Value());
      if (!parseValue(value.object.back().second, depth + 1))
        return false;
      skipSpace();
      if (peek() == ',') {
        ++pos;
        continue;
      }
      if (peek() == '}') {
        ++pos;
        return true;
      }
      return setError(atEnd() ? "unexpected end of input in an object"
                              : "expected ',' or '}' in an object");
    }
  }

  bool parseArray(Value &value, size_t depth) {
    value.kind = Value::Kind::Array;
    ++pos; // '['
    skipSpace();
    if (peek() == ']') {
      ++pos;
      return true;
    }
    while (true) {
      skipSpace();
      value.array.emplace_back();
      if (!parseValue(value.array.back(), depth + 1))
        return false;
      skipSpace();
      if (peek() == ',') {
        ++pos;
        continue;
      }
      if (peek() == ']') {
        ++pos;
        return true;
      }
      return setError(atEnd() ? "unexpected end of input in an array"
                              : "expected ',' or ']' in an array");
    }
  }

  static int hexDigit(char c) {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
      return c - 'A' + 10;
    return -1;
  }

  bool parseHex4(uint32_t &code) {
    if (pos + 4 > text.size())
      return setError("truncated \\u escape");
    code = 0;
    for (int i = 0; i < 4; ++i) {
      int digit = hexDigit(text[pos++]);
      if (digit < 0)
        return setError("invalid \\u escape");
      code = code * 16 + digit;
    }
    return true;
  }

  static void appendUtf8(std::string &out, uint32_t code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  bool parseString(std::string &out) {
    ++pos; // '"'
    while (true) {
      if (atEnd())
        return setError("unterminated string");
      char c = text[pos++];
      if (c == '"')
        return true;
      if (static_cast<unsigned char>(c) < 0x20)
        return setError("control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (atEnd())
        return setError("unterminated string");
      char e = text[pos++];
      switch (e) {
      case '"':
      case '\\':
      case '/':
        out += e;
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        uint32_t code;
        if (!parseHex4(code))
          return false;
        if (code >= 0xD800 && code < 0xDC00) {
          // A high surrogate must be followed by a low one.
          uint32_t low;
          if (text.compare(pos, 2, "\\u") != 0)
            return setError("unpaired surrogate in \\u escape");
          pos += 2;
          if (!parseHex4(low))
            return false;
          if (low < 0xDC00 || low >= 0xE000)
            return setError("unpaired surrogate in \\u escape");
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
        } else if (code >= 0xDC00 && code < 0xE000) {
          return setError("unpaired surrogate in \\u escape");
        }
        appendUtf8(out, code);
        break;
      }
      default:
        --pos;
        return setError(std::string("invalid escape '\\") + e + "'");
      }
    }
  }

  bool parseNumber(Value &value) {
    size_t start = pos;
    bool integral = true;
    if (peek() == '-')
      ++pos;
    if (peek() == '0') {
      ++pos;
    } else if (peek() >= '1' && peek() <= '9') {
      while (peek() >= '0' && peek() <= '9')
        ++pos;
    } else {
      return setError("invalid number");
    }
    if (peek() == '.') {
      integral = false;
      ++pos;
      if (!(peek() >= '0' && peek() <= '9'))
        return setError("invalid number");
      while (peek() >= '0' && peek() <= '9')
        ++pos;
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      ++pos;
      if (peek() == '+' || peek() == '-')
        ++pos;
      if (!(peek() >= '0' && peek() <= '9'))
        return setError("invalid number");
      while (peek() >= '0' && peek() <= '9')
        ++pos;
    }
    std::string literal = text.substr(start, pos - start);
    value.kind = Value::Kind::Number;
    value.number = std::strtod(literal.c_str(), nullptr);
    if (integral) {
      errno = 0;
      long long parsed = std::strtoll(literal.c_str(), nullptr, 10);
      if (errno != ERANGE) {
        value.integral = true;
        value.integer = parsed;
      }
    }
    return true;
  }
};

bool parse(const std::string &text, Value &result, std::string &error,
           ParseLimits limits) {
  result = Value();
  Parser parser(text, limits);
  return parser.parseDocument(result, error);
}

} // namespace ternion::runtime::json
