//===- Compile.cpp - the compiler driver: ONNX model -> artifact ----------===//
//
// Stages, each of which --emit can stop after (as Toy's -emit=):
//   import (ONNX -> tern)  -> tern-optimize -> the target's tern passes
//                                                      [--emit=tern]
//   -> the target's lowering to buffers -> tern-externalize-weights
//   (GPU targets: -> host code and gpu.module kernels   [--emit=gpu]
//                 -> their PTX                          [--emit=ptx])
//   -> the target's lowering to the LLVM dialect       [--emit=mlir]
//   -> LLVM IR + entry points -> LLVM -O<n>            [--emit=llvm]
//   -> machine code                                    [--emit=obj]
//   -> link model.so + weights.bin + manifest.json     [--emit=artifact]
//
// Every output is written under a temporary name and renamed into place
// only when the whole compile succeeded, so a failed compile leaves nothing.
//
//===----------------------------------------------------------------------===//
#include "ternion/Driver/Compile.h"

#include "AtomicOutput.h"
#include "OnnxDiagnostics.h"
#include "Progress.h"

#include "dialects/tern/TernOps.h"
#include "dialects/tern/WeightMemory.h"
#include "passes/Passes.h"
#include "passes/attention/PatternFile.h"
#include "ternion/Artifact/BufferAllocator.h"
#include "ternion/Artifact/EntryPoints.h"
#include "ternion/Artifact/Manifest.h"
#include "ternion/Artifact/Passes.h"
#include "ternion/Artifact/Tokenizer.h"
#include "ternion/Driver/Registration.h"
#include "ternion/Import/OnnxImporter.h"
#include "ternion/abi.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/Passes.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace ternion {

std::string getDefaultOutputPath(const CompileOptions &options) {
  llvm::SmallString<128> path(llvm::sys::path::filename(options.inputPath));
  const char *extension = options.emit == EmitStage::Tern || options.emit == EmitStage::Mlir ||
                                  options.emit == EmitStage::Gpu
                              ? "mlir"
                          : options.emit == EmitStage::Ptx  ? "ptx"
                          : options.emit == EmitStage::Llvm ? "ll"
                          : options.emit == EmitStage::Obj  ? "o"
                                                            : "tnx";
  llvm::sys::path::replace_extension(path, extension);
  return std::string(path);
}

namespace {

/// One compile: the options, the context and the stages in order. Each
/// stage returns false after printing its error.
class Compilation {
public:
  explicit Compilation(const CompileOptions &options)
      : options(options), steps(options.progress, options.toolName),
        output(options.outputPath.empty() ? getDefaultOutputPath(options)
                                          : options.outputPath) {}

  bool run();

private:
  bool fail(const llvm::Twine &message) {
    llvm::errs() << options.toolName << ": error: " << message << "\n";
    return false;
  }
  bool fail(llvm::Error error) { return fail(llvm::toString(std::move(error))); }

  /// Writes the output of the stage --emit stops after, atomically.
  bool writeStage(llvm::function_ref<void(llvm::raw_ostream &)> print) {
    steps.finish();
    std::string text;
    llvm::raw_string_ostream os(text);
    print(os);
    if (llvm::Error e = writeFileAtomically(output, text))
      return fail(std::move(e));
    return true;
  }

  /// --emit=gpu|ptx: stages only a GPU target has.
  bool emitsDeviceCode() const {
    return options.emit == EmitStage::Gpu || options.emit == EmitStage::Ptx;
  }
  bool checkTokenizer();
  bool checkDraftTokenizer();
  bool checkAttentionPatterns();
  OwningOpRef<ModuleOp> loadInput();
  bool optimize(ModuleOp module);
  /// Counted after optimize(): tern.ternary_linear and f32 tern.linear ops.
  int64_t ternaryLayers = 0, quantizedLayers = 0, floatLinearLayers = 0;
  int64_t sparseAttentionLayers = 0;

