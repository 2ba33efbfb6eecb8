//===- BufferAllocator.h - replaceable allocator of compiled code -*- C++ -*-===//
#ifndef TERNION_ARTIFACT_BUFFERALLOCATOR_H
#define TERNION_ARTIFACT_BUFFERALLOCATOR_H

namespace llvm {
class Module;
} // namespace llvm

namespace ternion {

/// Routes every `malloc` and `free` of the compiled code through two
/// internal function pointers, initialized to `malloc` and `free`, and exports
/// `void tnx_set_allocator(void *(*alloc)(size_t), void (*release)(void *))`
/// to replace them (docs/runtime.md). The runtime installs a cache of large
/// buffers there: intermediates are allocated and freed on every call, and
/// glibc returns large blocks to the kernel on free, so without the cache each
/// call page-faults all its intermediates in again. A GPU backend installs
/// its device allocator through the same hook.
///
/// Runs after LLVM's optimizations, which still see `malloc`'s no-alias
/// result and may fold allocation pairs.
void routeBufferAllocations(llvm::Module &module);

} // namespace ternion

#endif // TERNION_ARTIFACT_BUFFERALLOCATOR_H
