// RUN: ternion-opt %s --split-input-file --verify-diagnostics --tern-gpu-check-device-calls

// PTX that calls libdevice without it linked would fail only when the
// driver loads it on a GPU: a compile error instead, naming the calls.
module attributes {gpu.container_module} {
  // expected-error @below {{the kernels of @kernels call __nv_sinf, __nv_powf, which only libdevice provides: give --cuda-toolkit=<dir>}}
  gpu.binary @kernels [#gpu.object<#nvvm.target<chip = "sm_90">, assembly = ".version 8.0\0A.target sm_90\0A.extern .func (.param .b32 func_retval0) __nv_sinf\0A(\0A.param .b32 p0\0A);\0A.extern .func (.param .b32 func_retval0) __nv_powf\0A(\0A.param .b32 p0\0A);\0A.extern .func (.param .b32 func_retval0) __nv_sinf\0A(\0A.param .b32 p0\0A);\0A">]
}

// -----

// Self-contained PTX passes.
module attributes {gpu.container_module} {
  gpu.binary @kernels [#gpu.object<#nvvm.target<chip = "sm_90">, assembly = ".version 8.0\0A.target sm_90\0A.visible .entry k()\0A{\0Aret;\0A}\0A">]
}