  const char *quantizeMethodName() const {
    switch (options.quantize) {
    case QuantizeMethod::Rtn:
      return "rtn";
    case QuantizeMethod::Sinq:
      return "sinq";
    case QuantizeMethod::None:
      break;
    }
    return "none";
  }
  bool captureSignatures(ModuleOp module);
  bool lowerToBuffers(ModuleOp module);
  bool externalizeWeights(ModuleOp module);
  bool lowerToLLVMDialect(ModuleOp module);
  std::unique_ptr<llvm::Module> translate(ModuleOp module, llvm::LLVMContext &llvmContext);
  bool writeArtifact(ModuleOp module, llvm::ArrayRef<char> object);

  const CompileOptions &options;
  Progress steps;
  std::string output;
  MLIRContext *ctx = nullptr;
  llvm::SourceMgr sourceMgr;
  std::unique_ptr<TargetBackend> target;
  TokenizerInfo tokenizer;
  /// With --draft: how its tokens reach the target ("shared" or "slem").
  std::string speculativeVocabulary;
  /// tern-fuse-speculative's decision, read before lowering drops it, and
  /// the draft's tokenizer (file empty when it shares the target's).
  SpeculativeInfo speculative;
  std::vector<FunctionSignature> functions;
  StagingDirectory staging;
};

bool Compilation::checkTokenizer() {
  if (options.tokenizerPath.empty())
    return true;
  llvm::Expected<TokenizerInfo> inspected = inspectTokenizer(options.tokenizerPath);
  if (!inspected)
    return fail(inspected.takeError());
  tokenizer = std::move(*inspected);
  if (options.bosId)
    tokenizer.bosId = *options.bosId;
  if (options.eosId)
    tokenizer.eosId = *options.eosId;
  if (options.addBos)
    tokenizer.addBos = *options.addBos;
  if (llvm::Error e = checkTokenizerIds(tokenizer, options.tokenizerPath))
    return fail(std::move(e));
  return true;
}

bool Compilation::checkDraftTokenizer() {
  if (options.draftPath.empty()) {
    if (!options.draftTokenizerPath.empty())
      return fail("--draft-tokenizer needs --draft");
    return true;
  }
  if (options.speculative != "auto" && options.speculative != "shared" &&
      options.speculative != "slem")
    return fail("--speculative must be auto, shared or slem, not '" + options.speculative + "'");
  static_assert(tern::SpeculativeAttr::kMaxDraftTokens == TNX_MAX_DRAFT_TOKENS,
                "the compiler and the runtime agree on the longest draft");
  if (options.draftTokens < 1 || options.draftTokens > tern::SpeculativeAttr::kMaxDraftTokens)
    return fail("--draft-tokens must be 1.." + llvm::Twine(tern::SpeculativeAttr::kMaxDraftTokens) +
                ", not " + llvm::Twine(options.draftTokens));
  // One tokenizer for both when no other is given, or the same bytes are.
  bool shared = options.draftTokenizerPath.empty();
  std::optional<TokenizerInfo> draftInfo;
  if (!shared) {
    llvm::Expected<TokenizerInfo> inspected = inspectTokenizer(options.draftTokenizerPath);
    if (!inspected)
      return fail(inspected.takeError());
    if (llvm::Error e = checkTokenizerIds(*inspected, options.draftTokenizerPath))
      return fail(std::move(e));
    draftInfo = std::move(*inspected);
    if (!options.tokenizerPath.empty()) {
      auto mine = llvm::MemoryBuffer::getFile(options.tokenizerPath);
      auto theirs = llvm::MemoryBuffer::getFile(options.draftTokenizerPath);
      shared = mine && theirs && (*mine)->getBuffer() == (*theirs)->getBuffer();
    }
  }
  speculativeVocabulary =
      options.speculative != "auto" ? options.speculative : shared ? "shared" : "slem";
  if (speculativeVocabulary == "slem" &&
      (options.tokenizerPath.empty() || options.draftTokenizerPath.empty()))
    return fail("string-level matching (--speculative=slem) re-encodes text between the two "
                "vocabularies: give both --tokenizer and --draft-tokenizer");
  if (speculativeVocabulary == "shared" && !shared && options.tokenizerPath.empty())
    return fail("--speculative=shared with --draft-tokenizer: give the target's --tokenizer too, "
                "to check that they are one");
  if (speculativeVocabulary == "shared" && !shared)
    return fail("--speculative=shared, but the draft's tokenizer '" + options.draftTokenizerPath +
                "' is not the target's '" + options.tokenizerPath + "'");
  // SLEM ships the draft's tokenizer, even one with the target's bytes.
  if (speculativeVocabulary == "slem") {
    speculative.draftTokenizer = std::move(*draftInfo);
    speculative.draftTokenizer.file = "draft-" + speculative.draftTokenizer.file;
  }
  return true;
}

bool Compilation::checkAttentionPatterns() {
  if (options.attentionPatternsPath.empty()) {
    if (options.sparseAttentionMinTokens != 0)
      return fail("--sparse-attention-min-tokens needs --attention-patterns");
    return true;
  }
  if (options.sparseAttentionMinTokens < 0)
    return fail("--sparse-attention-min-tokens must be positive, not " +
                llvm::Twine(options.sparseAttentionMinTokens));
  // Read now so that a bad file is refused before the import; the pass
  // reads it again, as it does when run from ternion-opt.
  auto buffer = llvm::MemoryBuffer::getFile(options.attentionPatternsPath, /*IsText=*/true);
  if (!buffer)
    return fail("cannot read the attention patterns '" + options.attentionPatternsPath +
                "': " + buffer.getError().message());
  llvm::Expected<PatternFile> patterns =
      parsePatternFile((*buffer)->getBuffer(), options.attentionPatternsPath);
  if (!patterns)
    return fail(patterns.takeError());
  return true;
}

OwningOpRef<ModuleOp> Compilation::loadInput() {
  if (llvm::StringRef(options.inputPath).ends_with(".mlir")) {
    std::string error;
    auto file = openInputFile(options.inputPath, &error);
    if (!file) {
      fail(error);
      return {};
    }
    sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
    return parseSourceFile<ModuleOp>(sourceMgr, ctx);
  }
  OwningOpRef<ModuleOp> module = importOnnxFile(options.inputPath, ctx);
  if (module && !options.draftPath.empty()) {
    steps.stage("importing the draft " + llvm::sys::path::filename(options.draftPath));
    if (failed(importOnnxFileInto(options.draftPath, *module, "draft_")))
      return {};
  }
  return module;
}

bool Compilation::optimize(ModuleOp module) {
  PassManager pm(ctx);
  if (options.ternOptimize)
    buildOptimizePipeline(pm);
  if (options.kvCache == KvCacheMode::InPlace)
    pm.addNestedPass<func::FuncOp>(createTernKvCacheInPlace());
  if (options.ternary != TernaryMode::Off) {
    TernTernarizeOptions ternarize;
    ternarize.mode = options.ternary == TernaryMode::Force ? "force" : "auto";
    ternarize.format = options.ternaryFormat;
    pm.addNestedPass<func::FuncOp>(createTernTernarize(ternarize));
    // The weight subgraphs the ternary layers replaced are dead now.
    pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
  }
  if (options.quantize != QuantizeMethod::None) {
    TernQuantizeOptions quantize;
    quantize.method = options.quantize == QuantizeMethod::Rtn ? "rtn" : "sinq";
    quantize.bits = options.quantizeBits;
    quantize.groupSize = options.quantizeGroupSize;
    quantize.progress = options.progress;
    if (options.progress)
      steps.breakLine();
    pm.addNestedPass<func::FuncOp>(createTernQuantize(quantize));
    // The f32 weights the quantized layers replaced are dead now.
    pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
  }
  if (!options.attentionPatternsPath.empty()) {
    TernSparseAttentionOptions sparse;
    sparse.patterns = options.attentionPatternsPath;
    sparse.minTokens = options.sparseAttentionMinTokens;
    pm.addNestedPass<func::FuncOp>(createTernSparseAttention(sparse));
  }
  if (!options.draftPath.empty()) {
    TernFuseSpeculativeOptions speculative;
    speculative.draftTokens = options.draftTokens;
    speculative.vocabulary = speculativeVocabulary;
    pm.addPass(createTernFuseSpeculative(speculative));
  }
  if (options.exposeAttention)
    pm.addNestedPass<func::FuncOp>(createTernExposeAttention());
  // Last: the target's layout decisions see every technique's result.
  target->addTernPasses(pm);
  if (failed(pm.run(module)))
    return false;
  // What the techniques did, for the manifest and the progress lines.
  module.walk([&](Operation *op) {
    if (isa<tern::TernaryLinearOp>(op))
      ++ternaryLayers;
    else if (isa<tern::QuantizedLinearOp>(op))
      ++quantizedLayers;
    else if (isa<tern::LinearOp>(op))
      ++floatLinearLayers;
    else if (auto attention = dyn_cast<tern::AttentionOp>(op))
      sparseAttentionLayers += attention.getSparsityAttr() != nullptr;
  });
  // After the layouts, which are part of what makes two layers the same;
  // after the counts above, which are per layer.
  if (options.outlineLayers) {
    PassManager outline(ctx);
    outline.addPass(createTernOutlineLayers());
    if (failed(outline.run(module)))
      return false;
  }
  if (options.progress) {
    steps.finish();
    llvm::errs() << options.toolName << ": linear layers: " << ternaryLayers << " ternary ("
                 << options.ternaryFormat << " codes, " << options.target.ternaryKernel
                 << " kernel), ";
    if (options.quantize != QuantizeMethod::None)
      llvm::errs() << quantizedLayers << " " << quantizeMethodName() << " "
                   << options.quantizeBits << "-bit (group " << options.quantizeGroupSize
                   << "), ";
    llvm::errs() << floatLinearLayers << " float";
    if (options.target.linearWeightType != "f32")
      llvm::errs() << " (stored " << options.target.linearWeightType << ")";
    llvm::errs() << "\n";
    if (!options.attentionPatternsPath.empty())
      llvm::errs() << options.toolName << ": attention: " << sparseAttentionLayers
                   << " layers with sparse patterns for long prefills\n";
  }
  return true;
}

bool Compilation::captureSignatures(ModuleOp module) {
  for (auto fn : module.getOps<func::FuncOp>()) {
    if (auto decision = fn->getAttrOfType<tern::SpeculativeAttr>(tern::kSpeculativeAttrName)) {
      speculative.target = fn.getSymName().str();
      speculative.draft = decision.getDraft().getValue().str();
      speculative.draftTokens = decision.getDraftTokens();
      speculative.vocabulary =
          tern::stringifySpeculativeVocabulary(decision.getVocabulary()).str();
    }
    if (!fn.isPublic() || fn.isExternal())
      continue;
    FailureOr<FunctionSignature> signature = captureSignature(fn);
    if (failed(signature))
      return false;
    functions.push_back(std::move(*signature));
  }
  if (functions.empty())
    return fail("'" + options.inputPath + "' has no public function to compile");
  return true;
}

bool Compilation::lowerToBuffers(ModuleOp module) {
  PassManager pm(ctx);
  if (failed(target->addLowerToBuffersPasses(pm)))
    return fail("invalid built-in lowering pipeline of target '" + target->getName() + "'");
  return succeeded(pm.run(module));
}

bool Compilation::externalizeWeights(ModuleOp module) {
  PassManager pm(ctx);
  ExternalizeWeightsOptions weightsOptions;
  if (options.emit == EmitStage::Artifact) {
    weightsOptions.weightsFile = staging.file(TNX_WEIGHTS_FILE);
    weightsOptions.progress = options.progress;
    steps.breakLine();
  }
  pm.addPass(createExternalizeWeights(weightsOptions));
  if (failed(pm.run(module)))
    return false;
  // The C interface gives the entry points a stable calling convention; the
  // importer's name attributes have served (the signatures hold them).
  for (auto fn : module.getOps<func::FuncOp>()) {
    if (!fn.isPublic() || fn.isExternal())
      continue;
    fn->setAttr("llvm.emit_c_interface", UnitAttr::get(ctx));
    for (unsigned i = 0, e = fn.getNumArguments(); i < e; ++i)
      fn.setArgAttrs(i, DictionaryAttr::get(ctx));
    for (unsigned i = 0, e = fn.getNumResults(); i < e; ++i)
      fn.setResultAttrs(i, DictionaryAttr::get(ctx));
  }
  return true;
}

bool Compilation::lowerToLLVMDialect(ModuleOp module) {
  PassManager pm(ctx);
  if (!target->hasGpuStage()) {
    if (failed(target->addBuffersToLLVMPasses(pm)))
      return fail("invalid --kernel-options '" + options.target.kernelOptions + "'");
    return succeeded(pm.run(module));
  }
  // A GPU target stops at the gpu stage for --emit=gpu|ptx.
  if (failed(target->addBuffersToGpuPasses(pm)))
    return fail("invalid built-in GPU pipeline of target '" + target->getName() + "'");
  if (failed(pm.run(module)))
    return false;
  if (emitsDeviceCode())
    return true;
  PassManager toLLVM(ctx);
  if (failed(target->addGpuToLLVMPasses(toLLVM)))
    return fail("invalid built-in GPU pipeline of target '" + target->getName() + "'");
  return succeeded(toLLVM.run(module));
}

std::unique_ptr<llvm::Module> Compilation::translate(ModuleOp module,
                                                     llvm::LLVMContext &llvmContext) {
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, llvm::sys::path::filename(options.inputPath));
  if (!llvmModule) {
    fail("translation of '" + options.inputPath + "' to LLVM IR failed");
    return nullptr;
  }
  if (llvm::Error e = defineEntryPoints(*llvmModule, functions)) {
    fail(std::move(e));
    return nullptr;
  }
  target->optimize(*llvmModule);
  routeBufferAllocations(*llvmModule);
  std::string verifyErrors;
  llvm::raw_string_ostream verifyStream(verifyErrors);
  if (llvm::verifyModule(*llvmModule, &verifyStream)) {
    fail("generated LLVM IR does not verify:\n" + verifyErrors);
    return nullptr;
  }
  return llvmModule;
}

