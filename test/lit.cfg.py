# -*- Python -*-
# The Ternion lit suite: FileCheck tests for import, the dialect and passes.
import os
import shutil

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "Ternion"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.ternion_obj_root, "test")
# Unit/ has its own config (GoogleTest); models/ and inputs/ hold data.
config.excludes = ["Unit", "Inputs", "models", "lit.cfg.py", "lit.site.cfg.py"]

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

# Debian's python3 has onnx/numpy; the first python3 on PATH may not.
python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else shutil.which("python3")
config.substitutions.append(("%python", python))
config.substitutions.append(("%models", os.path.join(config.ternion_src_root, "test", "models")))
config.substitutions.append(("%ternion_src_root", config.ternion_src_root))
config.substitutions.append(("%ternion_obj_root", config.ternion_obj_root))
config.substitutions.append(("%scripts", os.path.join(config.ternion_src_root, "scripts")))
config.substitutions.append(("%ternion_tools_dir", config.ternion_tools_dir))
config.substitutions.append(("%inputs", os.path.join(config.test_source_root, "Inputs")))
# The hand-written artifact library of the runtime tests (Runtime/ uses it).
config.substitutions.append(("%test_model_lib", os.path.join(
    config.ternion_obj_root, "unittests", "runtime", "fixtures", "libTernionTestModel.so")))
# The fake language model of the generator tests (fixtures/fake_llm.c).
config.substitutions.append(("%fake_llm_lib", os.path.join(
    config.ternion_obj_root, "unittests", "runtime", "fixtures", "libTernionFakeLlm.so")))
# A stand-in for libcuda.so.1 over host memory that runs no kernels
# (fixtures/fake_cuda.c): the runtime's CUDA path end to end without a GPU.
config.substitutions.append(("%fake_cuda_lib", os.path.join(
    config.ternion_obj_root, "unittests", "runtime", "fixtures", "libTernionFakeCuda.so")))

tools = [
    ToolSubst("ternion-opt", unresolved="fatal"),
    ToolSubst("ternion-translate", unresolved="fatal"),
    ToolSubst("ternion-run", unresolved="fatal"),
    ToolSubst("ternion-compile", unresolved="fatal"),
    ToolSubst("ternion-search-attention", unresolved="fatal"),
    ToolSubst("mlir-translate", unresolved="fatal"),
    ToolSubst("mlir-runner", unresolved="fatal"),
    # The ternary kernel test disassembles objects with LLVM 22's, not an older
    # llvm-objdump earlier on PATH.
    ToolSubst("llvm-objdump", unresolved="fatal"),
]
llvm_config.add_tool_substitutions(tools, [config.ternion_tools_dir, config.llvm_tools_dir])
# Numeric lowering tests run lowered functions with mlir-runner and print
# results through MLIR's runner utilities (printMemrefF32 and friends).
config.substitutions.append(("%mlir_runner_utils", os.path.join(
    config.llvm_tools_dir, "..", "lib", "libmlir_runner_utils.so")))
config.substitutions.append(("%mlir_c_runner_utils", os.path.join(
    config.llvm_tools_dir, "..", "lib", "libmlir_c_runner_utils.so")))
# Linking code lowered by tern-lower-to-llvm: its parallel loops call LLVM's
# OpenMP runtime (ternion-compile links model.so with the same flags).
# mlir-runner -shared-libs= of code with parallel loops.
config.substitutions.append(("%openmp_runtime", config.openmp_library))
config.substitutions.append(("%openmp_link", "{} -Wl,-rpath,{}".format(
    config.openmp_library, os.path.dirname(config.openmp_library))))

# The sanitizer build (scripts/test.sh --sanitize) and its fuzzers.
if config.ternion_sanitize:
    config.available_features.add("sanitize")
if config.ternion_build_fuzzers.upper() in ("ON", "1", "TRUE", "YES"):
    config.available_features.add("fuzzers")
    config.substitutions.append(("%fuzzers", os.path.join(config.ternion_obj_root, "fuzz")))

if python and os.system(python + " -c 'import onnx, numpy' 2>/dev/null") == 0:
    config.available_features.add("onnx-python")
if os.path.isdir("/usr/share/libonnx-testdata/data/node"):
    config.available_features.add("onnx-testdata")

# The host's x86 vector extensions, for tests that run code compiled for a
# given --mcpu only where the host can execute it
# (`%if host-avx512-vnni %{ ... %}`).
try:
    with open("/proc/cpuinfo") as cpuinfo:
        flags = next((line.split(":", 1)[1].split() for line in cpuinfo
                      if line.startswith("flags")), [])
except OSError:
    flags = []
for flag, feature in (("avx2", "host-avx2"), ("avx512bw", "host-avx512bw"),
                      ("avx512_vnni", "host-avx512-vnni"), ("avx_vnni", "host-avx-vnni")):
    if flag in flags:
        config.available_features.add(feature)

# CUDA. The PTX of the CUDA target is checked with ptxas wherever a toolkit
# is installed (`REQUIRES: ptxas`); tests that launch kernels need a GPU and
# its driver (`REQUIRES: cuda`) and are skipped without one.
cuda_home = os.environ.get("CUDA_HOME") or "/usr/local/cuda"
ptxas = os.path.join(cuda_home, "bin", "ptxas")
if os.access(ptxas, os.X_OK):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))
    config.substitutions.append(("%cuda_toolkit", cuda_home))
if os.path.exists("/dev/nvidia0") and any(
        os.path.exists(os.path.join(d, "libcuda.so.1"))
        for d in ("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/local/nvidia/lib64",
                  "/usr/lib/wsl/lib")):
    config.available_features.add("cuda")
