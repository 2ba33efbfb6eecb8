//===- Int8Dot.h - the byte dot products of the ternary kernel --*- C++ -*-===//
//
// Shared by the kernel (which emits them) and the target's tuning (which
// picks them from --mcpu and packs ternary codes to their register width).
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_LIB_TARGET_CPU_KERNELS_INT8DOT_H
#define TERNION_LIB_TARGET_CPU_KERNELS_INT8DOT_H

#include "llvm/ADT/StringSwitch.h"

#include <cstdint>
#include <optional>

namespace ternion::kernels {

/// How the ternary kernel multiplies u8 weight digits by s8 activations.
enum class Int8DotIsa { Avx512Vnni, Avx512Bw, AvxVnni, Avx2, Generic };

/// "avx512-vnni", "avx512bw", "avx-vnni", "avx2" or "generic".
inline std::optional<Int8DotIsa> parseInt8DotIsa(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<Int8DotIsa>>(name)
      .Case("avx512-vnni", Int8DotIsa::Avx512Vnni)
      .Case("avx512bw", Int8DotIsa::Avx512Bw)
      .Case("avx-vnni", Int8DotIsa::AvxVnni)
      .Case("avx2", Int8DotIsa::Avx2)
      .Case("generic", Int8DotIsa::Generic)
      .Default(std::nullopt);
}

/// Bytes per register of that instruction set: the lanes of #tern.ternary
/// that the kernel reads with whole-register loads.
inline int64_t getInt8DotBytes(Int8DotIsa isa) {
  switch (isa) {
  case Int8DotIsa::Avx512Vnni:
  case Int8DotIsa::Avx512Bw:
    return 64;
  case Int8DotIsa::AvxVnni:
  case Int8DotIsa::Avx2:
    return 32;
  case Int8DotIsa::Generic:
    return 16;
  }
  return 16;
}

} // namespace ternion::kernels

#endif // TERNION_LIB_TARGET_CPU_KERNELS_INT8DOT_H
