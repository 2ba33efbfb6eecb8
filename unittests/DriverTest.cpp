//===- DriverTest.cpp - compile() as a library call -----------------------===//
//
// Tools other than ternion-compile (the sparse-attention search, tests)
// compile models through ternion::compile(); it must work without the
// command line, stop at the stage asked for, and leave nothing behind when
// it fails.
//
//===----------------------------------------------------------------------===//
#include "ternion/Driver/Compile.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

namespace {

std::string sourcePath(const char *relative) {
  const char *root = std::getenv("TERNION_SOURCE_DIR");
  llvm::SmallString<256> path(root ? root : TERNION_SOURCE_DIR_DEFAULT);
  llvm::sys::path::append(path, relative);
  return std::string(path);
}

class DriverTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("ternion-driver-test", dir));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }
  std::string output(const char *name) {
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, name);
    return std::string(path);
  }
  llvm::SmallString<256> dir;
};

TEST_F(DriverTest, StopsAfterTheTernStage) {
  ternion::CompileOptions options;
  options.inputPath = sourcePath("test/Compile/Inputs/linear_and_aliases.mlir");
  options.outputPath = output("out.mlir");
  options.emit = ternion::EmitStage::Tern;
  options.target.cpu = "x86-64-v3";
  ASSERT_TRUE(ternion::compile(options));
  auto text = llvm::MemoryBuffer::getFile(options.outputPath);
  ASSERT_TRUE(bool(text));
  // The CPU target's decision is in the IR: panels of 16 for AVX2.
  EXPECT_NE((*text)->getBuffer().find("tern.linear"), llvm::StringRef::npos);
}

TEST_F(DriverTest, FailedCompileLeavesNoArtifact) {
  ternion::CompileOptions options;
  options.inputPath = sourcePath("test/Compile/Inputs/unranked.mlir");
  options.outputPath = output("bad.tnx");
  EXPECT_FALSE(ternion::compile(options));
  EXPECT_FALSE(llvm::sys::fs::exists(options.outputPath));
  // Nor a staging directory.
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec; it.increment(ec))
    ADD_FAILURE() << "left behind: " << it->path();
}

TEST_F(DriverTest, UnknownTargetIsRefused) {
  ternion::CompileOptions options;
  options.inputPath = sourcePath("test/Compile/Inputs/linear_and_aliases.mlir");
  options.outputPath = output("out.tnx");
  options.target.name = "tpu";
  EXPECT_FALSE(ternion::compile(options));
  EXPECT_FALSE(llvm::sys::fs::exists(options.outputPath));
}

} // namespace
