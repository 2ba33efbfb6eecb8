//===- ElfCheck.h - Checking a library before dlopen maps it ----*- C++ -*-===//
//
// dlopen trusts the file it maps: a model.so cut short (a copy that did not
// finish, a full disk) has segments that reach past the end of the file,
// and the first touch of such a page kills the process with SIGBUS inside
// the dynamic loader. checkSharedLibrary reads the ELF header and program
// headers and refuses such a file with a message instead. It checks shape,
// not content: a library is code, and whoever ships it is trusted
// (docs/security.md).
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_RUNTIME_LIB_CORE_ELFCHECK_H
#define TERNION_RUNTIME_LIB_CORE_ELFCHECK_H

#include "ternion/runtime.h"

#include <string>

namespace ternion::runtime {

/// Checks that the file at `path` is a 64-bit little-endian ELF shared
/// library for this machine whose program headers and segments lie inside
/// the file. INVALID_ARTIFACT naming the file as `name` (the path the user
/// knows) and the fault otherwise.
tnx_status_t checkSharedLibrary(const std::string &path,
                                const std::string &name);

} // namespace ternion::runtime

#endif // TERNION_RUNTIME_LIB_CORE_ELFCHECK_H
