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
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

namespace ternion {
namespace {

/// The staging directory of the compile in progress, for the interrupt
/// handler: a fixed buffer, so that the handler allocates nothing.
char interruptedStaging[PATH_MAX];

/// On SIGINT, SIGTERM or SIGHUP (LLVM's interrupt signals) the compile's
/// destructors never run: remove the staging directory here, with system
/// calls only, and exit as an interrupted program does.
void removeStagingOnInterrupt() {
  if (interruptedStaging[0]) {
    if (DIR *dir = ::opendir(interruptedStaging)) {
      int fd = ::dirfd(dir);
      while (struct dirent *entry = ::readdir(dir))
        if (std::strcmp(entry->d_name, ".") && std::strcmp(entry->d_name, ".."))
          ::unlinkat(fd, entry->d_name, 0);
      ::closedir(dir);
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
