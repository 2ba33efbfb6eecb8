//===- StridedCopiesToLinalg.cpp - non-contiguous memref.copy as loops ----===//
#include "ternion/Conversion/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinTypes.h"

namespace ternion {
#define GEN_PASS_DEF_STRIDEDCOPIESTOLINALG
#include "ternion/Conversion/Passes.h.inc"
} // namespace ternion

using namespace mlir;

namespace ternion {
namespace {

bool isContiguous(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && memref.getLayout().isIdentity();
}

struct StridedCopiesToLinalgPass
    : impl::StridedCopiesToLinalgBase<StridedCopiesToLinalgPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp copy) {
      if (allCopies || !isContiguous(copy.getSource().getType()) ||
          !isContiguous(copy.getTarget().getType()))
        copies.push_back(copy);
    });
    for (memref::CopyOp copy : copies) {
      OpBuilder b(copy);
      linalg::CopyOp::create(b, copy.getLoc(), copy.getSource(), copy.getTarget());
      copy.erase();
    }
  }
};

} // namespace
} // namespace ternion
