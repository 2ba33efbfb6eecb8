//===- ternion-compile.cpp - ONNX model -> ahead-of-time artifact ---------===//
//
//   ternion-compile model.onnx -o model.tnx [-O3] [--target=cpu] [--mcpu=host]
//                  [--target=cuda --gpu-arch=sm_90]
//                  [--emit=tern|gpu|ptx|mlir|llvm|obj|artifact]
//
// An option parser around ternion::compile() (lib/Driver), which holds the
// stages and the pass order.
//
//===----------------------------------------------------------------------===//
#include "ternion/Driver/Compile.h"
#include "ternion/Driver/Registration.h"
#include "ternion/VersionPrinter.h"
#include "ternion/Import/OnnxImporter.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

using ternion::EmitStage;
using ternion::KvCacheMode;
using ternion::QuantizeMethod;
using ternion::TernaryMode;
using ternion::LinearWeightLayout;
namespace cl = llvm::cl;

namespace {

cl::OptionCategory category("ternion-compile options");
cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.onnx | tern .mlir>"),
                               cl::cat(category));
cl::opt<bool> listOnnxOps("list-onnx-ops",
                          cl::desc("Print the ONNX op types the importer supports and exit"),
                          cl::cat(category));
cl::opt<std::string> outputPath("o", cl::desc("Output path (default: <input stem>.tnx, "
                                              ".mlir, .ll or .o per --emit)"),
                                cl::value_desc("path"), cl::cat(category));
cl::opt<EmitStage> emit("emit", cl::desc("Stop after this stage"), cl::init(EmitStage::Artifact),
                   cl::values(clEnumValN(EmitStage::Tern, "tern", "optimized tern IR"),
                              clEnumValN(EmitStage::Gpu, "gpu",
                                         "GPU targets: host code and gpu.module kernels"),
                              clEnumValN(EmitStage::Ptx, "ptx", "GPU targets: the kernels' PTX"),
                              clEnumValN(EmitStage::Mlir, "mlir", "LLVM-dialect MLIR"),
                              clEnumValN(EmitStage::Llvm, "llvm", "optimized LLVM IR"),
                              clEnumValN(EmitStage::Obj, "obj", "an ELF object"),
                              clEnumValN(EmitStage::Artifact, "artifact",
                                         "an artifact directory (default)")),
                   cl::cat(category));
cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimization level 0..3 (default 3)"),
                           cl::Prefix, cl::init(3), cl::cat(category));
cl::opt<std::string> targetName("target",
                                cl::desc("Code-generation target: cpu (default) or cuda"),
                                cl::init("cpu"), cl::cat(category));
cl::opt<std::string> gpuArch("gpu-arch",
                             cl::desc("--target=cuda: the GPU's compute capability "
                                      "(sm_70, sm_75, sm_80, sm_86, sm_89, sm_90; default sm_90)"),
                             cl::init("sm_90"), cl::cat(category));
cl::opt<std::string> cudaToolkit(
    "cuda-toolkit",
    cl::desc("--target=cuda: the CUDA toolkit whose ptxas adds a cubin to the PTX (default: "
             "$CUDA_HOME, then /usr/local/cuda if it has bin/ptxas; 'none' for PTX only)"),
    cl::value_desc("dir"), cl::cat(category));
cl::opt<bool> cudaEmulateOnHost(
    "cuda-emulate-on-host",
    cl::desc("--target=cuda: run the kernels' loops on the host instead of a GPU (a CPU "
             "artifact that checks the CUDA lowering where there is no GPU)"),
    cl::Hidden, cl::cat(category));
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
cl::opt<LinearWeightLayout> linearWeights(
    "linear-weights", cl::desc("Layout of f32 tern.linear weights (default panels)"),
    cl::values(clEnumValN(LinearWeightLayout::TargetDefault, "panels",
                          "[N / P, K, P] column panels for the outer-product GEMM, P = 64 "
                          "with AVX-512 and 16 with AVX2 (tern-pack-linear-weights)"),
               clEnumValN(LinearWeightLayout::Rows, "rows",
                          "keep [N, K] rows, for the dot-product kernel")),
    cl::init(LinearWeightLayout::TargetDefault), cl::cat(category));
