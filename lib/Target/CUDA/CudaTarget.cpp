//===- CudaTarget.cpp - TargetBackend for CUDA GPUs -----------------------===//
//
// Ties the CUDA target's pieces to the driver: the device code options
// (--gpu-arch, the toolkit), the weight layout its loops read, the lowering
// through the gpu dialect (Pipeline.cpp), and the host side, which is the
// CPU target's machine code and link for a portable x86-64 CPU: the host
// code only launches kernels and moves descriptors.
//
//===----------------------------------------------------------------------===//
#include "ternion/Target/CUDA/CudaTarget.h"

#include "Pipeline.h"

#include "ternion/Target/CPU/MachineCode.h"
#include "ternion/Target/CPU/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

using namespace mlir;

namespace ternion::cuda {
namespace {

// The kernels' f32 loops read linear-layer weights from column panels of a
// warp's width: thread n of a warp reads element n of one 128-byte row of
// the panel, so a warp's loads coalesce. ([N, K] rows would put the threads
// K elements apart.)
constexpr int64_t kPanelWidth = 32;

// Architectures LLVM's NVPTX backend and the runtime are used with, and the
// PTX ISA version each needs at least (PTX ISA manual, "Release notes").
struct GpuArch {
  const char *name;
  const char *features;
};
constexpr GpuArch kGpuArchs[] = {
    {"sm_70", "+ptx60"}, {"sm_75", "+ptx63"}, {"sm_80", "+ptx70"},
    {"sm_86", "+ptx71"}, {"sm_89", "+ptx78"}, {"sm_90", "+ptx80"},
};

bool hasPtxas(llvm::StringRef toolkit) {
  llvm::SmallString<128> ptxas(toolkit);
  llvm::sys::path::append(ptxas, "bin", "ptxas");
  return llvm::sys::fs::can_execute(ptxas);
}

/// The toolkit for ptxas (a cubin) and libdevice: --cuda-toolkit, then
/// $CUDA_HOME, then /usr/local/cuda, each if it has bin/ptxas; "" for none
/// (--cuda-toolkit=none, or nothing found). An error for a --cuda-toolkit
/// without ptxas.
llvm::Expected<std::string> findCudaToolkit(const TargetOptions &options) {
  if (options.cudaToolkit == "none")
    return "";
  if (!options.cudaToolkit.empty()) {
    if (!hasPtxas(options.cudaToolkit))
      return llvm::createStringError("--cuda-toolkit '" + options.cudaToolkit +
                                     "' has no bin/ptxas (give a CUDA toolkit directory, or "
                                     "'none' for an artifact with PTX only)");
    return options.cudaToolkit;
  }
  if (std::optional<std::string> home = llvm::sys::Process::GetEnv("CUDA_HOME"))
    if (hasPtxas(*home))
      return *home;
  if (hasPtxas("/usr/local/cuda"))
    return "/usr/local/cuda";
  return "";
}

class CudaTarget : public TargetBackend {
public:
  CudaTarget(cpu::Machine host, const TargetOptions &options, DeviceCodeOptions device)
      : host(std::move(host)), options(options), device(std::move(device)) {}

  llvm::StringRef getName() const override { return "cuda"; }

  llvm::StringRef getDevice() const override { return options.cudaEmulateOnHost ? "cpu" : "cuda"; }

  std::string getDescription() const override {
    if (options.cudaEmulateOnHost)
      return "the host, emulating " + device.chip + "'s grid (host " + host.cpu + ")";
    // "+ptx80" -> "PTX 8.0".
    std::string isa = device.features.substr(4);
    return device.chip + " (PTX " + isa.substr(0, isa.size() - 1) + "." + isa.back() + ", " +
           (device.toolkit.empty() ? "no cubin: no CUDA toolkit" : "cubin by " + device.toolkit) +
           "; host " + host.cpu + ")";
  }

  void addTernPasses(OpPassManager &pm) const override {
    if (options.linearWeights == LinearWeightLayout::TargetDefault) {
      TernPackLinearWeightsOptions packing;
      packing.panelWidth = kPanelWidth;
      packing.elementType = options.linearWeightType;
      pm.addNestedPass<func::FuncOp>(createTernPackLinearWeights(packing));
    }
  }

  LogicalResult addLowerToBuffersPasses(OpPassManager &pm) const override {
    // The CPU's spine without its flash-attention tiles: tern.attention
    // gets the reference lowering.
    return parsePassPipeline(
        "func.func(convert-tern-to-linalg, canonicalize, cse, tern-fuse-elementwise),"
        "one-shot-bufferize{bufferize-function-boundaries "
        "function-boundary-type-conversion=identity-layout-map allow-return-allocs-from-loops},"
        "buffer-deallocation-pipeline",
        pm);
  }

  LogicalResult addBuffersToLLVMPasses(OpPassManager &pm) const override {
    if (options.cudaEmulateOnHost)
      return buildEmulationPipeline(pm, device);
    if (failed(addBuffersToGpuPasses(pm)))
      return failure();
    return addGpuToLLVMPasses(pm);
  }

  bool hasGpuStage() const override { return !options.cudaEmulateOnHost; }

  LogicalResult addBuffersToGpuPasses(OpPassManager &pm) const override {
    return buildBuffersToGpuPipeline(pm, device);
  }