bool Compilation::writeArtifact(ModuleOp module, llvm::ArrayRef<char> object) {
  steps.stage("linking " TNX_LIBRARY_FILE);
  std::string objectPath = staging.file("model.o");
  if (llvm::Error e =
          writeFileAtomically(objectPath, llvm::StringRef(object.data(), object.size())))
    return fail(std::move(e));
  if (llvm::Error e = target->linkSharedObject(objectPath, staging.file(TNX_LIBRARY_FILE)))
    return fail(std::move(e));
  llvm::sys::fs::remove(objectPath);

  ManifestContents manifest;
  manifest.functions = functions;
  manifest.device = target->getDevice().str();
  // A language model is one function, or a target with its draft.
  bool paired = !speculative.target.empty();
  if (functions.size() == (paired ? 2u : 1u) &&
      llvm::all_of(functions, [](const FunctionSignature &fn) {
        return isOptimumLanguageModel(fn);
      })) {
    manifest.modelKind = TNX_MODEL_KIND_LLM;
    manifest.maxContext = options.maxContext;
  }
  if (paired) {
    manifest.speculative = speculative;
    if (!speculative.draftTokenizer.file.empty())
      if (std::error_code ec = llvm::sys::fs::copy_file(
              options.draftTokenizerPath, staging.file(speculative.draftTokenizer.file)))
        return fail("cannot copy the draft's tokenizer '" + options.draftTokenizerPath +
                    "': " + ec.message());
  }
  if (!options.tokenizerPath.empty()) {
    if (manifest.modelKind != TNX_MODEL_KIND_LLM)
      return fail("--tokenizer is for language models in the Optimum KV-cache convention "
                  "(input_ids, past_key_values.N.key|value -> logits, present.N.key|value); '" +
                  options.inputPath + "' is not one");
    if (std::error_code ec =
            llvm::sys::fs::copy_file(options.tokenizerPath, staging.file(tokenizer.file)))
      return fail("cannot copy the tokenizer '" + options.tokenizerPath + "': " + ec.message());
    manifest.tokenizer = tokenizer;
  }
  auto layout = module->getAttrOfType<DictionaryAttr>("tern.weights");
  int64_t weightsSize = layout ? layout.getAs<IntegerAttr>("size").getInt() : 0;
  if (weightsSize > 0) {
    manifest.weights.file = TNX_WEIGHTS_FILE;
    manifest.weights.size = weightsSize;
    manifest.weights.alignment = layout.getAs<IntegerAttr>("alignment").getInt();
    manifest.weights.checksum = layout.getAs<StringAttr>("checksum").str();
  } else {
    llvm::sys::fs::remove(staging.file(TNX_WEIGHTS_FILE));
  }
  manifest.compileOptions = llvm::json::Object{
      {"source", llvm::sys::path::filename(options.inputPath).str()},
      {"opt_level", static_cast<int64_t>(options.target.optLevel)},
      {"tern_optimize", options.ternOptimize},
      {"outline_layers", options.outlineLayers},
      {"weights_dtype", options.target.linearWeightType},
      {"ternary", options.ternary == TernaryMode::Off     ? "off"
                  : options.ternary == TernaryMode::Force ? "force"
                                                          : "auto"},
      {"ternary_layers", ternaryLayers},
      {"f32_linear_layers", floatLinearLayers},
  };
  if (ternaryLayers > 0) {
    manifest.compileOptions["ternary_format"] = options.ternaryFormat;
    manifest.compileOptions["ternary_kernel"] = options.target.ternaryKernel;
  }
  manifest.compileOptions["quantize"] = quantizeMethodName();
  if (options.quantize != QuantizeMethod::None) {
    manifest.compileOptions["quantize_bits"] = options.quantizeBits;
    manifest.compileOptions["quantize_group_size"] = options.quantizeGroupSize;
    manifest.compileOptions["quantized_layers"] = quantizedLayers;
  }
  if (sparseAttentionLayers > 0) {
    manifest.compileOptions["attention_patterns"] =
        llvm::sys::path::filename(options.attentionPatternsPath).str();
    manifest.compileOptions["sparse_attention_layers"] = sparseAttentionLayers;
  }
  if (!options.draftPath.empty())
    manifest.compileOptions["draft_source"] = llvm::sys::path::filename(options.draftPath).str();
  target->describe(manifest.compileOptions);
  if (llvm::Error e = writeFileAtomically(staging.file(TNX_MANIFEST_FILE), renderManifest(manifest)))
    return fail(std::move(e));
  if (llvm::Error e = staging.commit())
    return fail(std::move(e));
  steps.finish();
  return true;
}

