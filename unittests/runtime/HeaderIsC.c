/*===- HeaderIsC.c - The public headers compile as C ----------------------===*\
|* Built into the runtime tests as C so that a C++-only construct in a       *|
|* public header (runtime.h, llm.h, and abi.h, which the compiler shares)   *|
|* breaks the build.                                                        *|
\*===----------------------------------------------------------------------===*/
#include "ternion/abi.h"
#include "ternion/llm.h"
#include "ternion/runtime.h"

#include <stddef.h>

/* The descriptor structs have the word layout of TNX_MEMREF_WORDS. */
_Static_assert(sizeof(tnx_memref2_t) == TNX_MEMREF_WORDS(2) * sizeof(int64_t),
               "a rank-2 descriptor is 7 words");
_Static_assert(offsetof(tnx_memref4_t, strides) ==
                   TNX_MEMREF_STRIDES(4) * sizeof(int64_t),
               "strides follow the sizes");

int ternionRuntimeHeaderIsC(void) {
  tnx_artifact_options_t options;
  tnx_artifact_options_init(&options);
  return options.verify_weights && tnx_dtype_size(TNX_DTYPE_F32) == 4;
}

int ternionLlmHeaderIsC(void) {
  tnx_generator_options_t options;
  tnx_generator_options_init(&options);
  return options.sampler.top_k == 40;
}

int ternionAbiHeaderIsC(void) {
  tnx_memref1_t weights = {0};
  tnx_set_allocator_fn setAllocator = 0;
  weights.sizes[0] = TNX_WEIGHTS_ALIGNMENT;
  return setAllocator == 0 && weights.sizes[0] == 64 && TNX_ARG_RESULTS(2) == 3;
}
