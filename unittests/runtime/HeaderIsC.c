/*===- HeaderIsC.c - runtime.h compiles as C ------------------------------===*\
|* Built into the runtime tests as C so that a C++-only construct in the    *|
|* public header breaks the build.                                          *|
\*===----------------------------------------------------------------------===*/
#include "ternion/runtime.h"

int ternionRuntimeHeaderIsC(void) {
  tnx_artifact_options_t options;
  tnx_artifact_options_init(&options);
  return options.verify_weights && tnx_dtype_size(TNX_DTYPE_F32) == 4;
}