bool Compilation::run() {
  if (options.target.optLevel > 3)
    return fail("-O" + llvm::Twine(options.target.optLevel) + " is not one of -O0..-O3");
  if (options.inputPath.empty())
    return fail("no input model (usage: ternion-compile model.onnx -o model.tnx)");
  // Checked here as well as in tern-ternarize and tern-cpu-pack-ternary: a
  // typo should not cost an import. `pairs` is a target layout, not a choice.
  if (options.ternaryFormat != "i2" && options.ternaryFormat != "base3")
    return fail("--ternary-format must be i2 or base3, not '" + options.ternaryFormat + "'");
  if (options.target.ternaryKernel != "mad" && options.target.ternaryKernel != "lut")
    return fail("--ternary-kernel must be mad or lut, not '" + options.target.ternaryKernel + "'");
  if (options.target.ternaryKernel == "lut" && options.ternaryFormat == "base3")
    return fail("--ternary-kernel=lut reads 2-bit pair codes; base3 codes "
                "(--ternary-format=base3) run on --ternary-kernel=mad only");
  if (options.quantize != QuantizeMethod::None) {
    int bits = options.quantizeBits, group = options.quantizeGroupSize;
    if (bits != 2 && bits != 3 && bits != 4 && bits != 5 && bits != 6 && bits != 8)
      return fail("--bits must be 2, 3, 4, 5, 6 or 8, not " + llvm::Twine(bits));
    if (group < 8 || group % 8 != 0)
      return fail("--group-size must be a positive multiple of 8 (64 or 128 usual), not " +
                  llvm::Twine(group));
  }
  if (options.emit == EmitStage::Artifact && output == "-")
    return fail("an artifact is a directory; give it a name with -o");

  registerAllTernionPasses();
  DialectRegistry registry;
  registerAllTernionDialects(registry);
  MLIRContext context(registry);
  ctx = &context;
  context.loadAllAvailableDialects();
  // Errors name the op and its location; a dump of the enclosing op would
  // print the whole model.
  context.printOpOnDiagnostic(false);
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  ScopedDiagnosticHandler onnxDiagnostics(&context, printOnnxDiagnostic);

  // Checked first: a bad --target, --mcpu or tokenizer should not cost an
  // import.
  llvm::Expected<std::unique_ptr<TargetBackend>> resolved = createTarget(options.target);
  if (!resolved)
    return fail(resolved.takeError());
  target = std::move(*resolved);
  if (emitsDeviceCode() && !target->hasGpuStage()) {
    if (options.target.name == "cuda")
      return fail("--emit=gpu|ptx shows device code, which --cuda-emulate-on-host does not make");
    return fail(llvm::Twine("--emit=") + (options.emit == EmitStage::Gpu ? "gpu" : "ptx") +
                " shows device code: add --target=cuda");
  }
  for (const std::string &warning : target->getWarnings())
    llvm::errs() << options.toolName << ": warning: " << warning << "\n";
  if (!checkTokenizer() || !checkDraftTokenizer() || !checkAttentionPatterns())
    return false;
  if (!options.draftPath.empty() && llvm::StringRef(options.inputPath).ends_with(".mlir"))
    return fail("--draft pairs two ONNX models; '" + options.inputPath +
                "' is tern IR (a module already paired by tern-fuse-speculative compiles "
                "without --draft)");

  steps.stage("importing " + llvm::sys::path::filename(options.inputPath));
  OwningOpRef<ModuleOp> module = loadInput();
  if (!module)
    return false;

  steps.stage("optimizing (tern-optimize)");
  if (!optimize(*module))
    return false;
  // Whatever the passes read of the weights and did not drop themselves
  // (tern/WeightMemory.h) leaves memory here.
  tern::evictAllWeightPages();
  if (options.emit == EmitStage::Tern)
    return writeStage([&](llvm::raw_ostream &os) { module->print(os); });

  if (!captureSignatures(*module))
    return false;
  if (options.emit == EmitStage::Artifact)
    if (llvm::Error e = staging.create(output))
      return fail(std::move(e));

  steps.stage("lowering to bufferized loops");
  if (!lowerToBuffers(*module))
    return false;
  tern::evictAllWeightPages();
  steps.stage("writing weights");
  if (!externalizeWeights(*module))
    return false;
  steps.stage(target->hasGpuStage()
                  ? "lowering to GPU kernels (" + target->getDescription() + ")"
                  : std::string("lowering to the LLVM dialect"));
  if (!lowerToLLVMDialect(*module))
    return false;
  if (options.emit == EmitStage::Gpu)
    return writeStage([&](llvm::raw_ostream &os) { module->print(os); });
  if (options.emit == EmitStage::Ptx) {
    llvm::Expected<std::string> assembly = target->emitDeviceAssembly(*module);
    if (!assembly)
      return fail(assembly.takeError());
    return writeStage([&](llvm::raw_ostream &os) { os << *assembly; });
  }
  if (options.emit == EmitStage::Mlir)
    return writeStage([&](llvm::raw_ostream &os) { module->print(os); });

  steps.stage("translating to LLVM IR and optimizing (-O" +
              llvm::Twine(options.target.optLevel) + ")");
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule = translate(*module, llvmContext);
  if (!llvmModule)
    return false;
  if (options.emit == EmitStage::Llvm)
    return writeStage([&](llvm::raw_ostream &os) { llvmModule->print(os, nullptr); });

  steps.stage("generating machine code for " + target->getDescription());
  llvm::SmallVector<char, 0> object;
  if (llvm::Error e = target->emitObject(*llvmModule, object))
    return fail(std::move(e));
  if (options.emit == EmitStage::Obj)
    return writeStage(
        [&](llvm::raw_ostream &os) { os << llvm::StringRef(object.data(), object.size()); });
  return writeArtifact(*module, object);
}

} // namespace

bool compile(const CompileOptions &options) { return Compilation(options).run(); }

} // namespace ternion
