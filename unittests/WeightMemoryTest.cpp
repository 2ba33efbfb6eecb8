//===- WeightMemoryTest.cpp - file-backed weights leave memory ------------===//
#include "dialects/tern/WeightMemory.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <unistd.h>

using namespace ternion::tern;

namespace {

/// This process's resident set in bytes (/proc/self/statm, field 2).
uint64_t residentBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * uint64_t(sysconf(_SC_PAGESIZE));
}

constexpr size_t kBytes = size_t(64) << 20;

TEST(WeightMemoryTest, ScratchBlobLeavesMemoryAndKeepsItsData) {
  uint64_t before = residentBytes();
  mlir::AsmResourceBlob blob = allocateWeightBlob(kBytes, 64);
  ASSERT_EQ(blob.getData().size(), kBytes);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(blob.getData().data()) % 64, 0u);
  EXPECT_GE(scratchWeightBytes(), kBytes);
  char *data = blob.getMutableData().data();
  EXPECT_EQ(data[kBytes / 2], 0); // zeroed like the heap blobs
  // The pages are mapped in at allocation (the writer fills every byte next)
  // or by the writes.
  for (size_t i = 0; i < kBytes; ++i)
    data[i] = char(i * 7);
  uint64_t touched = residentBytes();
  EXPECT_GE(touched, before + kBytes * 9 / 10);
  evictWeightPages(blob.getData());
  EXPECT_LE(residentBytes(), touched - kBytes * 9 / 10);
  // The data comes back from the page cache (or the scratch file).
  for (size_t i = 0; i < kBytes; i += 4093)
    ASSERT_EQ(data[i], char(i * 7)) << i;
}

TEST(WeightMemoryTest, SmallBlobsStayOnTheHeapAndAreNeverDropped) {
  mlir::AsmResourceBlob blob = allocateWeightBlob(4096 * 4, 64);
  std::memset(blob.getMutableData().data(), 0x5a, blob.getData().size());
  evictWeightPages(blob.getData()); // a heap range: must not zero it
  for (char c : blob.getData())
    ASSERT_EQ(c, 0x5a);
}

TEST(WeightMemoryTest, MappedFileSlicesLeaveMemoryAndKeepTheirData) {
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("weights", "bin", path));
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    ASSERT_FALSE(ec);
    std::vector<char> chunk(1 << 20);
    for (size_t block = 0; block < kBytes / chunk.size(); ++block) {
      for (size_t i = 0; i < chunk.size(); ++i)
        chunk[i] = char(block + i);
      os.write(chunk.data(), chunk.size());
    }
  }
  std::string error;
  auto file = MappedWeightsFile::open(path, error);
  ASSERT_TRUE(file) << error;
  ASSERT_EQ(file->bytes().size(), kBytes);
  uint64_t before = residentBytes();
  volatile char sum = 0;
  for (size_t i = 0; i < kBytes; i += 4096)
    sum += file->bytes()[i];
  uint64_t touched = residentBytes();
  EXPECT_GE(touched, before + kBytes * 9 / 10);
  evictWeightPages(file->bytes().slice(4096, kBytes - 8192));
  EXPECT_LE(residentBytes(), touched - kBytes * 9 / 10);
  EXPECT_EQ(file->bytes()[(1 << 20) * 3 + 5], char(3 + 5));
  file.reset();
  llvm::sys::fs::remove(path);
}

TEST(WeightMemoryTest, MissingFileIsAnError) {
  std::string error;
  EXPECT_FALSE(MappedWeightsFile::open("/nonexistent/ternion/weights.bin", error));
  EXPECT_NE(error.find("No such file"), std::string::npos) << error;
}

} // namespace
