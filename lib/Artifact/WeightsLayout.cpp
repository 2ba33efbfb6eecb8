//===- WeightsLayout.cpp - the bytes of an artifact's weights.bin ---------===//
#include "ternion/Artifact/WeightsLayout.h"

#include "dialects/tern/WeightMemory.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace ternion {

uint64_t fnv1a64(StringRef bytes, uint64_t hash) {
  for (unsigned char c : bytes.bytes()) {
    hash ^= c;
    hash *= TNX_FNV1A64_PRIME;
  }
  return hash;
}

int64_t WeightsLayout::append(ArrayRef<char> bytes, std::vector<char> storage) {
  int64_t offset = static_cast<int64_t>(alignTo(totalSize, alignment));
  totalSize = offset + static_cast<int64_t>(bytes.size());
  pieces.push_back({offset, bytes, std::move(storage)});
  return offset;
}

/// Visits the file's bytes in order: each piece preceded by its padding.
template <typename Fn>
static void forEachChunk(ArrayRef<char> padding, int64_t offsetOfPiece, int64_t &position,
                         ArrayRef<char> bytes, Fn fn) {
  while (position < offsetOfPiece) {
    int64_t n = std::min<int64_t>(offsetOfPiece - position, padding.size());
    fn(StringRef(padding.data(), n));
    position += n;
  }
  fn(StringRef(bytes.data(), bytes.size()));
  position += bytes.size();
}

static std::string formatChecksum(uint64_t hash) {
  std::string text;
  raw_string_ostream(text) << TNX_WEIGHTS_CHECKSUM_PREFIX
                           << format_hex_no_prefix(hash, 16, /*Upper=*/false);
  return text;
}

std::string WeightsLayout::checksum() const {
  std::vector<char> padding(alignment, 0);
  uint64_t hash = fnv1a64("");
  int64_t position = 0;
  for (const Piece &piece : pieces) {
    forEachChunk(padding, piece.offset, position, piece.bytes,
                 [&](StringRef chunk) { hash = fnv1a64(chunk, hash); });
    ternion::tern::evictWeightPages(piece.bytes);
  }
  return formatChecksum(hash);
}

mlir::FailureOr<std::string> WeightsLayout::writeTo(StringRef path, std::string &error,
                                                    WriteObserver observer) const {
  std::error_code ec;
  raw_fd_ostream os(path, ec);
  if (ec) {
    error = "cannot write '" + path.str() + "': " + ec.message();
    return mlir::failure();
  }
  std::vector<char> padding(alignment, 0);
  uint64_t hash = fnv1a64("");
  int64_t position = 0, written = 0;
  for (const Piece &piece : pieces) {
    ternion::tern::prefetchWeightPages(piece.bytes);
    forEachChunk(padding, piece.offset, position, piece.bytes, [&](StringRef chunk) {
      hash = fnv1a64(chunk, hash);
      os << chunk;
    });
    // The piece is in the file (or the page cache); its source pages can go.
    ternion::tern::evictWeightPages(piece.bytes);
    if (observer)
      observer(++written, position);
  }
  os.close();
  if (os.has_error()) {
    error = "cannot write '" + path.str() + "': " + os.error().message();
    os.clear_error();
    return mlir::failure();
  }
  return formatChecksum(hash);
}

} // namespace ternion
