//===- CheckDeviceCalls.cpp - PTX must not call what nothing links --------===//
//
// tern-gpu-check-device-calls (Passes.td says why).
//
//===----------------------------------------------------------------------===//
#include "ternion/Target/CUDA/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"

namespace ternion {
#define GEN_PASS_DEF_GPUCHECKDEVICECALLS
#include "ternion/Target/CUDA/Passes.h.inc"
} // namespace ternion

using namespace mlir;

namespace ternion {
namespace {

/// The names of the functions PTX declares `.extern .func`.
llvm::SetVector<llvm::StringRef> externFunctions(llvm::StringRef ptx) {
  llvm::SetVector<llvm::StringRef> names;
  constexpr llvm::StringLiteral kExtern = ".extern .func";
  for (size_t at = ptx.find(kExtern); at != llvm::StringRef::npos;
       at = ptx.find(kExtern, at + kExtern.size())) {
    // `.extern .func (.param .b32 func_retval0) __nv_sinf` or without the
    // return parameter: the name is the first identifier after the `)`.
    llvm::StringRef rest = ptx.substr(at + kExtern.size()).ltrim();
    if (rest.starts_with("("))
      rest = rest.drop_until([](char c) { return c == ')'; }).drop_front().ltrim();
    llvm::StringRef name =
        rest.take_while([](char c) { return llvm::isAlnum(c) || c == '_' || c == '$'; });
    if (!name.empty())
      names.insert(name);
  }
  return names;
}

struct GpuCheckDeviceCalls : impl::GpuCheckDeviceCallsBase<GpuCheckDeviceCalls> {
  void runOnOperation() override {
    getOperation().walk([&](gpu::BinaryOp binary) {
      for (Attribute attr : binary.getObjects()) {
        auto object = dyn_cast<gpu::ObjectAttr>(attr);
        if (!object || object.getFormat() != gpu::CompilationTarget::Assembly)
          continue;
        llvm::SetVector<llvm::StringRef> missing = externFunctions(object.getObject().getValue());
        if (missing.empty())
          continue;
        binary.emitError() << "the kernels of @" << binary.getSymName() << " call "
                           << llvm::join(missing, ", ")
                           << ", which only libdevice provides: give --cuda-toolkit=<dir> "
                              "(a CUDA toolkit with nvvm/libdevice)";
        signalPassFailure();
      }
    });
  }
};

} // namespace
} // namespace ternion
