//===- Passes.h - passes that shape IR into an artifact ---------*- C++ -*-===//
#ifndef TERNION_ARTIFACT_PASSES_H
#define TERNION_ARTIFACT_PASSES_H

#include "ternion/abi.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace ternion {

#define GEN_PASS_DECL
#include "ternion/Artifact/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "ternion/Artifact/Passes.h.inc"

} // namespace ternion

#endif // TERNION_ARTIFACT_PASSES_H
