//===- TensorFiles.cpp - ONNX TensorProto and NumPy .npy files ------------===//
#include "TensorFiles.h"
#include "Elements.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <sys/stat.h>

namespace ternion::run {
namespace {

constexpr size_t MaxRank = 64;

/// Checks a shape and computes its element count without overflow.
bool elementCount(const std::vector<int64_t> &shape, size_t elementSize,
                  size_t &count, std::string &error) {
  if (shape.size() > MaxRank) {
    error = "rank " + std::to_string(shape.size()) + " is above " +
            std::to_string(MaxRank);
    return false;
  }
  count = 1;
  bool empty = false;
  for (int64_t dim : shape) {
    if (dim < 0) {
      error = "shape " + formatShape(shape) + " has a negative dim";
      return false;
    }
    empty = empty || dim == 0;
  }
  if (empty) {
    count = 0;
    return true;
  }
  for (int64_t dim : shape) {
    if (static_cast<uint64_t>(dim) >
        std::numeric_limits<size_t>::max() / elementSize / count) {
      error = "shape " + formatShape(shape) + " is too large";
      return false;
    }
    count *= static_cast<size_t>(dim);
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Protobuf wire format
//===----------------------------------------------------------------------===//

class WireReader {
public:
  WireReader(const char *begin, const char *end) : pos(begin), end(end) {}

  bool atEnd() const { return pos >= end; }

  bool varint(uint64_t &value) {
    value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= end)
        return false;
      auto byte = static_cast<uint8_t>(*pos++);
      value |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if (!(byte & 0x80))
        return true;
    }
    return false; // More than 10 bytes.
  }

  bool fixed(void *out, size_t size) {
    if (static_cast<size_t>(end - pos) < size)
      return false;
    std::memcpy(out, pos, size);
    pos += size;
    return true;
  }

  bool bytes(const char *&begin, size_t &size) {
    uint64_t length;
    if (!varint(length) || length > static_cast<uint64_t>(end - pos))
      return false;
    begin = pos;
    size = static_cast<size_t>(length);
    pos += size;
    return true;
  }

  bool skip(unsigned wireType) {
    uint64_t ignored;
    const char *begin;
    size_t size;
    char buffer[8];
    switch (wireType) {
    case 0:
      return varint(ignored);
    case 1:
      return fixed(buffer, 8);
    case 2:
      return bytes(begin, size);
    case 5:
      return fixed(buffer, 4);
    default:
      return false; // Groups (3, 4) are not used by ONNX; 6, 7 are invalid.
    }
  }

private:
  const char *pos;
  const char *end;
};

/// Reads one element of a repeated scalar field, packed or not, appending
/// to `values` as raw 64-bit words (varints) or fixed-size bit patterns.
template <typename T>
bool readRepeated(WireReader &reader, unsigned wireType, unsigned elementWire,
                  std::vector<T> &values) {
  auto readOne = [&](WireReader &from) {
    if (elementWire == 0) {
      uint64_t v;
      if (!from.varint(v))
        return false;
      values.push_back(static_cast<T>(v));
      return true;
    }
    T v;
    if (!from.fixed(&v, sizeof(T)))
      return false;
    values.push_back(v);
    return true;
  };
  if (wireType == elementWire)
    return readOne(reader);
  if (wireType != 2)
    return false;
  const char *begin;
  size_t size;
  if (!reader.bytes(begin, size))
    return false;
  WireReader packed(begin, begin + size);
  while (!packed.atEnd())
    if (!readOne(packed))
      return false;
  return true;
}

tnx_dtype_t dtypeFromOnnx(uint64_t type) {
  switch (type) {
  case 1:
    return TNX_DTYPE_F32;
  case 2:
    return TNX_DTYPE_U8;
  case 3:
    return TNX_DTYPE_I8;
  case 4:
    return TNX_DTYPE_U16;
  case 5:
    return TNX_DTYPE_I16;
  case 6:
    return TNX_DTYPE_I32;
  case 7:
    return TNX_DTYPE_I64;
  case 9:
    return TNX_DTYPE_BOOL;
  case 10:
    return TNX_DTYPE_F16;
  case 11:
    return TNX_DTYPE_F64;
  case 12:
    return TNX_DTYPE_U32;
  case 13:
    return TNX_DTYPE_U64;
  case 16:
    return TNX_DTYPE_BF16;
  default:
    return TNX_DTYPE_INVALID;
  }
}

uint64_t dtypeToOnnx(tnx_dtype_t dtype) {
  for (uint64_t type = 1; type <= 16; ++type)
    if (dtypeFromOnnx(type) == dtype)
      return type;
  return 0;
}

const char *onnxTypeName(uint64_t type) {
  switch (type) {
  case 0:
    return "UNDEFINED";
  case 8:
    return "STRING";
  case 14:
    return "COMPLEX64";
  case 15:
    return "COMPLEX128";
  default:
    return nullptr;
  }
}

/// Copies typed values into `data`, truncating each to the element size
/// (int32_data carries int8/int16/uint8/uint16/bool and f16/bf16 bits).
template <typename T>
void storeTruncated(const std::vector<T> &values, size_t elementSize,
                    std::vector<char> &data) {
  data.resize(values.size() * elementSize);
  for (size_t i = 0; i < values.size(); ++i) {
    T value = values[i];
    // Little-endian host: the low bytes come first.
    std::memcpy(&data[i * elementSize], &value,
                std::min(elementSize, sizeof(T)));
  }
}

//===----------------------------------------------------------------------===//
// NumPy header
//===----------------------------------------------------------------------===//

/// Reads the Python dict literal of a .npy header: string keys mapping to
/// strings, True/False or tuples of integers.
class NpyHeaderParser {
public:
  explicit NpyHeaderParser(const std::string &text) : text(text) {}

