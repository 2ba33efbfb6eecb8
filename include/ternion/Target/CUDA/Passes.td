//===- Passes.td - The CUDA target's passes --------------------*- tablegen -*-===//
//
// What the CUDA target adds to upstream's GPU lowering (linalg -> parallel
// loops -> gpu.launch -> gpu.module -> NVVM -> PTX): the choice of which
// loop dimension becomes the threads of a block.
//
//===----------------------------------------------------------------------===//

#ifndef TERNION_TARGET_CUDA_PASSES_TD
#define TERNION_TARGET_CUDA_PASSES_TD

include "mlir/Pass/PassBase.td"

def GpuMapParallelLoops : Pass<"tern-gpu-map-parallel-loops", "mlir::func::FuncOp"> {
  let summary = "Tile outermost scf.parallel loops into blocks of threads and map them to the GPU";
  let description = [{
    Upstream's `gpu-map-parallel-loops` maps the dims of an outermost
    `scf.parallel` to blocks and those of a nested one to threads, so a loop
    straight from `convert-linalg-to-parallel-loops` runs one thread per
    block. This pass tiles each outermost loop first: its innermost dim
    (the contiguous one in the row-major buffers Ternion lowers to) is split
    into tiles of `block-size` threads (fewer when the dim is smaller, but at
    least a warp), the other dims into tiles of one. The tile loop becomes
    the grid (innermost dim -> block x, the next two -> y and z, any further
    dim a loop inside the kernel) and the intra-tile loop the threads of a
    block (thread x), guarded against the ragged last tile. Adjacent threads
    so touch adjacent elements: loads and stores coalesce. Nested parallel
    loops become `scf.for` nests that run sequentially in their thread. `convert-parallel-loops-to-gpu`
    then turns each mapped loop into a `gpu.launch`.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect", "::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect", "::mlir::scf::SCFDialect"];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"256",
           "Threads of a block (a multiple of 32, at most 1024)">,
  ];
  let statistics = [
    Statistic<"mappedLoops", "mapped-loops", "Parallel loops mapped to a grid of blocks">,
  ];
}

def GpuNativeMath : Pass<"tern-gpu-native-math", "mlir::gpu::GPUModuleOp"> {
  let summary = "Lower the math ops PTX has instructions for to LLVM intrinsics";
  let description = [{
    `convert-gpu-to-nvvm` turns every `math` op into a call of libdevice
    (`__nv_fmaf`, `__nv_floorf`, ...), which only links where a CUDA toolkit
    is installed, and costs a call where PTX has the instruction. This pass
    rewrites `math.fma` on f32 and f64 into the LLVM intrinsic NVPTX selects
    (`fma.rn`), and scalar `absf`, `floor`, `ceil`, `roundeven`, `sqrt` and
    `rsqrt` into their one PTX instruction as inline assembly (`abs`,
    `cvt.rmi`, `cvt.rpi`, `cvt.rni`, `sqrt.rn`, `rsqrt.approx`, as
    libdevice's own `__nv_rsqrtf`), since `convert-gpu-to-nvvm` would send
    even those intrinsics to libdevice. `math.powf` by a constant 1, 2, 3,
    -1, 0.5 or -0.5 (a norm's square, GELU's cube) becomes multiplications,
    a division or a square root. Run it inside `gpu.module` before
    `convert-gpu-to-nvvm`; what it leaves (sin, cos, other powers) still
    needs libdevice, which a compile without a toolkit refuses by name.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect", "::mlir::arith::ArithDialect"];
}

def GpuCheckDeviceCalls : Pass<"tern-gpu-check-device-calls", "mlir::ModuleOp"> {
  let summary = "Refuse PTX that calls functions nothing will link (libdevice without a toolkit)";
  let description = [{
    Runs after `gpu-module-to-binary{format=isa}`. PTX that declares an
    `.extern .func` (a libdevice function such as `__nv_sinf`, linked only
    when a CUDA toolkit is given) would compile here and fail in the driver
    when the artifact is opened on a GPU. This pass makes it a compile
    error that names the functions and the kernel module, and says to give
    `--cuda-toolkit`.
  }];
}

def GpuMergeModules : Pass<"tern-gpu-merge-modules", "mlir::ModuleOp"> {
  let summary = "Move every outlined kernel into one gpu.module";
  let description = [{
    `gpu-kernel-outlining` puts each kernel in a `gpu.module` of its own, so
    a model becomes hundreds of PTX modules, each loaded with its own
    `cuModuleLoadData` when the artifact opens and each a separate PTX
    file. This pass moves every kernel into one module, `@kernels`, naming
    each after the module it came from (those names are unique), and points
    the `gpu.launch_func` ops at it: one PTX module, one load, one `ptxas`
    run per artifact. A parallel loop still on the host at this point (one
    `convert-parallel-loops-to-gpu` could not map) is an error: it would
    run on the CPU against memory the GPU owns, silently slow.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def GpuLaunchToLoops : Pass<"tern-gpu-launch-to-loops", "mlir::func::FuncOp"> {
  let summary = "Run gpu.launch bodies as host loops (the CUDA lowering checked on a CPU)";
  let description = [{
    Replaces each `gpu.launch` by an `scf.parallel` over its grid and block
    (block z, y, x, then thread z, y, x) whose body is the launch's, with the
    block and thread ids, grid and block sizes replaced by the loop's
    indices and the launch's operands. Valid for kernels without barriers,
    shared memory or clusters, which is all `tern-gpu-map-parallel-loops`
    makes (anything else is an error).

    It exists to test the CUDA target where there is no GPU:
    `ternion-compile --target=cuda --cuda-emulate-on-host` runs everything
    the CUDA lowering decides (weight layout, all copies as loops, the
    mapping to blocks and threads and its bounds guards, the inline math)
    and then this pass instead of outlining and NVVM, giving a CPU artifact
    whose outputs are checked against the PyTorch references.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect", "::mlir::arith::ArithDialect"];
}

#endif // TERNION_TARGET_CUDA_PASSES_TD
