//===- TensorImport.cpp - ONNX tensors to dense_resource constants --------===//
//
// Weights must import in seconds and be copied at most once. Raw bytes that
// protobuf already parsed into a std::string are adopted by the resource
// blob (no copy); external data is memory-mapped (no copy); only the typed
// repeated fields (float_data, int64_data, ...), which small constants use,
// are copied.
//
//===----------------------------------------------------------------------===//
#include "ImportContext.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <cstring>

using namespace mlir;

namespace ternion::import {

Type getElementType(MLIRContext *ctx, int32_t onnxType) {
  using TP = onnx::TensorProto;
  switch (onnxType) {
  case TP::FLOAT: return Float32Type::get(ctx);
  case TP::DOUBLE: return Float64Type::get(ctx);
  case TP::FLOAT16: return Float16Type::get(ctx);
  case TP::BFLOAT16: return BFloat16Type::get(ctx);
  case TP::BOOL: return IntegerType::get(ctx, 1);
  case TP::INT8: return IntegerType::get(ctx, 8);
  case TP::INT16: return IntegerType::get(ctx, 16);
  case TP::INT32: return IntegerType::get(ctx, 32);
  case TP::INT64: return IntegerType::get(ctx, 64);
  case TP::UINT8: return IntegerType::get(ctx, 8, IntegerType::Unsigned);
  case TP::UINT16: return IntegerType::get(ctx, 16, IntegerType::Unsigned);
  case TP::UINT32: return IntegerType::get(ctx, 32, IntegerType::Unsigned);
  case TP::UINT64: return IntegerType::get(ctx, 64, IntegerType::Unsigned);
  default: return {};
  }
}

std::string getDataTypeName(int32_t onnxType) {
  if (onnx::TensorProto::DataType_IsValid(onnxType))
    return onnx::TensorProto::DataType_Name(onnx::TensorProto::DataType(onnxType));
  return "data type " + std::to_string(onnxType);
}

namespace {

/// Bytes per element in raw_data; i1 (BOOL) is one byte.
size_t byteWidth(Type type) { return std::max(1u, type.getIntOrFloatBitWidth() / 8); }

/// Copies a typed repeated field into a heap blob of `count` elements of T.
template <typename T, typename Field>
AsmResourceBlob copyField(const Field &field, int64_t count) {
  AsmResourceBlob blob = HeapAsmResourceBlob::allocate(count * sizeof(T), alignof(T));
  T *out = reinterpret_cast<T *>(blob.getMutableData().data());
  for (int64_t i = 0; i < count; ++i)
    out[i] = static_cast<T>(field.Get(i));
  return blob;
}

/// The typed-field payload of a tensor as a blob, or nullopt when the field
/// that carries this type is not the one used or has the wrong length.
std::optional<AsmResourceBlob> copyTypedData(const onnx::TensorProto &t, Type type,
                                             int64_t count) {
  using TP = onnx::TensorProto;
  auto sized = [&](int n) { return int64_t(n) == count; };
  switch (t.data_type()) {
  case TP::FLOAT:
    if (sized(t.float_data_size())) return copyField<float>(t.float_data(), count);
    break;
  case TP::DOUBLE:
    if (sized(t.double_data_size())) return copyField<double>(t.double_data(), count);
    break;
  case TP::INT64:
    if (sized(t.int64_data_size())) return copyField<int64_t>(t.int64_data(), count);
    break;
  case TP::UINT32: case TP::UINT64:
    if (sized(t.uint64_data_size())) {
      if (t.data_type() == TP::UINT32) return copyField<uint32_t>(t.uint64_data(), count);
      return copyField<uint64_t>(t.uint64_data(), count);
    }
    break;
  case TP::INT32: return sized(t.int32_data_size()) ? std::optional(copyField<int32_t>(t.int32_data(), count)) : std::nullopt;
  case TP::INT16: return sized(t.int32_data_size()) ? std::optional(copyField<int16_t>(t.int32_data(), count)) : std::nullopt;
  case TP::INT8: return sized(t.int32_data_size()) ? std::optional(copyField<int8_t>(t.int32_data(), count)) : std::nullopt;
  case TP::UINT16: case TP::FLOAT16: case TP::BFLOAT16:
    return sized(t.int32_data_size()) ? std::optional(copyField<uint16_t>(t.int32_data(), count)) : std::nullopt;
  case TP::UINT8: case TP::BOOL:
    return sized(t.int32_data_size()) ? std::optional(copyField<uint8_t>(t.int32_data(), count)) : std::nullopt;
  default:
    break;
  }
  (void)type;
  return std::nullopt;
}

} // namespace

bool exceedsTensorLimit(ArrayRef<int64_t> shape, Type element) {
  if (llvm::is_contained(shape, 0))
    return false;
  uint64_t bytes = element.isIntOrFloat() ? byteWidth(element) : 1;
  for (int64_t dim : shape) {
    if (ShapedType::isDynamic(dim))
      continue;
    if (uint64_t(dim) > kMaxTensorBytes / bytes)
      return true;
    bytes *= uint64_t(dim);
  }
  return false;
}

std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text = "[";
  for (auto [i, dim] : llvm::enumerate(shape)) {
    if (i)
      text += ", ";
    text += ShapedType::isDynamic(dim) ? std::string("?") : std::to_string(dim);
  }
  return text + "]";
}

