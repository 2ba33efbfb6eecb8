//===- CpuTarget.cpp - TargetBackend for x86-64 CPUs ----------------------===//
//
// Ties the CPU's pieces to the driver: the machine (TargetMachine.cpp), the
// tuning of its kernels to the machine's registers, the weight layout they
// read (tern-pack-linear-weights), the lowering pipeline (Pipeline.cpp) and
// the link (SharedObjectLinker.cpp).
//
//===----------------------------------------------------------------------===//
#include "ternion/Target/CPU/CpuTarget.h"

#include "ternion/Target/CPU/MachineCode.h"
#include "ternion/Target/CPU/Passes.h"
#include "ternion/Target/CPU/Pipeline.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;

namespace ternion::cpu {
namespace {

class CpuTarget : public TargetBackend {
public:
  CpuTarget(Machine machine, const TargetOptions &options)
      : machine(std::move(machine)), options(options), tuning(kernelTuningFor(this->machine)) {}

  llvm::StringRef getName() const override { return "cpu"; }

  std::string getDescription() const override {
    return machine.cpu + " (" + machine.triple + ")";
  }

  std::vector<std::string> getWarnings() const override {
    if (machine.hasFma)
      return {};
    return {"CPU '" + machine.cpu +
            "' has no FMA instructions; the kernels' fused multiply-adds become calls to "
            "fmaf (correct, but slow: try --mcpu=host or x86-64-v3)"};
  }

  void addTernPasses(OpPassManager &pm) const override {
    // The kernels' register tiles, and so the panel width, follow the
    // machine's vector registers (--mcpu). Last among the weight rewrites:
    // the technique passes before it want [N, K] rows.
    if (options.linearWeights == LinearWeightLayout::TargetDefault) {
      TernPackLinearWeightsOptions packing;
      packing.panelWidth = tuning.panelWidth;
      packing.elementType = options.linearWeightType;
      pm.addNestedPass<func::FuncOp>(createTernPackLinearWeights(packing));
    }
    TernCpuPackTernaryOptions ternary;
    ternary.lanes = tuning.ternaryLanes;
    ternary.kernel = options.ternaryKernel;
    pm.addNestedPass<func::FuncOp>(createTernCpuPackTernary(ternary));
    TernCpuPackQuantizedOptions quantized;
    quantized.lanes = tuning.quantizedLanes;
    pm.addNestedPass<func::FuncOp>(createTernCpuPackQuantized(quantized));
  }

  LogicalResult addLowerToBuffersPasses(OpPassManager &pm) const override {
    return buildLowerToBuffersPipeline(pm);
  }

  LogicalResult addBuffersToLLVMPasses(OpPassManager &pm) const override {
    // The user's kernel options come after the tuning: the last value wins.
    return buildBuffersToLLVMPipeline(pm, tuning.kernelOptions + " " + options.kernelOptions,
                                      tuning.ternaryKernelOptions + " " +
                                          options.ternaryKernelOptions,
                                      tuning.quantizedKernelOptions);
  }

  void optimize(llvm::Module &module) const override {
    optimizeModule(module, machine, options.optLevel);
  }

  llvm::Error emitObject(llvm::Module &module,
                         llvm::SmallVectorImpl<char> &object) const override {
    return cpu::emitObject(module, machine, object);
  }

  llvm::Error linkSharedObject(llvm::StringRef objectPath,
                               llvm::StringRef sharedObjectPath) const override {
    return cpu::linkSharedObject(objectPath, sharedObjectPath);
  }

  void describe(llvm::json::Object &compileOptions) const override {
    compileOptions["mcpu"] = machine.cpu;
    compileOptions["target"] = machine.triple;
    compileOptions["int8_dot"] = machine.int8Dot;
  }

private:
  Machine machine;
  TargetOptions options;
  KernelTuning tuning;
};

} // namespace

llvm::Expected<std::unique_ptr<TargetBackend>> createCpuTarget(const TargetOptions &options) {
  if (options.linearWeightType != "f32" && options.linearWeights == LinearWeightLayout::Rows)
    return llvm::createStringError("--weights-dtype=" + options.linearWeightType +
                                   " needs the panels layout (the row kernel reads f32); "
                                   "drop --linear-weights=rows");
  llvm::Expected<Machine> machine = createMachine(options);
  if (!machine)
    return machine.takeError();
  return std::make_unique<CpuTarget>(std::move(*machine), options);
}

} // namespace ternion::cpu