cl::opt<std::string> weightsDtype(
    "weights-dtype",
    cl::desc("Storage of the float weights of linear layers in the artifact: f32 (default), "
             "f16 or bf16 (half the bytes to stream; rounded to nearest even, exact for a "
             "model published in that type; the kernels widen in registers)"),
    cl::value_desc("f32|f16|bf16"), cl::init("f32"), cl::cat(category));
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
cl::OptionCategory techniqueCategory("techniques");
cl::opt<TernaryMode> ternary(
    "ternary", cl::desc("Ternary (BitNet b1.58) linear layers (default auto; tern-ternarize)"),
    cl::values(clEnumValN(TernaryMode::Auto, "auto",
                          "layers with exactly ternary weights and int8 absmax inputs run on "
                          "packed codes and integer kernels (lossless)"),
               clEnumValN(TernaryMode::Off, "off", "keep every layer f32"),
               clEnumValN(TernaryMode::Force, "force",
                          "also round every other f32 layer but the last to ternary "
                          "(absmean) with int8 inputs: lossy, for trying a model")),
    cl::init(TernaryMode::Auto), cl::cat(techniqueCategory));
cl::opt<std::string> ternaryKernelOptions(
    "ternary-kernel-options",
    cl::desc("Options of tern-cpu-ternary-kernels, after the target's own, e.g. "
             "'isa=avx2 rows=2 cols=8' (docs/ternary.md)"),
    cl::cat(techniqueCategory));
cl::opt<std::string> ternaryKernel(
    "ternary-kernel",
    cl::desc("Ternary kernel family: mad (int8 dot products, default) or lut (lookup tables "
             "over pairs of weights, T-MAC/TL1-style; needs --ternary-format=i2)"),
    cl::init("mad"), cl::cat(techniqueCategory));
cl::opt<std::string> ternaryFormat(
    "ternary-format",
    cl::desc("Packing of ternary weights: i2 (2 bits per weight, default) or base3 "
             "(5 weights per byte, 1.6 bits)"),
    cl::init("i2"), cl::cat(techniqueCategory));

cl::opt<QuantizeMethod> quantize(
    "quantize",
    cl::desc("Quantize the f32 linear layers, LM head included (default none; tern-quantize)"),
    cl::values(clEnumValN(QuantizeMethod::None, "none", "keep f32 layers f32"),
               clEnumValN(QuantizeMethod::Rtn, "rtn",
                          "asymmetric round-to-nearest per group (the baseline)"),
               clEnumValN(QuantizeMethod::Sinq, "sinq",
                          "SINQ: Sinkhorn-normalized row and column scales, then "
                          "round-to-nearest; no calibration data")),
    cl::init(QuantizeMethod::None), cl::cat(techniqueCategory));
cl::opt<int> quantizeBits("bits", cl::desc("Bits per quantized weight: 2, 3, 4, 5, 6 or 8 "
                                           "(default 4; with --quantize)"),
                          cl::init(4), cl::cat(techniqueCategory));
cl::opt<int> quantizeGroupSize("group-size",
                               cl::desc("Inputs sharing a scale and zero point (default 64; "
                                        "a multiple of 8; with --quantize)"),
                               cl::init(64), cl::cat(techniqueCategory));

cl::opt<KvCacheMode> kvCache(
    "kv-cache", cl::desc("How the KV cache of an Optimum graph is kept (default in-place)"),
    cl::values(clEnumValN(KvCacheMode::InPlace, "in-place",
                          "past_key_values.N become caller-owned buffers of max-context "
                          "rows, updated in place; present.N are dropped "
                          "(tern-kv-cache-in-place)"),
               clEnumValN(KvCacheMode::Concat, "concat",
                          "keep the graph's past -> present Concat outputs")),
    cl::init(KvCacheMode::InPlace), cl::cat(llmCategory));
cl::OptionCategory speculativeCategory("speculative decoding (docs/speculative.md)");
cl::opt<std::string> draftPath(
    "draft",
    cl::desc("A small draft language model (Optimum KV-cache ONNX graph) compiled into the "
             "same artifact: it proposes tokens the target verifies in one pass"),
    cl::value_desc("draft-kv.onnx"), cl::cat(speculativeCategory));
cl::opt<std::string> draftTokenizerPath(
    "draft-tokenizer",
    cl::desc("The draft's tokenizer, when it is not the target's (vocabularies then differ: "
             "string-level matching)"),
    cl::value_desc("tokenizer.model|tokenizer.json"), cl::cat(speculativeCategory));
cl::opt<int64_t> draftTokens("draft-tokens",
                             cl::desc("Tokens the draft proposes per target pass, 1..16 "
                                      "(default 4; ternion-run can override)"),
                             cl::init(4), cl::cat(speculativeCategory));
cl::opt<std::string> speculative(
    "speculative",
    cl::desc("How draft tokens reach the target: auto (default: shared when the tokenizers "
             "are one, else slem), shared, slem"),
    cl::init("auto"), cl::cat(speculativeCategory));