  LogicalResult addGpuToLLVMPasses(OpPassManager &pm) const override {
    return buildGpuToLLVMPipeline(pm, device);
  }

  llvm::Expected<std::string> emitDeviceAssembly(ModuleOp module) const override {
    OwningOpRef<ModuleOp> copy(module.clone());
    PassManager pm(module.getContext());
    if (failed(buildGpuToAssemblyPipeline(pm, device)))
      return llvm::createStringError("invalid built-in PTX pipeline");
    if (failed(pm.run(*copy)))
      return llvm::createStringError("the kernels could not be compiled to PTX (see above)");
    std::string assembly;
    copy->walk([&](gpu::BinaryOp binary) {
      for (Attribute object : binary.getObjects())
        if (auto ptx = dyn_cast<gpu::ObjectAttr>(object)) {
          assembly += "// gpu.module @" + binary.getSymName().str() + "\n";
          assembly += ptx.getObject().getValue().str();
        }
    });
    if (assembly.empty())
      return llvm::createStringError("the module has no GPU kernels");
    return assembly;
  }

  void optimize(llvm::Module &module) const override {
    // The launch ABI (mgpu*) is the runtime's (runtime/lib/device/
    // CudaLaunch.cpp), which the loader binds when the runtime dlopens
    // model.so. Weak references let the link keep --no-undefined for every
    // other symbol; the runtime opens a CUDA artifact only once its CUDA
    // device is up, so the references are never null when called.
    for (llvm::Function &function : module.functions())
      if (function.isDeclaration() && function.getName().starts_with("mgpu"))
        function.setLinkage(llvm::GlobalValue::ExternalWeakLinkage);
    cpu::optimizeModule(module, host, options.optLevel);
  }

  llvm::Error emitObject(llvm::Module &module, llvm::SmallVectorImpl<char> &object) const override {
    return cpu::emitObject(module, host, object);
  }

  llvm::Error linkSharedObject(llvm::StringRef objectPath,
                               llvm::StringRef sharedObjectPath) const override {
    return cpu::linkSharedObject(objectPath, sharedObjectPath);
  }

  void describe(llvm::json::Object &compileOptions) const override {
    compileOptions["gpu_arch"] = device.chip;
    if (options.cudaEmulateOnHost)
      compileOptions["gpu_emulated_on_host"] = true;
    compileOptions["gpu_binary"] = device.toolkit.empty() ? "ptx" : "fatbin";
    compileOptions["mcpu"] = host.cpu;
    compileOptions["target"] = host.triple;
  }

private:
  cpu::Machine host;
  TargetOptions options;
  DeviceCodeOptions device;
};

} // namespace

llvm::Expected<std::unique_ptr<TargetBackend>> createCudaTarget(const TargetOptions &options) {
  DeviceCodeOptions device;
  const GpuArch *arch =
      llvm::find_if(kGpuArchs, [&](const GpuArch &known) { return options.gpuArch == known.name; });
  if (arch == std::end(kGpuArchs)) {
    std::vector<std::string> names;
    for (const GpuArch &known : kGpuArchs)
      names.push_back(known.name);
    return llvm::createStringError("--gpu-arch '" + options.gpuArch + "' is not one of " +
                                   llvm::join(names, ", "));
  }
  device.chip = arch->name;
  device.features = arch->features;
  llvm::Expected<std::string> toolkit = findCudaToolkit(options);
  if (!toolkit)
    return toolkit.takeError();
  device.toolkit = std::move(*toolkit);
  if (options.ternaryKernel != "mad")
    return llvm::createStringError("--ternary-kernel=" + options.ternaryKernel +
                                   " is a CPU kernel family; the CUDA target runs ternary "
                                   "layers with its own loops (leave --ternary-kernel out)");
  if (!options.kernelOptions.empty() || !options.ternaryKernelOptions.empty())
    return llvm::createStringError("--kernel-options and --ternary-kernel-options configure the "
                                   "CPU kernels; the CUDA target has none of them");
  // The host code is the launch sequence: portable x86-64 unless asked.
  TargetOptions hostOptions = options;
  if (hostOptions.cpu == "host")
    hostOptions.cpu = "x86-64-v2";
  llvm::Expected<cpu::Machine> host = cpu::createMachine(hostOptions);
  if (!host)
    return host.takeError();
  return std::make_unique<CudaTarget>(std::move(*host), options, std::move(device));
}

void registerGpuPipelines() {
  auto add = [](const char *name, const char *summary,
                LogicalResult (*build)(OpPassManager &, const DeviceCodeOptions &)) {
    PassPipelineRegistration<>(name, summary, [name, build](OpPassManager &pm) {
      if (failed(build(pm, DeviceCodeOptions())))
        llvm::report_fatal_error(llvm::Twine(name) + ": invalid built-in pipeline");
    });
  };
  add("tern-buffers-to-gpu",
      "CUDA target: bufferized memref IR to host code launching gpu.module kernels (sm_90)",
      buildBuffersToGpuPipeline);
  add("tern-gpu-to-llvm",
      "CUDA target: the gpu stage to the LLVM dialect with PTX embedded (sm_90, no toolkit)",
      buildGpuToLLVMPipeline);
}

} // namespace ternion::cuda