  bool parse(std::string &descr, bool &fortran, std::vector<int64_t> &shape,
             std::string &error) {
    bool haveDescr = false, haveFortran = false, haveShape = false;
    skipSpace();
    if (!consume('{'))
      return fail("header is not a dict", error);
    while (true) {
      skipSpace();
      if (consume('}'))
        break;
      std::string key;
      if (!string(key))
        return fail("expected a quoted key in the header", error);
      skipSpace();
      if (!consume(':'))
        return fail("expected ':' in the header", error);
      skipSpace();
      if (key == "descr") {
        if (!string(descr))
          return fail("'descr' is not a string", error);
        haveDescr = true;
      } else if (key == "fortran_order") {
        if (text.compare(pos, 4, "True") == 0) {
          fortran = true;
          pos += 4;
        } else if (text.compare(pos, 5, "False") == 0) {
          fortran = false;
          pos += 5;
        } else {
          return fail("'fortran_order' is not True or False", error);
        }
        haveFortran = true;
      } else if (key == "shape") {
        if (!tuple(shape))
          return fail("'shape' is not a tuple of integers", error);
        haveShape = true;
      } else {
        return fail("unexpected key '" + key + "' in the header", error);
      }
      skipSpace();
      if (consume(','))
        continue;
      skipSpace();
      if (consume('}'))
        break;
      return fail("expected ',' or '}' in the header", error);
    }
    if (!haveDescr || !haveFortran || !haveShape)
      return fail("header lacks 'descr', 'fortran_order' or 'shape'", error);
    return true;
  }

private:
  const std::string &text;
  size_t pos = 0;

  bool fail(const std::string &what, std::string &error) {
    error = what;
    return false;
  }
  void skipSpace() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\n' ||
                                 text[pos] == '\t' || text[pos] == '\r'))
      ++pos;
  }
  bool consume(char c) {
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  bool string(std::string &out) {
    if (pos >= text.size() || (text[pos] != '\'' && text[pos] != '"'))
      return false;
    char quote = text[pos++];
    size_t close = text.find(quote, pos);
    if (close == std::string::npos)
      return false;
    out = text.substr(pos, close - pos);
    pos = close + 1;
    return true;
  }
  bool tuple(std::vector<int64_t> &shape) {
    if (!consume('('))
      return false;
    while (true) {
      skipSpace();
      if (consume(')'))
        return true;
      if (pos >= text.size() || text[pos] < '0' || text[pos] > '9')
        return false;
      int64_t value = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (value > (std::numeric_limits<int64_t>::max() - 9) / 10)
          return false;
        value = value * 10 + (text[pos++] - '0');
      }
      // Python writes 3L for longs in old files.
      consume('L');
      if (shape.size() >= MaxRank)
        return false;
      shape.push_back(value);
      skipSpace();
      if (consume(','))
        continue;
      skipSpace();
      if (consume(')'))
        return true;
      return false;
    }
  }
};

