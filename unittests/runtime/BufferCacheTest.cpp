//===- BufferCacheTest.cpp - the allocator installed in artifacts ---------===//
#include "core/BufferCache.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

using namespace ternion::runtime;

namespace {

bool aligned64(const void *p) { return reinterpret_cast<uintptr_t>(p) % 64 == 0; }

TEST(BufferCacheTest, SizeClassesRoundToQuartersOfPowersOfTwo) {
  EXPECT_EQ(bufferSizeClass(0), 64u);
  EXPECT_EQ(bufferSizeClass(1), 64u);
  EXPECT_EQ(bufferSizeClass(65), 128u);
  // From 64 KiB: 4 classes per power of two.
  EXPECT_EQ(bufferSizeClass(64 << 10), size_t(64) << 10);
  EXPECT_EQ(bufferSizeClass((64 << 10) + 1), size_t(80) << 10);
  EXPECT_EQ(bufferSizeClass(size_t(1) << 20), size_t(1) << 20);
  EXPECT_EQ(bufferSizeClass((size_t(1) << 20) + 1), size_t(1280) << 10);
  EXPECT_EQ(bufferSizeClass(size_t(1792) << 10), size_t(1792) << 10);
  EXPECT_EQ(bufferSizeClass((size_t(1792) << 10) + 1), size_t(2) << 20);
  // A KV cache growing by one 1 KiB row keeps its class for many steps.
  EXPECT_EQ(bufferSizeClass(size_t(513) << 10), bufferSizeClass(size_t(600) << 10));
  // Never less than asked, and no overflow near the top.
  EXPECT_EQ(bufferSizeClass(SIZE_MAX - 5), SIZE_MAX);
}

TEST(BufferCacheTest, LargeBlocksAreReusedWithinTheirClass) {
  ASSERT_GT(bufferCacheLimit(), size_t(8) << 20) << "TNX_BUFFER_CACHE_MB is set too low";
  size_t before = cachedBufferBytes();
  size_t size = (3 << 20) - 8192;
  void *first = allocateBuffer(size);
  ASSERT_NE(first, nullptr);
  EXPECT_TRUE(aligned64(first));
  std::memset(first, 1, size);
  releaseBuffer(first);
  EXPECT_EQ(cachedBufferBytes(), before + (size_t(3) << 20));
  // A slightly larger request of the same class gets the same block back.
  void *second = allocateBuffer(3 << 20);
  EXPECT_EQ(second, first);
  EXPECT_EQ(cachedBufferBytes(), before);
  releaseBuffer(second);
}

TEST(BufferCacheTest, SmallBlocksGoBackToMalloc) {
  size_t before = cachedBufferBytes();
  void *small = allocateBuffer(1000);
  ASSERT_NE(small, nullptr);
  EXPECT_TRUE(aligned64(small));
  releaseBuffer(small);
  EXPECT_EQ(cachedBufferBytes(), before);
  releaseBuffer(nullptr);
}

TEST(BufferCacheTest, ImpossibleSizesFail) {
  EXPECT_EQ(allocateBuffer(SIZE_MAX), nullptr);
  EXPECT_EQ(allocateBuffer(SIZE_MAX - 100), nullptr);
}

TEST(BufferCacheTest, ThreadsShareTheCache) {
  // The compiled code allocates inside OpenMP loops too.
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([t] {
      for (int i = 0; i < 200; ++i) {
        size_t size = size_t(64 + (i + t) % 7 * 32) << 10;
        auto *p = static_cast<unsigned char *>(allocateBuffer(size));
        ASSERT_NE(p, nullptr);
        p[0] = p[size - 1] = static_cast<unsigned char>(i);
        releaseBuffer(p);
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_LE(cachedBufferBytes(), bufferCacheLimit());
}

} // namespace
