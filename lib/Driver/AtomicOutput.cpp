//===- AtomicOutput.cpp - outputs that appear whole or not at all ---------===//
#include "AtomicOutput.h"

#include "ternion/abi.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <sys/syscall.h>
#include <fcntl.h>
#include <unistd.h>

namespace ternion {
namespace {

/// The staging directory of the compile in progress, for the interrupt
/// handler: a fixed buffer, so that the handler allocates nothing.
char interruptedStaging[PATH_MAX];

/// On SIGINT, SIGTERM or SIGHUP (LLVM's interrupt signals) the compile's
/// destructors never run: remove the staging directory here, with system
/// calls only, and exit as an interrupted program does. Not opendir: it
/// allocates, and a signal that arrives inside malloc would deadlock on the
/// allocator's lock (it did, once compiles got fast enough for the
/// interrupted test to land in one). getdents64 reads into a stack buffer.
void removeStagingOnInterrupt() {
  if (interruptedStaging[0]) {
    int fd = ::open(interruptedStaging, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
      alignas(8) char buffer[4096];
      long bytes;
      while ((bytes = ::syscall(SYS_getdents64, fd, buffer, sizeof(buffer))) > 0) {
        for (long offset = 0; offset < bytes;) {
          // struct linux_dirent64: d_ino, d_off, d_reclen, d_type, d_name.
          const char *record = buffer + offset;
          unsigned short length;
          std::memcpy(&length, record + 16, sizeof(length));
          const char *name = record + 19;
          if (std::strcmp(name, ".") && std::strcmp(name, ".."))
            ::unlinkat(fd, name, 0);
          offset += length;
        }
      }
      ::close(fd);
    }
    ::rmdir(interruptedStaging);
  }
  ::_exit(130);
}

} // namespace

llvm::Error writeFileAtomically(llvm::StringRef path, llvm::StringRef contents) {
  if (path == "-") {
    llvm::outs() << contents;
    return llvm::Error::success();
  }
  llvm::Expected<llvm::sys::fs::TempFile> temp =
      llvm::sys::fs::TempFile::create(path + ".tmp-%%%%%%");
  if (!temp)
    return temp.takeError();
  llvm::raw_fd_ostream os(temp->FD, /*shouldClose=*/false);
  os << contents;
  os.flush();
  if (os.has_error()) {
    std::error_code ec = os.error();
    os.clear_error();
    llvm::consumeError(temp->discard());
    return llvm::createStringError("cannot write '" + path + "': " + ec.message());
  }
  return temp->keep(path);
}

llvm::Error StagingDirectory::create(llvm::StringRef finalPath) {
  target = finalPath.str();
  llvm::SmallString<256> model(finalPath);
  model += ".partial-%%%%%%";
  llvm::SmallString<256> unique;
  llvm::sys::fs::createUniquePath(model, unique, /*MakeAbsolute=*/false);
  if (std::error_code ec = llvm::sys::fs::create_directory(unique))
    return llvm::createStringError("cannot create '" + unique + "': " + ec.message());
  path = std::string(unique);
  if (path.size() < sizeof(interruptedStaging)) {
    std::memcpy(interruptedStaging, path.c_str(), path.size() + 1);
    llvm::sys::SetInterruptFunction(removeStagingOnInterrupt);
  }
  return llvm::Error::success();
}

std::string StagingDirectory::file(llvm::StringRef name) const {
  llvm::SmallString<256> p(path);
  llvm::sys::path::append(p, name);
  return std::string(p);
}

llvm::Error StagingDirectory::commit() {
  if (llvm::sys::fs::exists(target)) {
    llvm::SmallString<256> manifest(target);
    llvm::sys::path::append(manifest, TNX_MANIFEST_FILE);
    if (!llvm::sys::fs::is_directory(target) || !llvm::sys::fs::exists(manifest))
      return llvm::createStringError("'" + target +
                                     "' exists and is not an artifact; not replacing it");
    // Swap the new artifact and the old one in one step, so that the path
    // always holds a whole artifact; the old one is then removed with the
    // staging directory it now occupies.
    std::string old = path;
    if (::renameat2(AT_FDCWD, path.c_str(), AT_FDCWD, target.c_str(),
                    RENAME_EXCHANGE) != 0) {
      if (errno != EINVAL && errno != ENOSYS)
        return llvm::createStringError("cannot replace '" + target +
                                       "': " + std::strerror(errno));
      // A file system without exchange: move the old artifact aside first
      // (the path is empty only between the two renames).
      old = path + ".old";
      if (std::error_code ec = llvm::sys::fs::rename(target, old))
        return llvm::createStringError("cannot replace '" + target +
                                       "': " + ec.message());
      if (std::error_code ec = llvm::sys::fs::rename(path, target)) {
        (void)llvm::sys::fs::rename(old, target);
        return llvm::createStringError("cannot move the artifact to '" +
                                       target + "': " + ec.message());
      }
    }
    forget();
    llvm::sys::fs::remove_directories(old);
    return llvm::Error::success();
  }
  if (std::error_code ec = llvm::sys::fs::rename(path, target))
    return llvm::createStringError("cannot move the artifact to '" + target +
                                   "': " + ec.message());
  forget();
  return llvm::Error::success();
}

void StagingDirectory::forget() {
  path.clear();
  interruptedStaging[0] = 0;
  llvm::sys::SetInterruptFunction(nullptr);
}

StagingDirectory::~StagingDirectory() {
  if (!path.empty()) {
    llvm::sys::fs::remove_directories(path);
    forget();
  }
}

} // namespace ternion