tnx_dtype_t dtypeFromNpy(const std::string &descr, std::string &error) {
  if (descr.size() < 2) {
    error = "unsupported dtype '" + descr + "'";
    return TNX_DTYPE_INVALID;
  }
  char order = descr[0];
  std::string code = descr.substr(1);
  if (order != '<' && order != '|' && order != '=' && order != '>') {
    order = '|';
    code = descr;
  }
  static const struct {
    const char *code;
    tnx_dtype_t dtype;
  } Codes[] = {
      {"f2", TNX_DTYPE_F16}, {"f4", TNX_DTYPE_F32}, {"f8", TNX_DTYPE_F64},
      {"i1", TNX_DTYPE_I8},  {"i2", TNX_DTYPE_I16}, {"i4", TNX_DTYPE_I32},
      {"i8", TNX_DTYPE_I64}, {"u1", TNX_DTYPE_U8},  {"u2", TNX_DTYPE_U16},
      {"u4", TNX_DTYPE_U32}, {"u8", TNX_DTYPE_U64}, {"b1", TNX_DTYPE_BOOL},
      {"?", TNX_DTYPE_BOOL}};
  for (const auto &entry : Codes) {
    if (code != entry.code)
      continue;
    if (order == '>' && tnx_dtype_size(entry.dtype) > 1) {
      error = "big-endian dtype '" + descr + "' is not supported";
      return TNX_DTYPE_INVALID;
    }
    return entry.dtype;
  }
  error = "unsupported dtype '" + descr + "'";
  return TNX_DTYPE_INVALID;
}

const char *npyDescr(tnx_dtype_t dtype) {
  switch (dtype) {
  case TNX_DTYPE_F16:
    return "<f2";
  case TNX_DTYPE_F32:
  case TNX_DTYPE_BF16: // Widened, see encodeNpy.
    return "<f4";
  case TNX_DTYPE_F64:
    return "<f8";
  case TNX_DTYPE_I8:
    return "|i1";
  case TNX_DTYPE_I16:
    return "<i2";
  case TNX_DTYPE_I32:
    return "<i4";
  case TNX_DTYPE_I64:
    return "<i8";
  case TNX_DTYPE_U8:
    return "|u1";
  case TNX_DTYPE_U16:
    return "<u2";
  case TNX_DTYPE_U32:
    return "<u4";
  case TNX_DTYPE_U64:
    return "<u8";
  case TNX_DTYPE_BOOL:
    return "|b1";
  case TNX_DTYPE_INVALID:
    break;
  }
  return "|V1";
}

void appendVarint(std::string &out, uint64_t value) {
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7F) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
}

void appendKey(std::string &out, unsigned field, unsigned wireType) {
  appendVarint(out, (field << 3) | wireType);
}

} // namespace

