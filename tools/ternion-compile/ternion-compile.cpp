//===- ternion-compile.cpp - ONNX model -> ahead-of-time artifact ---------===//
//
//   ternion-compile model.onnx -o model.tnx [-O3] [--mcpu=host]
//                  [--emit=tern|mlir|llvm|obj|artifact]
//
// Stages, each of which --emit can stop after (as Toy's -emit=):
//   import (ONNX -> tern)  -> tern-optimize          [--emit=tern]
//   -> tern-lower-to-buffers -> tern-externalize-weights
//   -> tern-buffers-to-llvm                            [--emit=mlir]
//   -> LLVM IR + entry points -> LLVM -O<n>           [--emit=llvm]
//   -> TargetMachine object                           [--emit=obj]
//   -> link model.so + weights.bin + manifest.json    [--emit=artifact]
//
// Every output is written under a temporary name and renamed into place
// only when the whole compile succeeded, so a failed compile leaves nothing.
//
//===----------------------------------------------------------------------===//
#include "dialects/tern/TernDialect.h"
#include "passes/Passes.h"
#include "ternion/Artifact/BufferAllocator.h"
#include "ternion/Artifact/EntryPoints.h"
#include "ternion/Artifact/Manifest.h"
#include "ternion/Artifact/Passes.h"
#include "ternion/Artifact/Tokenizer.h"
#include "ternion/CodeGen/MachineCode.h"
#include "ternion/Conversion/KernelPasses.h"
#include "ternion/Conversion/Passes.h"
#include "ternion/Import/OnnxImporter.h"
#include "ternion/Pipelines/LowerToLLVM.h"
#include "ternion/Version.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/Timer.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

using namespace mlir;
namespace cl = llvm::cl;

namespace {

enum class Emit { Tern, Mlir, Llvm, Obj, Artifact };

cl::OptionCategory category("ternion-compile options");
cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.onnx | tern .mlir>"),
                               cl::cat(category));
cl::opt<bool> listOnnxOps("list-onnx-ops",
                          cl::desc("Print the ONNX op types the importer supports and exit"),
                          cl::cat(category));
cl::opt<std::string> outputPath("o", cl::desc("Output path (default: <input stem>.tnx, "
                                              ".mlir, .ll or .o per --emit)"),
                                cl::value_desc("path"), cl::cat(category));
cl::opt<Emit> emit("emit", cl::desc("Stop after this stage"), cl::init(Emit::Artifact),
                   cl::values(clEnumValN(Emit::Tern, "tern", "optimized tern IR"),
                              clEnumValN(Emit::Mlir, "mlir", "LLVM-dialect MLIR"),
                              clEnumValN(Emit::Llvm, "llvm", "optimized LLVM IR"),
                              clEnumValN(Emit::Obj, "obj", "an ELF object"),
                              clEnumValN(Emit::Artifact, "artifact",
                                         "an artifact directory (default)")),
                   cl::cat(category));
cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimization level 0..3 (default 3)"),
                           cl::Prefix, cl::init(3), cl::cat(category));
cl::opt<std::string> mcpu("mcpu",
                          cl::desc("Target CPU: 'host' (default) or an LLVM CPU name such "
                                   "as x86-64-v3 for a portable artifact"),
                          cl::init("host"), cl::cat(category));
cl::opt<std::string> mtriple("mtriple", cl::desc("Target triple (default: the host's)"),
                             cl::cat(category));
cl::opt<bool> noOptimize("no-tern-optimize",
                         cl::desc("Skip the tern-optimize pipeline (fusions, folds)"),
                         cl::cat(category));
cl::opt<std::string> kernelOptions(
    "kernel-options",
    cl::desc("Options of tern-contraction-kernels, e.g. 'tile-m=32 dot-cols=8' "
             "(tile sizes, threads through OpenMP: see docs/performance.md)"),
    cl::cat(category));
enum class LinearWeights { Panels, Rows };
cl::opt<LinearWeights> linearWeights(
    "linear-weights", cl::desc("Layout of f32 tern.linear weights (default panels)"),
    cl::values(clEnumValN(LinearWeights::Panels, "panels",
                          "[N / P, K, P] column panels for the outer-product GEMM, P = 64 "
                          "with AVX-512 and 16 with AVX2 (tern-pack-linear-weights)"),
               clEnumValN(LinearWeights::Rows, "rows",
                          "keep [N, K] rows, for the dot-product kernel")),
    cl::init(LinearWeights::Panels), cl::cat(category));
