// RUN: ternion-opt %s --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(tern-gpu-map-parallel-loops{block-size=48}))'

// expected-error @below {{block-size 48 is not a multiple of 32 in 32..1024}}
func.func @bad_block(%a: memref<8xf32>) {
  return
}