cl::OptionCategory sparseCategory("sparse attention (docs/sparse-attention.md)");
cl::opt<std::string> attentionPatterns(
    "attention-patterns",
    cl::desc("Per-head sparse attention patterns for long prefills (from "
             "ternion-search-attention, or written by hand)"),
    cl::value_desc("patterns.json"), cl::cat(sparseCategory));
cl::opt<int64_t> sparseMinTokens(
    "sparse-attention-min-tokens",
    cl::desc("Prefills of at least N tokens run sparse; shorter ones and decode run dense "
             "(default: the pattern file's min_tokens, else 1024)"),
    cl::value_desc("N"), cl::init(0), cl::cat(sparseCategory));

cl::opt<bool> exposeAttention(
    "expose-attention",
    cl::desc("Return each attention op's query, key, value and scale as extra outputs "
             "(for ternion-search-attention)"),
    cl::Hidden, cl::cat(sparseCategory));

cl::opt<bool> outlineLayers(
    "outline-layers",
    cl::desc("Generate code once for identical layers and call it per layer (default on; "
             "tern-outline-layers): compile time follows the distinct layers, not the depth"),
    cl::init(true), cl::cat(category));

cl::opt<bool> progress("progress",
                       cl::desc("Print each stage and its time to stderr (default: "
                                "when stderr is a terminal)"),
                       cl::cat(category));

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // Registered before parsing: --kernel-options and .mlir input name passes.
  ternion::registerAllTernionPasses();
  cl::HideUnrelatedOptions(
      {&category, &llmCategory, &techniqueCategory, &speculativeCategory, &sparseCategory});
  ternion::registerTernionVersionPrinter();
  cl::ParseCommandLineOptions(argc, argv,
                              "Ternion: compile an ONNX model into an ahead-of-time artifact\n");
  if (listOnnxOps) {
    for (const std::string &op : ternion::getSupportedOnnxOpTypes())
      llvm::outs() << op << "\n";
    return 0;
  }
  ternion::CompileOptions options;
  options.inputPath = inputPath;
  options.outputPath = outputPath;
  options.emit = emit;
  options.target.name = targetName;
  options.target.cpu = mcpu;
  options.target.gpuArch = gpuArch;
  options.target.cudaToolkit = cudaToolkit;
  options.target.cudaEmulateOnHost = cudaEmulateOnHost;
  options.target.triple = mtriple;
  options.target.optLevel = optLevel;
  options.target.linearWeights = linearWeights;
  options.target.linearWeightType = weightsDtype;
  options.target.kernelOptions = kernelOptions;
  options.target.ternaryKernelOptions = ternaryKernelOptions;
  options.target.ternaryKernel = ternaryKernel;
  options.ternOptimize = !noOptimize;
  options.kvCache = kvCache;
  options.ternary = ternary;
  options.ternaryFormat = ternaryFormat;
  options.quantize = quantize;
  options.quantizeBits = quantizeBits;
  options.quantizeGroupSize = quantizeGroupSize;
  if (quantize == QuantizeMethod::None &&
      (quantizeBits.getNumOccurrences() || quantizeGroupSize.getNumOccurrences())) {
    llvm::errs() << "ternion-compile: error: --bits and --group-size apply with --quantize=rtn "
                    "or --quantize=sinq\n";
    return 1;
  }
  options.tokenizerPath = tokenizerPath;
  // Given on the command line, these override the tokenizer's own.
  if (bosId.getNumOccurrences())
    options.bosId = bosId;
  if (eosId.getNumOccurrences())
    options.eosId = eosId;
  if (addBos.getNumOccurrences())
    options.addBos = addBos;
  options.maxContext = maxContext;
  options.draftPath = draftPath;
  options.draftTokenizerPath = draftTokenizerPath;
  options.draftTokens = draftTokens;
  options.speculative = speculative;
  if (draftPath.empty() && (draftTokens.getNumOccurrences() || speculative.getNumOccurrences())) {
    llvm::errs() << "ternion-compile: error: --draft-tokens and --speculative apply with --draft\n";
    return 1;
  }
  options.attentionPatternsPath = attentionPatterns;
  options.sparseAttentionMinTokens = sparseMinTokens;
  options.exposeAttention = exposeAttention;
  options.outlineLayers = outlineLayers;
  options.progress = progress || llvm::sys::Process::StandardErrIsDisplayed();
  return ternion::compile(options) ? 0 : 1;
}
