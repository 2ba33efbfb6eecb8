//===- TernDialect.h - the tern dialect -------------------------*- C++ -*-===//
#ifndef TERNION_DIALECTS_TERN_TERNDIALECT_H
#define TERNION_DIALECTS_TERN_TERNDIALECT_H

#include "mlir/IR/Dialect.h"

#include "dialects/tern/TernDialect.h.inc"

#endif // TERNION_DIALECTS_TERN_TERNDIALECT_H
