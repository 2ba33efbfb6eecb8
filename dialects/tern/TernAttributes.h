//===- TernAttributes.h - weight formats ------------------------*- C++ -*-===//
#ifndef TERNION_DIALECTS_TERN_TERNATTRIBUTES_H
#define TERNION_DIALECTS_TERN_TERNATTRIBUTES_H

#include "mlir/IR/Attributes.h"
#include <algorithm>
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"

#include "dialects/tern/TernEnums.h.inc"

#include "dialects/tern/TernAttrInterfaces.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/tern/TernAttributes.h.inc"

namespace ternion::tern {

/// The discardable attribute that carries a linear layer's weight format
/// from the tern op onto the contraction it lowers to, through
/// bufferization, to the kernel that dispatches on it.
inline constexpr llvm::StringLiteral kWeightFormatAttrName = "tern.weight_format";

/// The #tern.speculative attribute on the target function of a
/// speculative pair (tern-fuse-speculative).
inline constexpr llvm::StringLiteral kSpeculativeAttrName = "tern.speculative";

} // namespace ternion::tern

#endif // TERNION_DIALECTS_TERN_TERNATTRIBUTES_H