cl::OptionCategory llmCategory("language models (Optimum KV-cache graphs)");
cl::opt<std::string> tokenizerPath(
    "tokenizer",
    cl::desc("Tokenizer to ship in the artifact: a SentencePiece model, or a tokenizer.json "
             "of type \"bytes\" (byte-level)"),
    cl::value_desc("tokenizer.model|tokenizer.json"), cl::cat(llmCategory));
// Given on the command line, these override the tokenizer's own (read from a
// tokenizer.json; a SentencePiece model is not read, so 1, 2 and false).
cl::opt<int64_t> bosId("bos-id",
                       cl::desc("Tokenizer's beginning-of-sequence id (default: the "
                                "tokenizer.json's, else 1)"),
                       cl::init(1), cl::cat(llmCategory));
cl::opt<int64_t> eosId("eos-id",
                       cl::desc("Tokenizer's end-of-sequence id (default: the "
                                "tokenizer.json's, else 2)"),
                       cl::init(2), cl::cat(llmCategory));
cl::opt<bool> addBos("add-bos", cl::desc("Prepend BOS to prompts"), cl::cat(llmCategory));
cl::opt<int64_t> maxContext("max-context",
                            cl::desc("Default maximum context (prompt + generated tokens) "
                                     "the runtime preallocates for (default 2048)"),
                            cl::init(2048), cl::cat(llmCategory));
enum class KvCache { InPlace, Concat };
cl::opt<KvCache> kvCache(
    "kv-cache", cl::desc("How the KV cache of an Optimum graph is kept (default in-place)"),
    cl::values(clEnumValN(KvCache::InPlace, "in-place",
                          "past_key_values.N become caller-owned buffers of max-context "
                          "rows, updated in place; present.N are dropped "
                          "(tern-kv-cache-in-place)"),
               clEnumValN(KvCache::Concat, "concat",
                          "keep the graph's past -> present Concat outputs")),
    cl::init(KvCache::InPlace), cl::cat(llmCategory));
cl::opt<bool> progress("progress",
                       cl::desc("Print each stage and its time to stderr (default: "
                                "when stderr is a terminal)"),
                       cl::cat(category));

/// Stage lines on stderr: what is running and how long the last one took.
class Progress {
public:
  explicit Progress(bool enabled) : enabled(enabled) {}
  void stage(llvm::StringRef what) {
    finish();
    if (!enabled)
      return;
    current = what.str();
    start = std::chrono::steady_clock::now();
    llvm::errs() << "ternion-compile: " << what << "...";
    llvm::errs().flush();
  }
  void finish() {
    if (!enabled || current.empty())
      return;
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    llvm::errs() << " " << llvm::format("%.2f", seconds) << " s\n";
    current.clear();
  }

private:
  bool enabled;
  std::string current;
  std::chrono::steady_clock::time_point start;
};

int fail(llvm::Twine message) {
  llvm::errs() << "ternion-compile: error: " << message << "\n";
  return 1;
}

std::string defaultOutput() {
  llvm::SmallString<128> path(llvm::sys::path::filename(inputPath));
  const char *extension = emit == Emit::Tern || emit == Emit::Mlir ? "mlir"
                          : emit == Emit::Llvm                    ? "ll"
                          : emit == Emit::Obj                     ? "o"
                                                                  : "tnx";
  llvm::sys::path::replace_extension(path, extension);
  return std::string(path);
}

/// Writes `contents` to `path` through a temporary file and a rename.
/// "-" is stdout.
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

/// The output of a stage --emit stops after: `print` writes it, and it goes
/// to `path` atomically. Returns the exit status.
int writeStage(Progress &steps, llvm::StringRef path,
               llvm::function_ref<void(llvm::raw_ostream &)> print) {
  steps.finish();
  std::string text;
  llvm::raw_string_ostream os(text);
  print(os);
  if (llvm::Error e = writeFileAtomically(path, text))
    return fail(llvm::toString(std::move(e)));
  return 0;
}

