//===- AtomicOutput.cpp - outputs that appear whole or not at all ---------===//
#include "AtomicOutput.h"

#include "ternion/abi.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace ternion {

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
    if (std::error_code ec = llvm::sys::fs::remove_directories(target))
      return llvm::createStringError("cannot replace '" + target + "': " + ec.message());
  }
  if (std::error_code ec = llvm::sys::fs::rename(path, target))
    return llvm::createStringError("cannot move the artifact to '" + target +
                                   "': " + ec.message());
  path.clear();
  return llvm::Error::success();
}

StagingDirectory::~StagingDirectory() {
  if (!path.empty())
    llvm::sys::fs::remove_directories(path);
}

} // namespace ternion
