//===- TensorFilesTest.cpp - .pb/.npy readers and the comparison ----------===//
//
// The byte strings below were produced by onnx.helper.make_tensor,
// onnx.numpy_helper.from_array and numpy.save, so the readers are checked
// against the real writers, not just against our own encoder.
//
//===----------------------------------------------------------------------===//
#include "TensorFiles.h"
#include "Compare.h"

#include <gtest/gtest.h>

#include <cstring>
#include <dirent.h>
#include <random>

using namespace ternion::run;

namespace {

std::string fromHex(const char *hex) {
  std::string bytes;
  for (size_t i = 0; hex[i] && hex[i + 1]; i += 2)
    bytes += static_cast<char>(std::stoi(std::string(hex + i, 2), nullptr, 16));
  return bytes;
}

template <typename T> std::vector<T> valuesOf(const HostTensor &tensor) {
  std::vector<T> values(tensor.data.size() / sizeof(T));
  std::memcpy(values.data(), tensor.data.data(), tensor.data.size());
  return values;
}

HostTensor parsePb(const char *hex) {
  HostTensor tensor;
  std::string error;
  EXPECT_TRUE(parseTensorProto(fromHex(hex), tensor, error)) << error;
  return tensor;
}

TEST(TensorProtoTest, TypedFields) {
  HostTensor x = parsePb("08020802100122100000c03f0000004000004040000080c0"
                         "420178");
  EXPECT_EQ(x.name, "x");
  EXPECT_EQ(x.dtype, TNX_DTYPE_F32);
  EXPECT_EQ(x.shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(valuesOf<float>(x), (std::vector<float>{1.5, 2, 3, -4}));

  HostTensor ids = parsePb("080310073a0d01feffffffffffffffff01ac024203696473");
  EXPECT_EQ(ids.dtype, TNX_DTYPE_I64);
  EXPECT_EQ(valuesOf<int64_t>(ids), (std::vector<int64_t>{1, -2, 300}));

  HostTensor b = parsePb("080210092a020100420162");
  EXPECT_EQ(b.dtype, TNX_DTYPE_BOOL);
  EXPECT_EQ(valuesOf<uint8_t>(b), (std::vector<uint8_t>{1, 0}));

  HostTensor h = parsePb("0802100a2a058078808003420168");
  EXPECT_EQ(h.dtype, TNX_DTYPE_F16);
  EXPECT_EQ(valuesOf<uint16_t>(h), (std::vector<uint16_t>{0x3c00, 0xc000}));

  HostTensor d = parsePb("0801100b4201645208000000000000d03f");
  EXPECT_EQ(valuesOf<double>(d), (std::vector<double>{0.25}));

  HostTensor i8 = parsePb("080210032a0bfdffffffffffffffff010442026938");
  EXPECT_EQ(valuesOf<int8_t>(i8), (std::vector<int8_t>{-3, 4}));

  HostTensor u = parsePb("0802100d4201755a0b0580808080808080808001");
  EXPECT_EQ(valuesOf<uint64_t>(u),
            (std::vector<uint64_t>{5, uint64_t(1) << 63}));
}

TEST(TensorProtoTest, RawDataAndRoundTrip) {
  HostTensor raw = parsePb("08020803100142037261774a18000000000000803f00000040"
                           "00004040000080400000a040");
  EXPECT_EQ(raw.name, "raw");
  EXPECT_EQ(raw.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(valuesOf<float>(raw), (std::vector<float>{0, 1, 2, 3, 4, 5}));

  std::string encoded = encodeTensorProto(raw);
  HostTensor again;
  std::string error;
  ASSERT_TRUE(parseTensorProto(encoded, again, error)) << error;
  EXPECT_EQ(again.name, raw.name);
  EXPECT_EQ(again.dtype, raw.dtype);
  EXPECT_EQ(again.shape, raw.shape);
  EXPECT_EQ(again.data, raw.data);
}

TEST(TensorProtoTest, RejectsHostileBytes) {
  std::string good = fromHex("08020803100142037261774a18000000000000803f0000"
                             "004000004040000080400000a040");
  HostTensor tensor;
  std::string error;
  // Every truncation fails cleanly (dims alone would leave data missing).
  for (size_t length = 1; length < good.size(); ++length) {
    EXPECT_FALSE(parseTensorProto(good.substr(0, length), tensor, error))
        << length;
    EXPECT_FALSE(error.empty());
  }
  // A raw_data length far beyond the file.
  EXPECT_FALSE(parseTensorProto(fromHex("4affffffff0f00"), tensor, error));
  EXPECT_EQ(error, "truncated or corrupt TensorProto (field 9)");
  // An over-long varint.
  EXPECT_FALSE(
      parseTensorProto(fromHex("08ffffffffffffffffffff01"), tensor, error));
  // Dims whose product overflows.
  EXPECT_FALSE(parseTensorProto(
      fromHex("08ffffffffffffffff3f08ffffffffffffffff3f1001"), tensor, error));
  EXPECT_EQ(error.find("is too large") != std::string::npos, true) << error;
  // Negative dim.
  EXPECT_FALSE(
      parseTensorProto(fromHex("08ffffffffffffffffff011001"), tensor, error));
  EXPECT_NE(error.find("negative"), std::string::npos) << error;
  // Claimed size without the data: must not allocate it.
  EXPECT_FALSE(parseTensorProto(fromHex("0880808080101001"), tensor, error));
  EXPECT_EQ(error, "TensorProto has 0 values but shape [4294967296] needs "
                   "4294967296");
  // Strings and groups.
  EXPECT_FALSE(parseTensorProto(fromHex("1008320161"), tensor, error));
  EXPECT_EQ(error, "unsupported TensorProto data_type STRING");
  EXPECT_FALSE(parseTensorProto(fromHex("1b"), tensor, error));
  // External data.
  EXPECT_FALSE(parseTensorProto(fromHex("10017001"), tensor, error));
  EXPECT_EQ(error, "TensorProto uses external data, which is not supported");

  // Random bytes never crash.
  std::mt19937 random(1234);
  for (int trial = 0; trial < 2000; ++trial) {
    std::string bytes(random() % 64, '\0');
    for (char &c : bytes)
      c = static_cast<char>(random());
    (void)parseTensorProto(bytes, tensor, error);
  }
}

TEST(NpyTest, ReadsNumpyFiles) {
  HostTensor tensor;
  std::string error;
  ASSERT_TRUE(parseNpy(
      fromHex("934e554d5059010076007b276465736372273a20273c6934272c2027666f7274"
              "72616e5f6f72646572273a2046616c73652c20277368617065273a2028322c20"
              "32292c207d202020202020202020202020202020202020202020202020202020"
              "202020202020202020202020202020202020202020202020202020202020200a"
              "01000000020000000300000004000000"),
      tensor, error))
      << error;
  EXPECT_EQ(tensor.dtype, TNX_DTYPE_I32);
  EXPECT_EQ(tensor.shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(valuesOf<int32_t>(tensor), (std::vector<int32_t>{1, 2, 3, 4}));

  ASSERT_TRUE(parseNpy(
      fromHex("934e554d5059010076007b276465736372273a20273c6638272c2027666f7274"
              "72616e5f6f72646572273a2046616c73652c20277368617065273a2028292c20"
              "7d20202020202020202020202020202020202020202020202020202020202020"
              "202020202020202020202020202020202020202020202020202020202020200a"
              "0000000000000c40"),
      tensor, error))
      << error;
  EXPECT_EQ(tensor.dtype, TNX_DTYPE_F64);
  EXPECT_TRUE(tensor.shape.empty());
  EXPECT_EQ(valuesOf<double>(tensor), (std::vector<double>{3.5}));

  ASSERT_TRUE(parseNpy(
      fromHex("934e554d5059010076007b276465736372273a20277c6231272c2027666f7274"
              "72616e5f6f72646572273a2046616c73652c20277368617065273a2028322c29"
              "2c207d2020202020202020202020202020202020202020202020202020202020"
              "202020202020202020202020202020202020202020202020202020202020200a"
              "0100"),
      tensor, error))
      << error;
  EXPECT_EQ(tensor.dtype, TNX_DTYPE_BOOL);
  EXPECT_EQ(tensor.shape, (std::vector<int64_t>{2}));
}

TEST(NpyTest, RoundTripsEveryDtype) {
  for (tnx_dtype_t dtype :
       {TNX_DTYPE_F32, TNX_DTYPE_F64, TNX_DTYPE_F16, TNX_DTYPE_I8,
        TNX_DTYPE_I16, TNX_DTYPE_I32, TNX_DTYPE_I64, TNX_DTYPE_U8,
        TNX_DTYPE_U16, TNX_DTYPE_U32, TNX_DTYPE_U64, TNX_DTYPE_BOOL}) {
    for (std::vector<int64_t> shape :
         {std::vector<int64_t>{}, {3}, {2, 3}, {0, 4}}) {
      size_t count = 1;
      for (int64_t dim : shape)
        count *= static_cast<size_t>(dim);
      std::vector<char> data(count * tnx_dtype_size(dtype));
      for (size_t i = 0; i < data.size(); ++i)
        data[i] = static_cast<char>(dtype == TNX_DTYPE_BOOL ? i % 2 : i * 7);
      std::string bytes = encodeNpy(dtype, shape, data.data(), data.size());
      // The data starts 64-byte aligned, as numpy writes it.
      EXPECT_EQ((bytes.size() - data.size()) % 64, 0u);
      HostTensor tensor;
      std::string error;
      ASSERT_TRUE(parseNpy(bytes, tensor, error))
          << tnx_dtype_name(dtype) << ": " << error;
      EXPECT_EQ(tensor.dtype, dtype);
      EXPECT_EQ(tensor.shape, shape);
      EXPECT_EQ(tensor.data, data);
    }
  }
}

TEST(NpyTest, WidensBf16ToF32) {
  uint16_t bits[] = {0x3f80, 0xc040}; // 1.0, -3.0
  std::string bytes = encodeNpy(TNX_DTYPE_BF16, {2}, bits, sizeof(bits));
  HostTensor tensor;
  std::string error;
  ASSERT_TRUE(parseNpy(bytes, tensor, error)) << error;
  EXPECT_EQ(tensor.dtype, TNX_DTYPE_F32);
  EXPECT_EQ(valuesOf<float>(tensor), (std::vector<float>{1, -3}));
}

TEST(NpyTest, RejectsHostileBytes) {
  float values[] = {1, 2, 3};
  std::string good = encodeNpy(TNX_DTYPE_F32, {3}, values, sizeof(values));
  HostTensor tensor;
  std::string error;
  for (size_t length = 0; length < good.size(); ++length) {
    EXPECT_FALSE(parseNpy(good.substr(0, length), tensor, error)) << length;
    EXPECT_FALSE(error.empty());
  }
  EXPECT_FALSE(parseNpy(good + "x", tensor, error));
  EXPECT_EQ(error, ".npy data has 13 bytes but f32 shape [3] needs 12");

  auto withHeader = [](const std::string &header) {
    std::string bytes("\x93NUMPY\x01\x00", 8);
    bytes += static_cast<char>(header.size());
    bytes += '\0';
    return bytes + header;
  };
  EXPECT_FALSE(parseNpy(withHeader("{'descr': '>f4', 'fortran_order': "
                                   "False, 'shape': (1,), }"),
                        tensor, error));
  EXPECT_EQ(error, "big-endian dtype '>f4' is not supported");
  EXPECT_FALSE(parseNpy(withHeader("{'descr': '<f4', 'fortran_order': "
                                   "True, 'shape': (1,), }"),
                        tensor, error));
  EXPECT_EQ(error, "Fortran-order .npy files are not supported");
  EXPECT_FALSE(parseNpy(withHeader("{'descr': '<c8', 'fortran_order': "
                                   "False, 'shape': (1,), }"),
                        tensor, error));
  EXPECT_EQ(error, "unsupported dtype '<c8'");
  EXPECT_FALSE(parseNpy(withHeader("{'descr': '<f4', 'fortran_order': "
                                   "False, 'shape': (99999999999999999999,), "
                                   "}"),
                        tensor, error));
  EXPECT_FALSE(parseNpy(withHeader("{'descr': '<f4', 'fortran_order': "
                                   "False, 'shape': (4294967296, "
                                   "4294967296, 4294967296), }"),
                        tensor, error));
  EXPECT_NE(error.find("too large"), std::string::npos) << error;
  EXPECT_FALSE(parseNpy(withHeader("{'descr': '<f4'"), tensor, error));
  EXPECT_FALSE(parseNpy(withHeader("{'descr': '<f4', 'fortran_order': "
                                   "False, 'shape': (-1,), }"),
                        tensor, error));

  std::string v9 = good;
  v9[6] = 9;
  EXPECT_FALSE(parseNpy(v9, tensor, error));
  EXPECT_EQ(error, ".npy format version 9 is not supported");

  std::mt19937 random(99);
  for (int trial = 0; trial < 2000; ++trial) {
    std::string bytes = good;
    for (int flips = 0; flips < 3; ++flips)
      bytes[random() % bytes.size()] = static_cast<char>(random());
    (void)parseNpy(bytes, tensor, error);
  }
}

TEST(TensorFileTest, MissingFile) {
  HostTensor tensor;
  std::string error;
  EXPECT_FALSE(readTensorFile("/nonexistent/x.pb", tensor, error));
  EXPECT_EQ(error, "/nonexistent/x.pb: cannot open: No such file or "
                   "directory");
}

/// Reads every input and output of ONNX's own node tests where the Debian
/// package libonnx-testdata is installed.
TEST(TensorFileTest, ReadsOnnxTestData) {
  const std::string root = "/usr/share/libonnx-testdata/data/node";
  DIR *dir = opendir(root.c_str());
  if (!dir)
    GTEST_SKIP() << "libonnx-testdata is not installed";
  size_t read = 0, unsupported = 0;
  while (dirent *entry = readdir(dir)) {
    std::string name = entry->d_name;
    // Sequence and optional tests store SequenceProto/OptionalProto files.
    if (name.find("seq") != std::string::npos ||
        name.find("opt") != std::string::npos)
      continue;
    std::string base = root + "/" + name + "/test_data_set_0/";
    for (const char *file : {"input_0.pb", "input_1.pb", "output_0.pb"}) {
      HostTensor tensor;
      std::string error;
      if (access((base + file).c_str(), R_OK) != 0)
        continue;
      if (readTensorFile(base + file, tensor, error))
        ++read;
      else if (error.find("unsupported") != std::string::npos)
        ++unsupported; // Strings, complex, sequences, optional...
      else
        ADD_FAILURE() << error;
    }
  }
  closedir(dir);
  EXPECT_GT(read, 1000u);
  EXPECT_LT(unsupported, read);
}

TEST(CompareTest, AllCloseSemantics) {
  HostTensor expected;
  expected.dtype = TNX_DTYPE_F32;
  expected.shape = {2, 2};
  float e[] = {1, 0, NAN, INFINITY};
  expected.data.assign(reinterpret_cast<char *>(e),
                       reinterpret_cast<char *>(e) + sizeof(e));
  float close[] = {1.0005f, 5e-8f, NAN, INFINITY};
  Comparison result =
      compareTensors(TNX_DTYPE_F32, {2, 2}, close, expected, Tolerance());
  EXPECT_TRUE(result.pass) << result.reason;
  EXPECT_NEAR(result.maxAbs, 5e-4, 1e-6);
  EXPECT_NEAR(result.maxRel, 5e-4, 1e-6);

  float far[] = {1.01f, 0, 1, -INFINITY};
  result = compareTensors(TNX_DTYPE_F32, {2, 2}, far, expected, Tolerance());
  EXPECT_FALSE(result.pass);
  EXPECT_EQ(result.mismatches, 3u);
  EXPECT_EQ(result.reason, "first mismatch at [0, 0]: 1.00999999 vs "
                           "expected 1 (3 of 4 elements differ)");

  result = compareTensors(TNX_DTYPE_F32, {4}, close, expected, Tolerance());
  EXPECT_EQ(result.reason, "shape is [4] but expected [2, 2]");
  result = compareTensors(TNX_DTYPE_I32, {2, 2}, close, expected, Tolerance());
  EXPECT_EQ(result.reason, "dtype is i32 but expected f32");
}

TEST(CompareTest, IntegersCompareExactly) {
  HostTensor expected;
  expected.dtype = TNX_DTYPE_I64;
  expected.shape = {2};
  int64_t e[] = {(int64_t(1) << 60) + 1, 7};
  expected.data.assign(reinterpret_cast<char *>(e),
                       reinterpret_cast<char *>(e) + sizeof(e));
  int64_t same[] = {(int64_t(1) << 60) + 1, 7};
  EXPECT_TRUE(
      compareTensors(TNX_DTYPE_I64, {2}, same, expected, Tolerance()).pass);
  // Differs by one in the last bit, which a double cannot see.
  int64_t off[] = {(int64_t(1) << 60), 7};
  Tolerance loose;
  loose.rtol = 0.5;
  EXPECT_FALSE(compareTensors(TNX_DTYPE_I64, {2}, off, expected, loose).pass);
}

} // namespace
