//===- TernOps.cpp - tern op definitions (generated) ----------------------===//
//
// Shape inference lives in TernShapeInference.cpp, extra verifiers in
// TernVerifiers.cpp and folders in TernFolders.cpp.
//
//===----------------------------------------------------------------------===//
#include "dialects/tern/TernOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace ternion::tern;

#define GET_OP_CLASSES
#include "dialects/tern/TernOps.cpp.inc"
