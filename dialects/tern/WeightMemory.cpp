//===- WeightMemory.cpp - file-backed weights that can leave memory -------===//
#include "dialects/tern/WeightMemory.h"

#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <mutex>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mlir;

namespace ternion::tern {
namespace {

/// The file-backed mappings whose pages may be dropped, by start address.
struct Registry {
  std::mutex mutex;
  std::map<uintptr_t, size_t> regions;
  std::atomic<uint64_t> scratchBytes{0};
};

Registry &registry() {
  static Registry instance;
  return instance;
}

void registerRegion(const void *data, size_t size) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.regions[reinterpret_cast<uintptr_t>(data)] = size;
}

void unregisterRegion(const void *data) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.regions.erase(reinterpret_cast<uintptr_t>(data));
}

size_t pageSize() {
  static size_t size = llvm::sys::Process::getPageSizeEstimate();
  return size;
}

/// Drops whole pages of [begin, end); the caller holds the registry lock and
/// has checked that the range lies in one registered region.
void dropPages(uintptr_t begin, uintptr_t end) {
  uintptr_t first = llvm::alignTo(begin, pageSize());
  uintptr_t last = llvm::alignDown(end, pageSize());
  if (first < last)
    ::madvise(reinterpret_cast<void *>(first), last - first, MADV_DONTNEED);
}

/// An unlinked file in the temporary folder, or -1. O_TMPFILE leaves no name
/// behind even when the compiler is killed.
int openScratchFile(std::string &folder) {
  const char *tmp = std::getenv("TMPDIR");
  folder = tmp && *tmp ? tmp : "/tmp";
  int fd = ::open(folder.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0)
    return fd;
  std::string pattern = folder + "/ternion-weights-XXXXXX";
  fd = ::mkstemp(pattern.data());
  if (fd >= 0)
    ::unlink(pattern.c_str());
  return fd;
}

/// A zeroed shared mapping of a new scratch file, or null.
char *mapScratch(size_t bytes) {
  std::string folder;
  int fd = openScratchFile(folder);
  char *data = nullptr;
  if (fd >= 0 && ::ftruncate(fd, off_t(bytes)) == 0) {
    void *p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    data = p == MAP_FAILED ? nullptr : static_cast<char *>(p);
#ifndef MADV_POPULATE_WRITE
    constexpr int MADV_POPULATE_WRITE = 23; // Linux 5.14; older kernels say EINVAL
#endif
    // The caller writes every byte next: one call maps all the pages instead
    // of a fault per page (each costs a trap, dearer still in a VM).
    if (data)
      ::madvise(data, bytes, MADV_POPULATE_WRITE);
  }
  int savedErrno = errno;
  if (fd >= 0)
    ::close(fd); // the mapping keeps the file alive
  if (!data) {
    // Not fatal: the compile still works with the weights on the heap, it
    // just needs more memory. Said once, so a user short of memory knows why.
    static std::once_flag warned;
    std::call_once(warned, [&] {
      llvm::errs() << "ternion: warning: cannot create scratch weights in '" << folder << "' ("
                   << std::strerror(savedErrno)
                   << "); transformed weights stay in memory (set TMPDIR)\n";
    });
  }
  return data;
}

} // namespace

AsmResourceBlob allocateWeightBlob(size_t bytes, size_t alignment) {
  if (bytes >= kFileBackedWeightBytes && alignment <= pageSize()) {
    if (char *data = mapScratch(bytes)) {
      registerRegion(data, bytes);
      registry().scratchBytes += bytes;
      return AsmResourceBlob(
          llvm::ArrayRef<char>(data, bytes), alignment,
          [](void *p, size_t size, size_t) {
            unregisterRegion(p);
            registry().scratchBytes -= size;
            ::munmap(p, size);
          },
          /*dataIsMutable=*/true);
    }
  }
  AsmResourceBlob blob = HeapAsmResourceBlob::allocate(bytes, alignment);
  std::memset(blob.getMutableData().data(), 0, bytes);
  return blob;
}

std::shared_ptr<MappedWeightsFile> MappedWeightsFile::open(llvm::StringRef path,
                                                           std::string &error) {
  std::string name = path.str();
  int fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat info;
  if (fd < 0 || ::fstat(fd, &info) != 0) {
    error = std::strerror(errno);
    if (fd >= 0)
      ::close(fd);
    return nullptr;
  }
  size_t size = size_t(info.st_size);
  void *data = nullptr;
  if (size > 0) {
    data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED) {
      error = std::strerror(errno);
      ::close(fd);
      return nullptr;
    }
    registerRegion(data, size);
  }
  ::close(fd);
  return std::shared_ptr<MappedWeightsFile>(
      new MappedWeightsFile(static_cast<const char *>(data), size));
}

MappedWeightsFile::~MappedWeightsFile() {
  if (!data)
    return;
  unregisterRegion(data);
  ::munmap(const_cast<char *>(data), size);
}

/// The part of `bytes` inside one registered file-backed region, as
/// [begin, end); empty when `bytes` is not in one. The caller holds the lock.
static std::pair<uintptr_t, uintptr_t> registeredPart(Registry &r, llvm::ArrayRef<char> bytes) {
  auto begin = reinterpret_cast<uintptr_t>(bytes.data());
  auto it = r.regions.upper_bound(begin);
  if (bytes.empty() || it == r.regions.begin())
    return {0, 0};
  --it;
  uintptr_t end = std::min<uintptr_t>(begin + bytes.size(), it->first + it->second);
  return begin < end ? std::pair(begin, end) : std::pair<uintptr_t, uintptr_t>(0, 0);
}

void evictWeightPages(llvm::ArrayRef<char> bytes) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto [begin, end] = registeredPart(r, bytes);
  if (begin < end)
    dropPages(begin, end);
}

void prefetchWeightPages(llvm::ArrayRef<char> bytes) {
#ifndef MADV_POPULATE_READ
  constexpr int MADV_POPULATE_READ = 22; // Linux 5.14; older kernels say EINVAL
#endif
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto [begin, end] = registeredPart(r, bytes);
  if (begin >= end)
    return;
  uintptr_t first = llvm::alignDown(begin, pageSize());
  ::madvise(reinterpret_cast<void *>(first), end - first, MADV_POPULATE_READ);
}

void evictAllWeightPages() {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  for (const auto &[start, size] : r.regions)
    dropPages(start, start + size);
}

uint64_t scratchWeightBytes() { return registry().scratchBytes.load(); }

} // namespace ternion::tern
