//===- ArtifactFuzzer.cpp - Fuzzing what opening an artifact checks -------===//
//
// The input is a manifest.json, optionally followed by a line
// "--weights--" and the bytes of weights.bin. Both are written into an
// artifact directory without a library, and tnx_artifact_open reads the
// manifest, checks it, maps and verifies the weights, and then fails to
// find model.so: every check that runs before dlopen sees the input. (A
// library is code and trusted, docs/security.md; it is never fuzzed.)
//
//===----------------------------------------------------------------------===//
#include "FuzzFiles.h"

#include "ternion/abi.h"
#include "ternion/runtime.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace ternion::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view input(reinterpret_cast<const char *>(data), size);
  constexpr std::string_view Separator = "\n--weights--\n";
  size_t split = input.find(Separator);
  writeScratchFile(TNX_MANIFEST_FILE, input.substr(0, split));
  if (split == std::string_view::npos)
    removeScratchFile(TNX_WEIGHTS_FILE);
  else
    writeScratchFile(TNX_WEIGHTS_FILE, input.substr(split + Separator.size()));
  tnx_artifact_t *artifact = nullptr;
  tnx_status_t status =
      tnx_artifact_open(scratchDirectory().c_str(), nullptr, &artifact);
  // Without a library the open cannot succeed.
  if (!status || artifact)
    std::abort();
  tnx_status_free(status);
  return 0;
}
