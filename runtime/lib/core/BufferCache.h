//===- BufferCache.h - Reused buffers for compiled code ---------*- C++ -*-===//
//
// The allocator the runtime installs in artifacts (tnx_set_allocator). The
// compiled code allocates and frees every intermediate on every call; glibc
// hands large blocks back to the kernel on free, so each call would fault
// all of them in again (12% of a 512-token prefill). Large freed blocks are
// kept here, by size class, and handed out again.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_RUNTIME_LIB_CORE_BUFFERCACHE_H
#define TERNION_RUNTIME_LIB_CORE_BUFFERCACHE_H

#include <cstddef>

namespace ternion::runtime {

/// Like malloc: at least `size` bytes, 64-byte aligned, or null. Thread-safe.
void *allocateBuffer(size_t size);

/// Like free, for pointers from allocateBuffer only. Null is ignored.
void releaseBuffer(void *buffer);

/// Bytes of freed blocks held for reuse, and the limit on them (the
/// TNX_BUFFER_CACHE_MB environment variable, default 1024; 0 disables).
size_t cachedBufferBytes();
size_t bufferCacheLimit();

/// The size class of a request: what allocateBuffer really reserves.
/// Requests from 64 KiB up round up to a quarter of their power of two, so
/// a KV cache that grows by one token keeps its class for many steps.
size_t bufferSizeClass(size_t size);

} // namespace ternion::runtime

#endif // TERNION_RUNTIME_LIB_CORE_BUFFERCACHE_H
