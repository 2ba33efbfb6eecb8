//===- Random.h - A portable seeded random number generator -----*- C++ -*-===//
//
// PCG32 (XSH-RR; O'Neill, "PCG: A Family of Simple Fast Space-Efficient
// Statistically Good Algorithms for Random Number Generation", 2014). It is
// specified bit for bit, so a seed gives the same tokens with any compiler
// and standard library; std:: distributions promise no such thing.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_RUNTIME_LIB_LLM_RANDOM_H
#define TERNION_RUNTIME_LIB_LLM_RANDOM_H

#include <cstdint>

namespace ternion::runtime {

class Pcg32 {
public:
  /// The stream the runtime samples from; any value selects another.
  static constexpr uint64_t DefaultStream = 0xda3e39cb94b95bdbull;

  explicit Pcg32(uint64_t seed = 0, uint64_t stream = DefaultStream) {
    reseed(seed, stream);
  }

  /// pcg32_srandom_r(seed, stream).
  void reseed(uint64_t seed, uint64_t stream = DefaultStream) {
    state = 0;
    increment = (stream << 1u) | 1u;
    next();
    state += seed;
    next();
  }

  uint32_t next() {
    uint64_t old = state;
    state = old * 6364136223846793005ull + increment;
    auto xorshifted = static_cast<uint32_t>(((old >> 18u) ^ old) >> 27u);
    auto rotation = static_cast<uint32_t>(old >> 59u);
    return (xorshifted >> rotation) | (xorshifted << ((32u - rotation) & 31u));
  }

  /// Uniform in [0, 1), from 53 random bits.
  double uniform() {
    uint64_t high = next(), low = next();
    return static_cast<double>(((high << 32) | low) >> 11) * 0x1.0p-53;
  }

private:
  uint64_t state = 0;
  uint64_t increment = 1;
};

} // namespace ternion::runtime

#endif // TERNION_RUNTIME_LIB_LLM_RANDOM_H
