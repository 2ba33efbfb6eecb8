/*===- HeaderIsC.c - runtime.h and llm.h compile as C ---------------------===*\
|* Built into the runtime tests as C so that a C++-only construct in the    *|
|* public header breaks the build.                                          *|
\*===----------------------------------------------------------------------===*/
#include "ternion/llm.h"
#include "ternion/runtime.h"

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
