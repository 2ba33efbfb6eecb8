//===- WeightsLayout.h - the bytes of an artifact's weights.bin -*- C++ -*-===//
//
// Constants laid out back to back, each at an aligned offset, zero padding
// between them, with the FNV-1a 64 checksum the runtime verifies on open.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_ARTIFACT_WEIGHTSLAYOUT_H
#define TERNION_ARTIFACT_WEIGHTSLAYOUT_H

#include "ternion/abi.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "mlir/Support/LogicalResult.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ternion {

/// FNV-1a 64 (ternion/abi.h's offset basis and prime), the checksum of
/// docs/runtime.md, continued from `hash`.
uint64_t fnv1a64(llvm::StringRef bytes, uint64_t hash = TNX_FNV1A64_OFFSET_BASIS);

class WeightsLayout {
public:
  explicit WeightsLayout(int64_t alignment) : alignment(alignment) {}

  /// Places `bytes` at the next aligned offset and returns that offset.
  /// `bytes` is borrowed (constants live as long as their MLIRContext) unless
  /// it points into `storage`, which the layout then keeps.
  int64_t append(llvm::ArrayRef<char> bytes, std::vector<char> storage = {});

  int64_t size() const { return totalSize; }
  int64_t count() const { return static_cast<int64_t>(pieces.size()); }
  /// "fnv1a64:" and 16 lowercase hex digits over the whole file.
  std::string checksum() const;
  /// What writeTo has done so far: pieces and bytes written.
  using WriteObserver = llvm::function_ref<void(int64_t pieces, int64_t bytes)>;
  /// Writes the file piece by piece, dropping each piece's pages from memory
  /// once written (tern/WeightMemory.h), and returns its checksum (the same
  /// as checksum(), computed on the way); on failure `error` says why.
  mlir::FailureOr<std::string> writeTo(llvm::StringRef path, std::string &error,
                                       WriteObserver observer = nullptr) const;

private:
  struct Piece {
    int64_t offset;
    llvm::ArrayRef<char> bytes;
    std::vector<char> storage; // a moved vector keeps its buffer, so `bytes` stays valid
  };
  int64_t alignment;
  int64_t totalSize = 0;
  std::vector<Piece> pieces;
};

} // namespace ternion

#endif // TERNION_ARTIFACT_WEIGHTSLAYOUT_H