ElementsAttr importTensor(onnx::TensorProto &tensor, const TensorSource &source,
                          Location loc) {
  MLIRContext *ctx = loc.getContext();
  std::string name = tensor.name();
  Type elementType = getElementType(ctx, tensor.data_type());
  if (!elementType) {
    emitError(loc) << "tensor '" << name << "' has unsupported element type "
                   << getDataTypeName(tensor.data_type());
    return {};
  }
  SmallVector<int64_t> shape;
  uint64_t count = 1;
  for (int64_t d : tensor.dims()) {
    if (d < 0) {
      emitError(loc) << "tensor '" << name << "' has negative dim " << d;
      return {};
    }
    shape.push_back(d);
  }
  if (exceedsTensorLimit(shape, elementType)) {
    emitError(loc) << "tensor '" << name << "' has shape " << formatShape(shape)
                   << ", over the " << (kMaxTensorBytes >> 30)
                   << " GiB Ternion allows for one tensor";
    return {};
  }
  for (int64_t d : shape)
    count *= uint64_t(d);
  size_t width = byteWidth(elementType);
  uint64_t expectedBytes = count * width;
  auto type = RankedTensorType::get(shape, elementType);
  std::optional<AsmResourceBlob> blob;

  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    std::string location;
    int64_t offset = 0, length = -1;
    for (const auto &entry : tensor.external_data()) {
      if (entry.key() == "location")
        location = entry.value();
      else if (entry.key() == "offset" || entry.key() == "length") {
        char *end = nullptr;
        long long v = std::strtoll(entry.value().c_str(), &end, 10);
        if (entry.value().empty() || *end || v < 0) {
          emitError(loc) << "tensor '" << name << "' has invalid external " << entry.key()
                         << " '" << entry.value() << "'";
          return {};
        }
        (entry.key() == "offset" ? offset : length) = v;
      }
    }
    if (location.empty() || llvm::sys::path::is_absolute(location)) {
      emitError(loc) << "tensor '" << name << "' has external data location '" << location
                     << "'; it must be a path relative to the model's folder";
      return {};
    }
    SmallString<256> path(source.modelDir);
    llvm::sys::path::append(path, location);
    SmallString<256> real;
    if (std::error_code ec = llvm::sys::fs::real_path(path, real)) {
      emitError(loc) << "tensor '" << name << "': cannot open external data file '"
                     << path << "': " << ec.message();
      return {};
    }
    StringRef dir(source.modelDir);
    if (!StringRef(real).starts_with(dir) || real.size() <= dir.size() ||
        !llvm::sys::path::is_separator(real[dir.size()])) {
      emitError(loc) << "tensor '" << name << "' has external data '" << location
                     << "' outside the model's folder " << source.modelDir;
      return {};
    }
    uint64_t fileSize = 0;
    if (llvm::sys::fs::file_size(real, fileSize) || uint64_t(offset) > fileSize) {
      emitError(loc) << "tensor '" << name << "': external data offset " << offset
                     << " is past the end of '" << location << "'";
      return {};
    }
    uint64_t bytes = length >= 0 ? uint64_t(length) : fileSize - offset;
    if (bytes != expectedBytes || offset + bytes > fileSize) {
      emitError(loc) << "tensor '" << name << "' needs " << expectedBytes
                     << " bytes but its external data has " << bytes
                     << (offset + bytes > fileSize ? " (past the end of the file)" : "");
      return {};
    }
    std::shared_ptr<tern::MappedWeightsFile> &owner = source.mappedFiles[real];
    if (!owner) {
      std::string error;
      owner = tern::MappedWeightsFile::open(real, error);
      if (!owner) {
        source.mappedFiles.erase(real);
        emitError(loc) << "tensor '" << name << "': cannot map '" << location << "': " << error;
        return {};
      }
    }
    if (owner->bytes().size() < offset + bytes) {
      emitError(loc) << "tensor '" << name << "': '" << location
                     << "' changed size while it was being imported";
      return {};
    }
    ArrayRef<char> data = owner->bytes().slice(offset, bytes);
    if (reinterpret_cast<uintptr_t>(data.data()) % width != 0) {
      blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(data, width);
    } else {
      blob = UnmanagedAsmResourceBlob::allocateWithAlign(
          data, width, [owner](void *, size_t, size_t) mutable { owner.reset(); });
    }
  } else if (tensor.has_raw_data()) {
    if (tensor.raw_data().size() != expectedBytes) {
      emitError(loc) << "tensor '" << name << "' needs " << expectedBytes
                     << " bytes but has " << tensor.raw_data().size() << " of raw data";
      return {};
    }
    // Adopt the string protobuf parsed instead of copying it.
    std::string *raw = tensor.release_raw_data();
    ArrayRef<char> data(raw->data(), raw->size());
    if (reinterpret_cast<uintptr_t>(raw->data()) % width != 0) {
      blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(data, width);
      delete raw;
    } else {
      blob = UnmanagedAsmResourceBlob::allocateWithAlign(
          data, width, [raw](void *, size_t, size_t) { delete raw; });
    }
  } else {
    blob = copyTypedData(tensor, elementType, int64_t(count));
    if (!blob) {
      emitError(loc) << "tensor '" << name << "' of shape with " << count
                     << " elements has no data of that length";
      return {};
    }
  }
  std::string blobName = name.empty() ? std::string("tensor") : name;
  return DenseResourceElementsAttr::get(type, blobName, std::move(*blob));
}

} // namespace ternion::import
