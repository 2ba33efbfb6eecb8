//===- TensorFiles.h - ONNX TensorProto and NumPy .npy files ----*- C++ -*-===//
//
// Readers for the two tensor file formats ternion-run accepts (ONNX's
// test_data_set_N/*.pb and NumPy's .npy) and a .npy writer for outputs. The
// TensorProto decoder is a self-contained protobuf wire-format reader, so
// the tool depends on neither protobuf nor libonnx, and it bounds-checks
// every length and varint: files may be hostile.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_TOOLS_TERNION_RUN_TENSORFILES_H
#define TERNION_TOOLS_TERNION_RUN_TENSORFILES_H

#include "ternion/runtime.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ternion::run {

/// A dense row-major tensor in host memory, little-endian.
struct HostTensor {
  /// The TensorProto's name; "" for .npy files or unnamed protos.
  std::string name;
  tnx_dtype_t dtype = TNX_DTYPE_INVALID;
  std::vector<int64_t> shape;
  std::vector<char> data;
};

/// Parses a serialized onnx.TensorProto.
bool parseTensorProto(const std::string &bytes, HostTensor &tensor,
                      std::string &error);
/// Serializes a tensor as an onnx.TensorProto with raw_data (for tests and
/// for writing reference data).
std::string encodeTensorProto(const HostTensor &tensor);

/// Parses a NumPy .npy file (format 1.0, 2.0 or 3.0, C order).
bool parseNpy(const std::string &bytes, HostTensor &tensor, std::string &error);
/// Serializes as .npy 1.0. bf16 has no NumPy dtype and is widened to f32.
std::string encodeNpy(tnx_dtype_t dtype, const std::vector<int64_t> &shape,
                      const void *data, size_t byteSize);

/// The largest tensor file ternion-run reads (16 GiB).
constexpr uint64_t MaxTensorFileBytes = uint64_t(16) << 30;

/// Reads the whole of `path`, a regular file of at most `maxBytes` (also the
/// text of --perplexity). Errors name the file.
bool readInputFile(const std::string &path, uint64_t maxBytes,
                   std::string &bytes, std::string &error);

/// Reads `path` as .npy (by magic) or TensorProto (otherwise). Errors are
/// prefixed with the path.
bool readTensorFile(const std::string &path, HostTensor &tensor,
                    std::string &error);
bool writeFile(const std::string &path, const std::string &bytes,
               std::string &error);

/// "[1, 7, 2048]"
std::string formatShape(const std::vector<int64_t> &shape);

} // namespace ternion::run

#endif // TERNION_TOOLS_TERNION_RUN_TENSORFILES_H
