// RUN: ternion-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(func.func(tern-quantize{bits=7}))'
// RUN: not ternion-opt %s --pass-pipeline='builtin.module(func.func(tern-quantize{method=gptq}))' 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not ternion-opt %s --pass-pipeline='builtin.module(func.func(tern-quantize{group-size=12}))' 2>&1 | FileCheck %s --check-prefix=GROUP

// expected-error @below {{tern-quantize: bits must be 2, 3, 4, 5, 6 or 8, not 7}}
func.func @f() {
  return
}
// METHOD: tern-quantize: method must be rtn or sinq, not 'gptq'
// GROUP: tern-quantize: group-size must be a positive multiple of 8, not 12
