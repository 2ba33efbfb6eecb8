//===- FileIO.cpp - Reading the files of an artifact ----------------------===//
#include "core/FileIO.h"
#include "core/Status.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace ternion::runtime {

std::string errnoText() { return std::strerror(errno); }

FdCloser::~FdCloser() {
  if (fd >= 0)
    ::close(fd);
}

tnx_status_t openAndStat(const std::string &file, int &fd, struct stat &info) {
  fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return makeStatus(TNX_STATUS_IO_ERROR,
                      file + ": cannot open: " + errnoText());
  if (::fstat(fd, &info) != 0) {
    tnx_status_t status =
        makeStatus(TNX_STATUS_IO_ERROR, file + ": cannot stat: " + errnoText());
    ::close(fd);
    fd = -1;
    return status;
  }
  return nullptr;
}

tnx_status_t openRegularFile(const std::string &file, const std::string &name,
                             tnx_status_code_t badFileCode, int &fd,
                             struct stat &info) {
  if (tnx_status_t status = openAndStat(file, fd, info))
    return status;
  if (S_ISREG(info.st_mode))
    return nullptr;
  ::close(fd);
  fd = -1;
  return makeStatus(badFileCode, name + ": is not a regular file");
}

tnx_status_t readSmallFile(const std::string &file, size_t maxSize,
                           tnx_status_code_t badFileCode, std::string &text) {
  int fd;
  struct stat info;
  if (tnx_status_t status =
          openRegularFile(file, file, badFileCode, fd, info))
    return status;
  FdCloser closer{fd};
  if (static_cast<uint64_t>(info.st_size) > maxSize)
    return makeStatus(badFileCode, file + ": is larger than " +
                                       std::to_string(maxSize) + " bytes");
  text.resize(static_cast<size_t>(info.st_size));
  size_t done = 0;
  while (done < text.size()) {
    ssize_t got = ::read(fd, &text[done], text.size() - done);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0)
      return makeStatus(TNX_STATUS_IO_ERROR,
                        file + ": cannot read: " + errnoText());
    if (got == 0)
      break;
    done += static_cast<size_t>(got);
  }
  text.resize(done);
  return nullptr;
}

tnx_status_t resolveInsideDirectory(const std::string &directory,
                                    const std::string &name,
                                    std::string &resolved) {
  std::string file = directory + "/" + name;
  char realDirectory[PATH_MAX], realFile[PATH_MAX];
  if (!::realpath(directory.c_str(), realDirectory) ||
      !::realpath(file.c_str(), realFile))
    return makeStatus(TNX_STATUS_IO_ERROR,
                      file + ": cannot open: " + errnoText());
  std::string prefix = std::string(realDirectory) + "/";
  resolved = realFile;
  if (resolved.compare(0, prefix.size(), prefix) != 0)
    return makeStatus(TNX_STATUS_INVALID_ARTIFACT,
                      file + ": is a link to " + resolved +
                          ", outside the artifact");
  return nullptr;
}

} // namespace ternion::runtime
