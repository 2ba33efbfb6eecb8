//===- DimExpr.cpp - dim_params that are sums of other dims ---------------===//
#include "core/DimExpr.h"

#include <cctype>

namespace ternion::runtime {
namespace {

bool isNameStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}

bool isNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
         c == ':';
}

} // namespace

bool parseDimExpr(const std::string &text, DimExpr &expr) {
  expr = DimExpr();
  size_t at = 0, operators = 0;
  auto skipSpaces = [&] {
    while (at < text.size() && text[at] == ' ')
      ++at;
  };
  int sign = 1;
  while (true) {
    skipSpaces();
    if (at >= text.size())
      return false;
    if (std::isdigit(static_cast<unsigned char>(text[at]))) {
      int64_t value = 0;
      while (at < text.size() &&
             std::isdigit(static_cast<unsigned char>(text[at]))) {
        if (__builtin_mul_overflow(value, 10, &value) ||
            __builtin_add_overflow(value, text[at] - '0', &value))
          return false;
        ++at;
      }
      if (__builtin_add_overflow(expr.constant, sign * value, &expr.constant))
        return false;
    } else if (isNameStart(text[at])) {
      size_t begin = at;
      while (at < text.size() && isNameChar(text[at]))
        ++at;
      expr.terms.push_back({sign, text.substr(begin, at - begin)});
    } else {
      return false;
    }
    skipSpaces();
    if (at == text.size())
      break;
    if (text[at] != '+' && text[at] != '-')
      return false;
    sign = text[at] == '+' ? 1 : -1;
    ++operators;
    ++at;
  }
  return operators > 0;
}

bool evaluateDimExpr(const DimExpr &expr,
                     const std::map<std::string, int64_t> &values,
                     int64_t &result) {
  int64_t sum = expr.constant;
  for (const DimExpr::Term &term : expr.terms) {
    auto it = values.find(term.name);
    if (it == values.end())
      return false;
    if (__builtin_add_overflow(sum, term.sign * it->second, &sum))
      return false;
  }
  result = sum;
  return true;
}

} // namespace ternion::runtime
