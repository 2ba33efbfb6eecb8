//===- TensorFileFuzzer.cpp - Fuzzing ternion-run's tensor readers --------===//
//
// Built twice (fuzz/CMakeLists.txt): fuzz-npy with TERNION_FUZZ_PARSER
// parseNpy (NumPy .npy 1.0-3.0) and fuzz-tensor-proto with parseTensorProto
// (ONNX's test_data_set_N/*.pb). A tensor that parses must be consistent:
// its data holds exactly the elements of its shape.
//
//===----------------------------------------------------------------------===//
#include "TensorFiles.h"

#include "ternion/runtime.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string bytes(reinterpret_cast<const char *>(data), size);
  ternion::run::HostTensor tensor;
  std::string error;
  if (!ternion::run::TERNION_FUZZ_PARSER(bytes, tensor, error))
    return 0;
  size_t elements = 1;
  for (int64_t dim : tensor.shape)
    elements *= static_cast<size_t>(dim);
  if (tensor.data.size() != elements * tnx_dtype_size(tensor.dtype))
    std::abort();
  return 0;
}