std::string formatShape(const std::vector<int64_t> &shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

bool parseTensorProto(const std::string &bytes, HostTensor &tensor,
                      std::string &error) {
  tensor = HostTensor();
  WireReader reader(bytes.data(), bytes.data() + bytes.size());
  uint64_t dataType = 0;
  bool haveRaw = false, external = false, strings = false;
  const char *raw = nullptr;
  size_t rawSize = 0;
  std::vector<float> floats;
  std::vector<int32_t> int32s;
  std::vector<int64_t> int64s;
  std::vector<double> doubles;
  std::vector<uint64_t> uint64s;
  while (!reader.atEnd()) {
    uint64_t key;
    if (!reader.varint(key)) {
      error = "truncated or corrupt TensorProto (bad field key)";
      return false;
    }
    uint64_t field = key >> 3;
    auto wire = static_cast<unsigned>(key & 7);
    bool ok = true;
    const char *begin;
    size_t size;
    switch (field) {
    case 1: // dims
      ok = readRepeated(reader, wire, 0, tensor.shape) &&
           tensor.shape.size() <= MaxRank;
      break;
    case 2: // data_type
      ok = wire == 0 && reader.varint(dataType);
      break;
    case 4: // float_data
      ok = readRepeated(reader, wire, 5, floats);
      break;
    case 5: // int32_data
      ok = readRepeated(reader, wire, 0, int32s);
      break;
    case 6: // string_data
      strings = true;
      ok = reader.skip(wire);
      break;
    case 7: // int64_data
      ok = readRepeated(reader, wire, 0, int64s);
      break;
    case 8: // name
      ok = wire == 2 && reader.bytes(begin, size);
      if (ok)
        tensor.name.assign(begin, size);
      break;
    case 9: // raw_data
      ok = wire == 2 && reader.bytes(raw, rawSize);
      haveRaw = ok;
      break;
    case 10: // double_data
      ok = readRepeated(reader, wire, 1, doubles);
      break;
    case 11: // uint64_data
      ok = readRepeated(reader, wire, 0, uint64s);
      break;
    case 13: // external_data
      external = true;
      ok = reader.skip(wire);
      break;
    case 14: { // data_location
      uint64_t location = 0;
      ok = wire == 0 && reader.varint(location);
      external = external || location == 1;
      break;
    }
    default: // segment, doc_string, metadata_props and future fields.
      ok = reader.skip(wire);
      break;
    }
    if (!ok) {
      error = "truncated or corrupt TensorProto (field " +
              std::to_string(field) + ")";
      return false;
    }
  }
  if (external) {
    error = "TensorProto uses external data, which is not supported";
    return false;
  }
  tensor.dtype = dtypeFromOnnx(dataType);
  if (tensor.dtype == TNX_DTYPE_INVALID || strings) {
    const char *name = onnxTypeName(dataType);
    error = "unsupported TensorProto data_type " +
            (name ? std::string(name) : std::to_string(dataType));
    return false;
  }
  size_t elementSize = tnx_dtype_size(tensor.dtype);
  size_t count;
  if (!elementCount(tensor.shape, elementSize, count, error))
    return false;
  size_t typedCount = 0;
  if (haveRaw) {
    if (rawSize != count * elementSize) {
      error = "raw_data has " + std::to_string(rawSize) + " bytes but " +
              std::string(tnx_dtype_name(tensor.dtype)) + " shape " +
              formatShape(tensor.shape) + " needs " +
              std::to_string(count * elementSize);
      return false;
    }
    tensor.data.assign(raw, raw + rawSize);
    return true;
  }
  switch (tensor.dtype) {
  case TNX_DTYPE_F32:
    typedCount = floats.size();
    storeTruncated(floats, elementSize, tensor.data);
    break;
  case TNX_DTYPE_F64:
    typedCount = doubles.size();
    storeTruncated(doubles, elementSize, tensor.data);
    break;
  case TNX_DTYPE_I64:
    typedCount = int64s.size();
    storeTruncated(int64s, elementSize, tensor.data);
    break;
  case TNX_DTYPE_U32:
  case TNX_DTYPE_U64:
    typedCount = uint64s.size();
    storeTruncated(uint64s, elementSize, tensor.data);
    break;
  default:
    typedCount = int32s.size();
    storeTruncated(int32s, elementSize, tensor.data);
    break;
  }
  if (typedCount != count) {
    error = "TensorProto has " + std::to_string(typedCount) +
            " values but shape " + formatShape(tensor.shape) + " needs " +
            std::to_string(count);
    return false;
  }
  return true;
}

std::string encodeTensorProto(const HostTensor &tensor) {
  std::string out;
  for (int64_t dim : tensor.shape) {
    appendKey(out, 1, 0);
    appendVarint(out, static_cast<uint64_t>(dim));
  }
  appendKey(out, 2, 0);
  appendVarint(out, dtypeToOnnx(tensor.dtype));
  if (!tensor.name.empty()) {
    appendKey(out, 8, 2);
    appendVarint(out, tensor.name.size());
    out += tensor.name;
  }
  appendKey(out, 9, 2);
  appendVarint(out, tensor.data.size());
  out.append(tensor.data.data(), tensor.data.size());
  return out;
}

bool parseNpy(const std::string &bytes, HostTensor &tensor,
              std::string &error) {
  tensor = HostTensor();
  static const char Magic[] = "\x93NUMPY";
  if (bytes.size() < 10 || bytes.compare(0, 6, Magic, 6) != 0) {
    error = "not a .npy file (bad magic)";
    return false;
  }
  auto major = static_cast<uint8_t>(bytes[6]);
  size_t headerLength, headerStart;
  if (major == 1) {
    headerLength = static_cast<uint8_t>(bytes[8]) |
                   static_cast<size_t>(static_cast<uint8_t>(bytes[9])) << 8;
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) {
      error = "truncated .npy header";
      return false;
    }
    headerLength = 0;
    for (int i = 3; i >= 0; --i)
      headerLength = headerLength << 8 | static_cast<uint8_t>(bytes[8 + i]);
    headerStart = 12;
  } else {
    error =
        ".npy format version " + std::to_string(major) + " is not supported";
    return false;
  }
  if (headerLength > bytes.size() - headerStart) {
    error = "truncated .npy header";
    return false;
  }
  std::string header = bytes.substr(headerStart, headerLength);
  std::string descr;
  bool fortran = false;
  if (!NpyHeaderParser(header).parse(descr, fortran, tensor.shape, error)) {
    error = "bad .npy header: " + error;
    return false;
  }
  if (fortran) {
    error = "Fortran-order .npy files are not supported";
    return false;
  }
  tensor.dtype = dtypeFromNpy(descr, error);
  if (tensor.dtype == TNX_DTYPE_INVALID)
    return false;
  size_t elementSize = tnx_dtype_size(tensor.dtype);
  size_t count;
  if (!elementCount(tensor.shape, elementSize, count, error))
    return false;
  size_t dataStart = headerStart + headerLength;
  size_t available = bytes.size() - dataStart;
  if (available != count * elementSize) {
    error = ".npy data has " + std::to_string(available) + " bytes but " +
            std::string(tnx_dtype_name(tensor.dtype)) + " shape " +
            formatShape(tensor.shape) + " needs " +
            std::to_string(count * elementSize);
    return false;
  }
  tensor.data.assign(bytes.begin() + dataStart, bytes.end());
  return true;
}

