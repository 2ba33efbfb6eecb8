//===- TernDialect.cpp - tern dialect registration ------------------------===//
#include "dialects/tern/TernDialect.h"
#include "dialects/tern/TernAttributes.h"
#include "dialects/tern/TernOps.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace ternion::tern;

#include "dialects/tern/TernDialect.cpp.inc"

void TernDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/tern/TernOps.cpp.inc"
      >();
  registerAttributes();
}

Operation *TernDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                            Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}
