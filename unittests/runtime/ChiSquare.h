//===- ChiSquare.h - A chi-square bound for the sampling tests -*- C++ -*-===//
//
// The statistical tests of speculative decoding (AcceptanceTest.cpp on the
// acceptance rule, SpeculativeTest.cpp on compiled pairs) compare counts
// with exact probabilities by Pearson's statistic, against this bound.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_UNITTESTS_RUNTIME_CHISQUARE_H
#define TERNION_UNITTESTS_RUNTIME_CHISQUARE_H

#include <cmath>
#include <cstddef>

namespace ternion::test {

/// A chi-square bound for `df` degrees of freedom far in the tail: the
/// Wilson-Hilferty approximation at z = 4.9, a false-alarm rate of about
/// 1e-6 for an unbiased sampler.
inline double chiSquareBound(size_t df) {
  double k = static_cast<double>(df), z = 4.9;
  double t = 1 - 2 / (9 * k) + z * std::sqrt(2 / (9 * k));
  return k * t * t * t;
}

} // namespace ternion::test

#endif // TERNION_UNITTESTS_RUNTIME_CHISQUARE_H
