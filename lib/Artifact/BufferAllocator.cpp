//===- BufferAllocator.cpp - replaceable allocator of compiled code -------===//
#include "ternion/Artifact/BufferAllocator.h"

#include "ternion/abi.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"

using namespace llvm;

namespace ternion {

namespace {

/// Defines `name` as an internal function that forwards its arguments to the
/// function pointer stored in `slot`.
Function *defineTrampoline(Module &module, FunctionType *type, StringRef name,
                           GlobalVariable *slot) {
  Function *trampoline =
      Function::Create(type, GlobalValue::InternalLinkage, name, module);
  IRBuilder<> b(BasicBlock::Create(module.getContext(), "entry", trampoline));
  Value *target = b.CreateLoad(slot->getValueType(), slot);
  SmallVector<Value *> args;
  for (Argument &arg : trampoline->args())
    args.push_back(&arg);
  CallInst *call = b.CreateCall(type, target, args);
  if (type->getReturnType()->isVoidTy())
    b.CreateRetVoid();
  else
    b.CreateRet(call);
  return trampoline;
}

} // namespace

void routeBufferAllocations(Module &module) {
  LLVMContext &ctx = module.getContext();
  Type *ptr = PointerType::getUnqual(ctx);
  auto *allocType = FunctionType::get(ptr, {Type::getInt64Ty(ctx)}, false);
  auto *freeType = FunctionType::get(Type::getVoidTy(ctx), {ptr}, false);
  auto *mallocFn = cast<Function>(module.getOrInsertFunction("malloc", allocType).getCallee());
  auto *freeFn = cast<Function>(module.getOrInsertFunction("free", freeType).getCallee());

  // Placeholder slots first, so that replacing the uses of malloc and free
  // below does not also replace the slots' initializers.
  auto *allocSlot = new GlobalVariable(module, ptr, /*isConstant=*/false,
                                       GlobalValue::InternalLinkage,
                                       ConstantPointerNull::get(cast<PointerType>(ptr)),
                                       "tnx.alloc_fn");
  auto *freeSlot = new GlobalVariable(module, ptr, /*isConstant=*/false,
                                      GlobalValue::InternalLinkage,
                                      ConstantPointerNull::get(cast<PointerType>(ptr)),
                                      "tnx.free_fn");
  Function *allocTrampoline = defineTrampoline(module, allocType, "tnx.alloc", allocSlot);
  Function *freeTrampoline = defineTrampoline(module, freeType, "tnx.free", freeSlot);
  // The trampolines' own calls go through the slots, not to malloc and free,
  // so these replace only the compiled code's calls.
  mallocFn->replaceAllUsesWith(allocTrampoline);
  freeFn->replaceAllUsesWith(freeTrampoline);
  allocSlot->setInitializer(mallocFn);
  freeSlot->setInitializer(freeFn);

  auto *setterType = FunctionType::get(Type::getVoidTy(ctx), {ptr, ptr}, false);
  Function *setter =
      Function::Create(setterType, GlobalValue::ExternalLinkage, TNX_SET_ALLOCATOR_SYMBOL, module);
  setter->setDSOLocal(true);
  IRBuilder<> b(BasicBlock::Create(ctx, "entry", setter));
  b.CreateStore(setter->getArg(0), allocSlot);
  b.CreateStore(setter->getArg(1), freeSlot);
  b.CreateRetVoid();
}

} // namespace ternion
