//===- ElfCheck.cpp - Checking a library before dlopen maps it ------------===//
#include "core/ElfCheck.h"
#include "core/FileIO.h"
#include "core/Status.h"

#include <cerrno>
#include <cstdint>
#include <elf.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace ternion::runtime {
namespace {

#if defined(__x86_64__)
constexpr uint16_t HostMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr uint16_t HostMachine = EM_AARCH64;
#else
#error "add this machine's ELF e_machine"
#endif

/// Reads exactly `size` bytes at `offset`; false on a short read.
bool readAt(int fd, void *buffer, size_t size, uint64_t offset) {
  auto *out = static_cast<char *>(buffer);
  while (size > 0) {
    ssize_t got = ::pread(fd, out, size, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      return false;
    out += got;
    size -= static_cast<size_t>(got);
    offset += static_cast<uint64_t>(got);
  }
  return true;
}

/// Whether [offset, offset + size) lies inside a file of `fileSize` bytes.
bool inside(uint64_t offset, uint64_t size, uint64_t fileSize) {
  return offset <= fileSize && size <= fileSize - offset;
}

} // namespace

tnx_status_t checkSharedLibrary(const std::string &path,
                                const std::string &name) {
  auto fail = [&](const std::string &why) {
    return makeStatus(TNX_STATUS_INVALID_ARTIFACT, name + ": " + why);
  };
  int fd;
  struct stat info;
  if (tnx_status_t status = openRegularFile(
          path, name, TNX_STATUS_INVALID_ARTIFACT, fd, info))
    return status;
  FdCloser closer{fd};
  auto fileSize = static_cast<uint64_t>(info.st_size);
  Elf64_Ehdr header;
  if (fileSize < sizeof(header) || !readAt(fd, &header, sizeof(header), 0))
    return fail("is not a shared library (" + std::to_string(fileSize) +
                " bytes, shorter than an ELF header)");
  if (header.e_ident[EI_MAG0] != ELFMAG0 || header.e_ident[EI_MAG1] != ELFMAG1 ||
      header.e_ident[EI_MAG2] != ELFMAG2 || header.e_ident[EI_MAG3] != ELFMAG3)
    return fail("is not a shared library (no ELF magic)");
  if (header.e_ident[EI_CLASS] != ELFCLASS64 ||
      header.e_ident[EI_DATA] != ELFDATA2LSB)
    return fail("is not a 64-bit little-endian ELF file");
  if (header.e_type != ET_DYN)
    return fail("is an ELF file but not a shared library (e_type " +
                std::to_string(header.e_type) + ")");
  if (header.e_machine != HostMachine)
    return fail("is a shared library for another machine (e_machine " +
                std::to_string(header.e_machine) + ")");
  if (header.e_phentsize != sizeof(Elf64_Phdr) || header.e_phnum == 0)
    return fail("has no valid program headers");
  uint64_t tableSize = uint64_t(header.e_phnum) * sizeof(Elf64_Phdr);
  if (!inside(header.e_phoff, tableSize, fileSize))
    return fail("is truncated: its program headers end past the file's " +
                std::to_string(fileSize) + " bytes");
  std::vector<Elf64_Phdr> segments(header.e_phnum);
  if (!readAt(fd, segments.data(), tableSize, header.e_phoff))
    return fail("cannot read its program headers");
  for (size_t i = 0; i < segments.size(); ++i) {
    const Elf64_Phdr &segment = segments[i];
    if (segment.p_filesz > 0 &&
        !inside(segment.p_offset, segment.p_filesz, fileSize))
      return fail("is truncated: segment " + std::to_string(i) +
                  " needs bytes up to " +
                  std::to_string(segment.p_offset + segment.p_filesz) +
                  " but the file has " + std::to_string(fileSize));
  }
  if (header.e_shnum > 0 &&
      !inside(header.e_shoff, uint64_t(header.e_shnum) * header.e_shentsize,
              fileSize))
    return fail("is truncated: its section headers end past the file's " +
                std::to_string(fileSize) + " bytes");
  return nullptr;
}

} // namespace ternion::runtime
