//===- DimExpr.h - dim_params that are sums of other dims -------*- C++ -*-===//
//
// ONNX shape inference names the dims of Concat-like results with the
// expression that produced them, e.g. "past_sequence+sequence" for the
// attention mask of a KV-cache model. Treating such a string as one more
// opaque name would check nothing about how it relates to the names it is
// made of, so the session evaluates it once those names are known.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_RUNTIME_LIB_CORE_DIMEXPR_H
#define TERNION_RUNTIME_LIB_CORE_DIMEXPR_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ternion::runtime {

/// constant + sum(sign * name): a linear dim expression with unit
/// coefficients, the only form ONNX shape inference writes for Concat, Pad
/// and Slice results.
struct DimExpr {
  struct Term {
    int sign;
    std::string name;
  };
  std::vector<Term> terms;
  int64_t constant = 0;
};

/// Parses `text` as names and non-negative integers joined by '+' or '-'
/// (spaces allowed). Returns false for a plain name, which is not an
/// expression, and for anything else (products, calls), which stays an
/// opaque name.
bool parseDimExpr(const std::string &text, DimExpr &expr);

/// Evaluates `expr` with `values`. Returns false if a name is unbound or the
/// arithmetic overflows.
bool evaluateDimExpr(const DimExpr &expr,
                     const std::map<std::string, int64_t> &values,
                     int64_t &result);

} // namespace ternion::runtime

#endif // TERNION_RUNTIME_LIB_CORE_DIMEXPR_H
