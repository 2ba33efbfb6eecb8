//===- TernOps.h - tern operations ------------------------------*- C++ -*-===//
#ifndef TERNION_DIALECTS_TERN_TERNOPS_H
#define TERNION_DIALECTS_TERN_TERNOPS_H

#include "dialects/tern/TernAttributes.h"
#include "dialects/tern/TernDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace ternion::tern {

/// True when each type in `declared` is a tensor with the element type of the
/// matching `inferred` type and a shape compatible with it: declared types may
/// know more (static dims from the ONNX file), never contradict inference.
bool areCompatibleTensorTypes(mlir::TypeRange declared, mlir::TypeRange inferred);

/// Marker trait whose ODS definition supplies isCompatibleReturnTypes.
template <typename ConcreteType>
class RefinableResults
    : public mlir::OpTrait::TraitBase<ConcreteType, RefinableResults> {};

} // namespace ternion::tern

#define GET_OP_CLASSES
#include "dialects/tern/TernOps.h.inc"

#endif // TERNION_DIALECTS_TERN_TERNOPS_H
