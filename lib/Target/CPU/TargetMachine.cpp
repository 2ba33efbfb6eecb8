//===- TargetMachine.cpp - optimize and emit an object in process ---------===//
//
// The host CPU is the default because it matters: the same tiled,
// vectorized kernels run ~7x faster when LLVM may use the host's vector
// width (AVX-512 here) than for generic x86-64. `--mcpu=x86-64-v3` gives a
// portable artifact.
//
//===----------------------------------------------------------------------===//
#include "ternion/Target/CPU/MachineCode.h"

#include "Kernels/Int8Dot.h"

#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

using namespace llvm;

namespace ternion::cpu {

Machine::Machine() = default;
Machine::Machine(Machine &&) = default;
Machine &Machine::operator=(Machine &&) = default;
Machine::~Machine() = default;

Expected<Machine> createMachine(const ternion::TargetOptions &options) {
  InitializeNativeTarget();
  InitializeNativeTargetAsmPrinter();
  Machine result;
  result.triple = options.triple.empty() ? sys::getProcessTriple() : options.triple;
  std::string error;
  const llvm::Target *target = TargetRegistry::lookupTarget(Triple(result.triple), error);
  if (!target)
    return createStringError("unknown target triple '" + result.triple + "': " + error);
  if (options.cpu == "host") {
    result.cpu = sys::getHostCPUName().str();
    SubtargetFeatures features;
    for (const auto &feature : sys::getHostCPUFeatures())
      features.AddFeature(feature.getKey(), feature.getValue());
    result.features = features.getString();
  } else {
    result.cpu = options.cpu;
  }
  if (options.optLevel > 3)
    return createStringError("optimization level -O" + std::to_string(options.optLevel) +
                             " is not one of -O0..-O3");
  CodeGenOptLevel level = options.optLevel == 0   ? CodeGenOptLevel::None
                          : options.optLevel == 1 ? CodeGenOptLevel::Less
                          : options.optLevel == 2 ? CodeGenOptLevel::Default
                                                  : CodeGenOptLevel::Aggressive;
  // LLVM accepts unknown CPU names with a warning on stderr and generic code;
  // refuse them instead, so a typo does not silently produce slow code.
  std::unique_ptr<MCSubtargetInfo> probe(
      target->createMCSubtargetInfo(Triple(result.triple), "", ""));
  if (probe && !probe->isCPUStringValid(result.cpu))
    return createStringError("unknown CPU '" + result.cpu + "' for target '" + result.triple +
                             "' (try --mcpu=host or --mcpu=x86-64-v3)");
  llvm::TargetOptions targetOptions;
  // Constructors (a GPU artifact loads its kernels from one) go in
  // .init_array, which the dynamic loader runs; LLVM's default for a bare
  // TargetMachine is the legacy .ctors, which nothing runs any more.
  targetOptions.UseInitArray = true;
  result.machine.reset(target->createTargetMachine(Triple(result.triple), result.cpu,
                                                   result.features, targetOptions,
                                                   Reloc::PIC_, std::nullopt, level));
  if (!result.machine)
    return createStringError("cannot create a target machine for '" + result.triple + "'");
  const MCSubtargetInfo *subtarget = result.machine->getMCSubtargetInfo();
  auto has = [&](const char *feature) { return subtarget->checkFeatures(feature); };
  if (result.machine->getTargetTriple().isX86()) {
    if (has("+avx512f"))
      result.vectorLanes = 16;
    else if (has("+avx"))
      result.vectorLanes = 8;
    result.hasFma = has("+fma");
    if (has("+avx512vnni,+avx512bw"))
      result.int8Dot = "avx512-vnni";
    else if (has("+avx512bw"))
      result.int8Dot = "avx512bw";
    else if (has("+avxvnni,+avx2"))
      result.int8Dot = "avx-vnni";
    else if (has("+avx2"))
      result.int8Dot = "avx2";
  }
  return result;
}

/// The ternary kernels' packing and register tiles. 32 vector registers
/// (AVX-512) take 4 rows x 4 weight rows (16 accumulators, 4 code vectors,
/// 4 activations and the unpacked digit). 16 registers (AVX2) take 2 x 2:
/// without VNNI each tile entry also keeps its block's i16 pair sums, so
/// 2 x 4 needs 16 sums and accumulators before any operand and spills;
/// measured on the ~96M ternary bench model (znver3 code on Zen 5), 2 x 2
/// decodes 11-16% faster than 2 x 4 at the same prefill speed, and 4 x 2
/// prefills 17% slower (docs/performance.md). The lookup-table kernel keeps
/// 2 i16 sums per row of its tile and needs 8 registers for one row's
/// lookups (two tables, low and high bytes, and the lookups): 4 rows with
/// 32 registers, 2 with 16.
static void tuneTernary(const Machine &target, KernelTuning &tuning) {
  std::optional<kernels::Int8DotIsa> isa = kernels::parseInt8DotIsa(target.int8Dot);
  tuning.ternaryLanes = kernels::getInt8DotBytes(isa.value_or(kernels::Int8DotIsa::Generic));
  tuning.ternaryKernelOptions =
      "isa=" + target.int8Dot +
      (target.vectorLanes == 16 ? " rows=4 cols=4 lut-rows=4" : " rows=2 cols=2 lut-rows=2");
}

/// The quantized kernel's packing and register tile: codes packed for the
/// f32 lanes. 32 registers take 2 rows x 4 weight rows (8 group sums, 8
/// totals, 2 activation sums, 4 code vectors, 2 activations, the widened
/// codes) and a single row 8 weight rows; 16 registers 2 x 2 and 1 x 4.
static void tuneQuantized(const Machine &target, KernelTuning &tuning) {
  tuning.quantizedLanes = std::max<int64_t>(target.vectorLanes, 8);
  tuning.quantizedKernelOptions =
      (target.vectorLanes == 16 ? "rows=2 cols=4 row-cols=8" : "rows=2 cols=2 row-cols=4") +
      std::string(" panel-width=") + std::to_string(tuning.panelWidth) +
      " vector-width=" + std::to_string(std::max<int64_t>(target.vectorLanes, 4)) + " panel-rows=6";
}

/// The contraction kernels' register tiles and the panel width.
static void tuneContractions(const Machine &target, KernelTuning &tuning) {
  // AVX-512, 32 registers of 16 lanes: the passes' defaults (Passes.td,
  // include/ternion/Target/CPU/Passes.td) are this shape.
  if (target.vectorLanes == 16) {
    tuning.panelWidth = 64;
    return;
  }
  // 16 registers: 6 x 2-vector panel tiles (12 accumulators, 2 weight
  // vectors, a broadcast), 2 x 4 dot-product and 6 x 2 outer-product tiles;
  // a decode row takes 4 panels (8 FMA chains, 4 weight streams).
  int64_t lanes = target.vectorLanes;
  tuning.panelWidth = 2 * lanes;
  tuning.kernelOptions = "vector-width=" + std::to_string(lanes) +
                         " panel-rows=6 panel-tile-n=" + std::to_string(8 * lanes) +
                         " panel-decode-tile-n=" + std::to_string(8 * lanes) +
                         " dot-rows=2 dot-cols=4 outer-rows=6 outer-vectors=2";
}

KernelTuning kernelTuningFor(const Machine &target) {
  KernelTuning tuning;
  tuneContractions(target, tuning);
  tuneTernary(target, tuning);
  tuneQuantized(target, tuning); // after tuneContractions: the panel width
  return tuning;
}

void optimizeModule(Module &module, const Machine &target, unsigned optLevel) {
  module.setTargetTriple(Triple(target.triple));
  module.setDataLayout(target.machine->createDataLayout());
  // Function attributes carry the CPU to every function, so inlining and the
  // vectorizers' cost models see the same subtarget as code generation.
  bool avx512 = target.vectorLanes == 16;
  for (Function &fn : module) {
    if (fn.isDeclaration())
      continue;
    fn.addFnAttr("target-cpu", target.cpu);
    if (!target.features.empty())
      fn.addFnAttr("target-features", target.features);
    // LLVM's x86 tuning prefers 256-bit vectors on AVX-512 CPUs (clock
    // throttling on old Xeons); the kernels use 512-bit vectors anyway, and
    // the loops LLVM vectorizes (elementwise ops, softmax rows) run faster
    // at the same width.
    if (avx512)
      fn.addFnAttr("prefer-vector-width", "512");
  }
  LoopAnalysisManager lam;
  FunctionAnalysisManager fam;
  CGSCCAnalysisManager cgam;
  ModuleAnalysisManager mam;
  PassBuilder builder(target.machine.get());
  builder.registerModuleAnalyses(mam);
  builder.registerCGSCCAnalyses(cgam);
  builder.registerFunctionAnalyses(fam);
  builder.registerLoopAnalyses(lam);
  builder.crossRegisterProxies(lam, fam, cgam, mam);
  OptimizationLevel level = optLevel == 0   ? OptimizationLevel::O0
                            : optLevel == 1 ? OptimizationLevel::O1
                            : optLevel == 2 ? OptimizationLevel::O2
                                            : OptimizationLevel::O3;
  ModulePassManager passes = level == OptimizationLevel::O0
                                 ? builder.buildO0DefaultPipeline(level)
                                 : builder.buildPerModuleDefaultPipeline(level);
  passes.run(module, mam);
}

Error emitObject(Module &module, const Machine &target, SmallVectorImpl<char> &object) {
  raw_svector_ostream os(object);
  legacy::PassManager passes;
  if (target.machine->addPassesToEmitFile(passes, os, nullptr, CodeGenFileType::ObjectFile))
    return createStringError("the target cannot emit object files");
  passes.run(module);
  return Error::success();
}

} // namespace ternion::cpu