std::string encodeNpy(tnx_dtype_t dtype, const std::vector<int64_t> &shape,
                      const void *data, size_t byteSize) {
  std::string payload(static_cast<const char *>(data), byteSize);
  if (dtype == TNX_DTYPE_BF16) {
    std::string wide;
    for (size_t i = 0; i < byteSize / 2; ++i) {
      float value = static_cast<float>(elementAsDouble(dtype, data, i));
      wide.append(reinterpret_cast<const char *>(&value), sizeof(value));
    }
    payload = std::move(wide);
  }
  std::string header = std::string("{'descr': '") + npyDescr(dtype) +
                       "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < shape.size(); ++i)
    header += std::to_string(shape[i]) + (shape.size() == 1 ? "," : "") +
              (i + 1 < shape.size() ? ", " : "");
  header += "), }";
  // Pad with spaces and a newline so the data starts 64-byte aligned.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(header.size() & 0xFF);
  out += static_cast<char>(header.size() >> 8);
  return out + header + payload;
}

bool readInputFile(const std::string &path, uint64_t maxBytes,
                   std::string &bytes, std::string &error) {
  // Only regular files of a bounded size: a device or FIFO (/dev/zero)
  // would be read until memory ran out.
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    error = path + ": cannot open: " + std::strerror(errno);
    return false;
  }
  if (!S_ISREG(info.st_mode)) {
    error = path + ": is not a regular file";
    return false;
  }
  if (static_cast<uint64_t>(info.st_size) > maxBytes) {
    error = path + ": is larger than " + std::to_string(maxBytes) + " bytes";
    return false;
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    error = path + ": cannot open: " + std::strerror(errno);
    return false;
  }
  std::ostringstream contents;
  contents << file.rdbuf();
  if (file.bad()) {
    error = path + ": cannot read";
    return false;
  }
  bytes = contents.str();
  return true;
}

bool readTensorFile(const std::string &path, HostTensor &tensor,
                    std::string &error) {
  std::string bytes;
  if (!readInputFile(path, MaxTensorFileBytes, bytes, error))
    return false;
  // By content, and a file named .npy is read as one (so that a bad magic
  // is reported as that, not as a corrupt TensorProto).
  bool npy = bytes.compare(0, 6, "\x93NUMPY", 6) == 0 ||
             (path.size() >= 4 && path.compare(path.size() - 4, 4, ".npy") == 0);
  bool ok = npy ? parseNpy(bytes, tensor, error)
                : parseTensorProto(bytes, tensor, error);
  if (!ok)
    error = path + ": " + error;
  return ok;
}

bool writeFile(const std::string &path, const std::string &bytes,
               std::string &error) {
  std::ofstream file(path, std::ios::binary);
  if (file)
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!file) {
    error = path + ": cannot write: " + std::strerror(errno);
    return false;
  }
  return true;
}

} // namespace ternion::run
