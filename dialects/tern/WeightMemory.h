//===- WeightMemory.h - where a compile keeps its weights -------*- C++ -*-===//
//
// A model's weights are most of a compile's memory. Ternion keeps them out
// of the process's resident set: imported weights are read-only mappings of
// the model's external data, and the weights that transforms create
// (transposes, panels, packed codes) live in unlinked scratch files mapped
// shared. Both are file-backed, so once a transform has read or written a
// tensor its pages can be dropped (madvise DONTNEED): the data stays in the
// page cache, or on disk under memory pressure, and comes back on the next
// touch. A compile's resident memory is then the IR plus the tensor being
// rewritten, whatever the model's size. Heap memory is never dropped this
// way: only ranges registered here are.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_DIALECTS_TERN_WEIGHTMEMORY_H
#define TERNION_DIALECTS_TERN_WEIGHTMEMORY_H

#include "mlir/IR/AsmState.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <memory>
#include <string>

namespace ternion::tern {

/// Blobs at least this large are file-backed; smaller ones (shape constants,
/// scales) stay on the heap, where a page's worth of rounding would cost more
/// than it saves.
constexpr size_t kFileBackedWeightBytes = size_t(1) << 20;

/// A blob for `bytes` of new weight data, aligned to `alignment`, zeroed:
/// a scratch-file mapping when large (see above), heap memory otherwise.
mlir::AsmResourceBlob allocateWeightBlob(size_t bytes, size_t alignment);

/// A read-only mapping of a whole file that tensors are slices of: the
/// importer maps each external-data file once and keeps it alive as long as
/// one of its tensors' blobs does.
class MappedWeightsFile {
public:
  /// Maps `path` read-only; on failure returns null and sets `error`.
  static std::shared_ptr<MappedWeightsFile> open(llvm::StringRef path, std::string &error);
  ~MappedWeightsFile();
  llvm::ArrayRef<char> bytes() const { return {data, size}; }

private:
  MappedWeightsFile(const char *data, size_t size) : data(data), size(size) {}
  const char *data;
  size_t size;
};

/// Drops the resident pages of `bytes` when they lie in a file-backed weight
/// mapping (else does nothing). The data stays valid.
void evictWeightPages(llvm::ArrayRef<char> bytes);

/// Maps the pages of `bytes` in ahead of a sequential read when they lie in
/// a file-backed weight mapping: one call instead of a fault per page.
void prefetchWeightPages(llvm::ArrayRef<char> bytes);

/// Drops the resident pages of every file-backed weight mapping.
void evictAllWeightPages();

/// Bytes currently in scratch-file mappings (for progress lines and tests).
uint64_t scratchWeightBytes();

} // namespace ternion::tern

#endif // TERNION_DIALECTS_TERN_WEIGHTMEMORY_H