/// An artifact directory under construction; removed unless committed.
class StagingDirectory {
public:
  llvm::Error create(llvm::StringRef finalPath) {
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
  std::string file(llvm::StringRef name) const {
    llvm::SmallString<256> p(path);
    llvm::sys::path::append(p, name);
    return std::string(p);
  }
  /// Replaces an existing artifact at the target path; refuses to replace
  /// anything that is not one.
  llvm::Error commit() {
    if (llvm::sys::fs::exists(target)) {
      llvm::SmallString<256> manifest(target);
      llvm::sys::path::append(manifest, "manifest.json");
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
  ~StagingDirectory() {
    if (!path.empty())
      llvm::sys::fs::remove_directories(path);
  }

private:
  std::string target, path;
};

/// Diagnostics on imported ONNX ops are located at NameLoc(node name,
/// file:node-index:0); say so in words ("model.onnx: node 'x' (#3): error:
/// ..."). Locations in .mlir input go to the SourceMgr handler.
LogicalResult printOnnxDiagnostic(Diagnostic &diag) {
  NameLoc name;
  FileLineColLoc file;
  diag.getLocation()->walk([&](Location loc) {
    if (!name)
      name = dyn_cast<NameLoc>(loc);
    if (!file)
      file = dyn_cast<FileLineColLoc>(loc);
    return WalkResult::advance();
  });
  // .onnx and .onnxtxt models; .mlir input has real lines for SourceMgr.
  if (!file || file.getFilename().getValue().ends_with(".mlir"))
    return failure();
  llvm::raw_ostream &os = llvm::errs();
  os << file.getFilename().getValue() << ": ";
  std::string message = diag.str();
  // The importer's own messages already name the node.
  if (name && !llvm::StringRef(message).starts_with("node '"))
    os << "node '" << name.getName().getValue() << "' (#" << file.getLine() << "): ";
  const char *severity = diag.getSeverity() == DiagnosticSeverity::Error     ? "error"
                         : diag.getSeverity() == DiagnosticSeverity::Warning ? "warning"
                                                                             : "note";
  os << severity << ": " << message << "\n";
  for (Diagnostic &note : diag.getNotes())
    os << "  note: " << note.str() << "\n";
  return success();
}

OwningOpRef<ModuleOp> loadInput(MLIRContext &ctx, llvm::SourceMgr &sourceMgr) {
  if (llvm::StringRef(inputPath).ends_with(".mlir")) {
    std::string error;
    auto file = openInputFile(inputPath, &error);
    if (!file) {
      llvm::errs() << "ternion-compile: error: " << error << "\n";
      return {};
    }
    sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
    return parseSourceFile<ModuleOp>(sourceMgr, &ctx);
  }
  return ternion::importOnnxFile(inputPath, &ctx);
}

int compile() {
  if (optLevel > 3)
    return fail("-O" + llvm::Twine(optLevel) + " is not one of -O0..-O3");
  std::string output = outputPath.empty() ? defaultOutput() : std::string(outputPath);
  Progress steps(progress || llvm::sys::Process::StandardErrIsDisplayed());

  DialectRegistry registry;
  registry.insert<ternion::tern::TernDialect>();
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerAllToLLVMIRTranslations(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  // Errors name the op and its location; a dump of the enclosing op would
  // print the whole model.
  ctx.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &ctx);
  ScopedDiagnosticHandler onnxDiagnostics(&ctx, printOnnxDiagnostic);

  // Checked first: a bad --mcpu or tokenizer should not cost an import.
  llvm::Expected<ternion::Target> target = ternion::createTarget(
      ternion::TargetOptions{mcpu, mtriple, optLevel});
  if (!target)
    return fail(llvm::toString(target.takeError()));
  ternion::TokenizerInfo tokenizer;
  if (!tokenizerPath.empty()) {
    llvm::Expected<ternion::TokenizerInfo> inspected = ternion::inspectTokenizer(tokenizerPath);
    if (!inspected)
      return fail(llvm::toString(inspected.takeError()));
    tokenizer = std::move(*inspected);
    if (bosId.getNumOccurrences())
      tokenizer.bosId = bosId;
    if (eosId.getNumOccurrences())
      tokenizer.eosId = eosId;
    if (addBos.getNumOccurrences())
      tokenizer.addBos = addBos;
    if (llvm::Error e = ternion::checkTokenizerIds(tokenizer, tokenizerPath))
      return fail(llvm::toString(std::move(e)));
  }

  steps.stage("importing " + llvm::sys::path::filename(inputPath).str());
  OwningOpRef<ModuleOp> module = loadInput(ctx, sourceMgr);
  if (!module)
    return 1;

  PassManager optimize(&ctx);
  if (!noOptimize)
    ternion::buildOptimizePipeline(optimize);
  if (kvCache == KvCache::InPlace)
    optimize.addNestedPass<func::FuncOp>(ternion::createTernKvCacheInPlace());
  // Last: the weight rewrites before it (quantization, ternary) want rows.
  // The kernels' register tiles, and so the panel width, follow the
  // target's vector registers (--mcpu).
  ternion::KernelTuning tuning = ternion::kernelTuningFor(*target);
  if (!target->hasFma)
    llvm::errs() << "ternion-compile: warning: CPU '" << target->cpu
                 << "' has no FMA instructions; the kernels' fused multiply-adds become "
                    "calls to fmaf (correct, but slow: try --mcpu=host or x86-64-v3)\n";
  if (linearWeights == LinearWeights::Panels) {
    ternion::TernPackLinearWeightsOptions packing;
    packing.panelWidth = tuning.panelWidth;
    optimize.addNestedPass<func::FuncOp>(ternion::createTernPackLinearWeights(packing));
  }
  steps.stage("optimizing (tern-optimize)");
  if (failed(optimize.run(*module)))
    return 1;
  if (emit == Emit::Tern)
    return writeStage(steps, output, [&](llvm::raw_ostream &os) { module->print(os); });

  std::vector<ternion::FunctionSignature> functions;
  for (auto fn : module->getOps<func::FuncOp>()) {
    if (!fn.isPublic() || fn.isExternal())
      continue;
    auto signature = ternion::captureSignature(fn);
    if (failed(signature))
      return 1;
    functions.push_back(std::move(*signature));
  }
  if (functions.empty())
    return fail("'" + inputPath + "' has no public function to compile");

  StagingDirectory staging;
  if (emit == Emit::Artifact && output == "-")
    return fail("an artifact is a directory; give it a name with -o");
  if (emit == Emit::Artifact)
    if (llvm::Error e = staging.create(output))
      return fail(llvm::toString(std::move(e)));

  steps.stage("lowering to bufferized loops");
  PassManager lower(&ctx);
  if (failed(ternion::buildLowerToBuffersPipeline(lower)))
    return fail("invalid built-in lowering pipeline");
  if (failed(lower.run(*module)))
    return 1;

  steps.stage("writing weights");
  PassManager weights(&ctx);
  ternion::ExternalizeWeightsOptions weightsOptions;
  if (emit == Emit::Artifact)
    weightsOptions.weightsFile = staging.file("weights.bin");
  weights.addPass(ternion::createExternalizeWeights(weightsOptions));
  if (failed(weights.run(*module)))
    return 1;
  // The C interface gives the entry points a stable calling convention; the
  // importer's name attributes have served (the signatures hold them).
  for (auto fn : module->getOps<func::FuncOp>()) {
    if (!fn.isPublic() || fn.isExternal())
      continue;
    fn->setAttr("llvm.emit_c_interface", UnitAttr::get(&ctx));
    for (unsigned i = 0, e = fn.getNumArguments(); i < e; ++i)
      fn.setArgAttrs(i, DictionaryAttr::get(&ctx));
    for (unsigned i = 0, e = fn.getNumResults(); i < e; ++i)
      fn.setResultAttrs(i, DictionaryAttr::get(&ctx));
  }

  steps.stage("lowering to the LLVM dialect");
  PassManager toLLVM(&ctx);
  // --kernel-options come after the target's tuning: the last value wins.
  if (failed(ternion::buildBuffersToLLVMPipeline(toLLVM,
                                                 tuning.kernelOptions + " " + kernelOptions)))
    return fail("invalid --kernel-options '" + kernelOptions + "' (after the target's '" +
                tuning.kernelOptions + "')");
  if (failed(toLLVM.run(*module)))
    return 1;
  if (emit == Emit::Mlir)
    return writeStage(steps, output, [&](llvm::raw_ostream &os) { module->print(os); });

  steps.stage("translating to LLVM IR and optimizing (-O" + std::to_string(optLevel) + ")");
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(*module, llvmContext, llvm::sys::path::filename(inputPath));
  if (!llvmModule)
    return fail("translation of '" + inputPath + "' to LLVM IR failed");
  if (llvm::Error e = ternion::defineEntryPoints(*llvmModule, functions))
    return fail(llvm::toString(std::move(e)));
  ternion::optimizeModule(*llvmModule, *target, optLevel);
  ternion::routeBufferAllocations(*llvmModule);
  std::string verifyErrors;
  llvm::raw_string_ostream verifyStream(verifyErrors);
  if (llvm::verifyModule(*llvmModule, &verifyStream))
    return fail("generated LLVM IR does not verify:\n" + verifyErrors);
  if (emit == Emit::Llvm)
    return writeStage(steps, output,
                      [&](llvm::raw_ostream &os) { llvmModule->print(os, nullptr); });

  steps.stage("generating machine code for " + target->cpu);
  llvm::SmallVector<char, 0> object;
  if (llvm::Error e = ternion::emitObject(*llvmModule, *target, object))
    return fail(llvm::toString(std::move(e)));
  if (emit == Emit::Obj)
    return writeStage(steps, output, [&](llvm::raw_ostream &os) {
      os << llvm::StringRef(object.data(), object.size());
    });

  steps.stage("linking model.so");
  std::string objectPath = staging.file("model.o");
  if (llvm::Error e = writeFileAtomically(objectPath, llvm::StringRef(object.data(), object.size())))
    return fail(llvm::toString(std::move(e)));
  if (llvm::Error e = ternion::linkSharedObject(objectPath, staging.file("model.so")))
    return fail(llvm::toString(std::move(e)));
  llvm::sys::fs::remove(objectPath);

  ternion::ManifestContents manifest;
  manifest.functions = functions;
  if (functions.size() == 1 && ternion::isOptimumLanguageModel(functions.front())) {
    manifest.modelKind = "llm";
    manifest.maxContext = maxContext;
  }
  if (!tokenizerPath.empty()) {
    if (manifest.modelKind != "llm")
      return fail("--tokenizer is for language models in the Optimum KV-cache convention "
                  "(input_ids, past_key_values.N.key|value -> logits, present.N.key|value); '" +
                  inputPath + "' is not one");
    if (std::error_code ec =
            llvm::sys::fs::copy_file(tokenizerPath, staging.file(tokenizer.file)))
      return fail("cannot copy the tokenizer '" + tokenizerPath + "': " + ec.message());
    manifest.tokenizer = tokenizer;
  }
  auto layout = (*module)->getAttrOfType<DictionaryAttr>("tern.weights");
  int64_t weightsSize = layout ? layout.getAs<IntegerAttr>("size").getInt() : 0;
  if (weightsSize > 0) {
    manifest.weights.file = "weights.bin";
    manifest.weights.size = weightsSize;
    manifest.weights.alignment = layout.getAs<IntegerAttr>("alignment").getInt();
    manifest.weights.checksum = layout.getAs<StringAttr>("checksum").str();
  } else {
    llvm::sys::fs::remove(staging.file("weights.bin"));
  }
  manifest.compileOptions = llvm::json::Object{
      {"source", llvm::sys::path::filename(inputPath).str()},
      {"opt_level", static_cast<int64_t>(optLevel)},
      {"mcpu", target->cpu},
      {"target", target->triple},
      {"tern_optimize", !noOptimize},
  };
  if (llvm::Error e = writeFileAtomically(staging.file("manifest.json"),
                                          ternion::renderManifest(manifest)))
    return fail(llvm::toString(std::move(e)));
  if (llvm::Error e = staging.commit())
    return fail(llvm::toString(std::move(e)));
  steps.finish();
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerAllPasses();
  ternion::registerAllPassesAndPipelines();
  ternion::registerTernConversionPasses();
  ternion::registerTernKernelsPasses();
  ternion::registerTernArtifactPasses();
  cl::HideUnrelatedOptions({&category, &llmCategory});
  cl::AddExtraVersionPrinter([](llvm::raw_ostream &os) {
    os << "Ternion version " << TERNION_VERSION << " (LLVM/MLIR " << TERNION_LLVM_VERSION
       << ")\n";
  });
  cl::ParseCommandLineOptions(argc, argv,
                              "Ternion: compile an ONNX model into an ahead-of-time artifact\n");
  if (listOnnxOps) {
    for (const std::string &op : ternion::getSupportedOnnxOpTypes())
      llvm::outs() << op << "\n";
    return 0;
  }
  if (inputPath.empty())
    return fail("no input model (usage: ternion-compile model.onnx -o model.tnx)");
  return compile();
}
