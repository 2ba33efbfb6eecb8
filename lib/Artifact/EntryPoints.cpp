//===- EntryPoints.cpp - the artifact ABI's C entry points ----------------===//
//
// MLIR's C interface wrapper (`llvm.emit_c_interface`) takes a pointer per
// memref descriptor and, first, a pointer to the results; the artifact ABI
// passes all of them through one `void **` so the runtime can call any
// function without generating code for its arity.
//
//===----------------------------------------------------------------------===//
#include "ternion/Artifact/EntryPoints.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"

using namespace llvm;

namespace ternion {

Error defineEntryPoints(Module &module, ArrayRef<FunctionSignature> functions) {
  LLVMContext &ctx = module.getContext();
  Type *ptr = PointerType::getUnqual(ctx);
  StringSet<> exported;
  for (const FunctionSignature &signature : functions) {
    std::string cifaceName = "_mlir_ciface_" + signature.name;
    Function *ciface = module.getFunction(cifaceName);
    if (!ciface)
      return createStringError("function '" + signature.name + "' has no C interface ('" +
                               cifaceName + "')");
    // (results, inputs..., weights): all descriptor pointers.
    size_t numInputs = signature.inputs.size();
    if (ciface->arg_size() != TNX_ARG_COUNT(numInputs))
      return createStringError("'" + cifaceName + "' takes " + std::to_string(ciface->arg_size()) +
                               " arguments, expected " + std::to_string(TNX_ARG_COUNT(numInputs)) +
                               " (results, inputs, weights)");
    auto *entryType = FunctionType::get(Type::getVoidTy(ctx), {ptr}, false);
    Function *entry = Function::Create(entryType, GlobalValue::ExternalLinkage,
                                       signature.symbol, module);
    entry->setDSOLocal(true);
    IRBuilder<> b(BasicBlock::Create(ctx, "entry", entry));
    Value *args = entry->getArg(0);
    auto slot = [&](size_t i) {
      return b.CreateLoad(ptr, b.CreateConstInBoundsGEP1_64(ptr, args, i));
    };
    // The ABI's order is (inputs..., weights, results).
    SmallVector<Value *> callArgs{slot(TNX_ARG_RESULTS(numInputs))};
    for (size_t i = 0; i < numInputs; ++i)
      callArgs.push_back(slot(i));
    callArgs.push_back(slot(TNX_ARG_WEIGHTS(numInputs)));
    b.CreateCall(ciface, callArgs);
    b.CreateRetVoid();
    exported.insert(signature.symbol);
  }

  auto *versionType = FunctionType::get(Type::getInt32Ty(ctx), {}, false);
  Function *version =
      Function::Create(versionType, GlobalValue::ExternalLinkage, TNX_ABI_VERSION_SYMBOL, module);
  IRBuilder<> b(BasicBlock::Create(ctx, "entry", version));
  b.CreateRet(b.getInt32(TNX_ABI_VERSION));
  exported.insert(TNX_ABI_VERSION_SYMBOL);

  for (Function &fn : module)
    if (!fn.isDeclaration() && !exported.contains(fn.getName()))
      fn.setLinkage(GlobalValue::InternalLinkage);
  // llvm.global_ctors and the like keep their appending linkage: a GPU
  // target's module loads its kernels from a constructor.
  for (GlobalVariable &global : module.globals())
    if (!global.isDeclaration() && !global.getName().starts_with("llvm."))
      global.setLinkage(GlobalValue::InternalLinkage);
  return Error::success();
}

} // namespace ternion
