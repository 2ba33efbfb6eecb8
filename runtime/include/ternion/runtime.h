/*===- ternion/runtime.h - Ternion runtime C API ----------------*- C -*-===*\
|*                                                                            *|
|* Loads artifacts produced by ternion-compile (a `name.tnx/` directory with  *|
|* manifest.json, model.so and weights.bin) and runs their functions on       *|
|* tensors. Pure C; compiles as C99 and C++. The implementation does not      *|
|* link LLVM or MLIR: only libc, libdl and pthreads.                          *|
|*                                                                            *|
|* Conventions (as in ONNX Runtime's and IREE's C APIs):                      *|
|*  - Every call that can fail returns a tnx_status_t: NULL means success,    *|
|*    anything else is an error object the caller frees with                  *|
|*    tnx_status_free. Nothing aborts the process or prints on bad input.     *|
|*  - Plain accessors on a valid handle (names, ranks, dtypes) cannot fail    *|
|*    and return their value directly; given NULL they return a neutral       *|
|*    value (0, "", NULL).                                                    *|
|*  - Out-parameters are written only on success.                             *|
|*  - Strings returned by the runtime are owned by the object they came from  *|
|*    and live as long as it does.                                            *|
|*  - Artifacts and tensors are reference counted, so a session keeps its     *|
|*    artifact alive and a bound input stays valid until it is replaced.      *|
|*                                                                            *|
|* Threads: an open artifact is immutable and may be shared by sessions on    *|
|* any number of threads. A session (and the tensors it hands out) must be    *|
|* used by one thread at a time.                                              *|
|*                                                                            *|
|* See docs/runtime.md for the artifact format and the calling convention of  *|
|* the compiled code.                                                         *|
\*===----------------------------------------------------------------------===*/

#ifndef TERNION_RUNTIME_H
#define TERNION_RUNTIME_H

#include "ternion/abi.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define TNX_API __attribute__((visibility("default")))
#else
#define TNX_API
#endif

/* The artifact format this runtime reads (manifest "format_version") and
   the calling convention of model.so (its optional tnx_abi_version()),
   TNX_ARTIFACT_FORMAT_VERSION and TNX_ABI_VERSION, come from ternion/abi.h
   with everything else the compiler and the runtime share. */

/*===------------------------------ Status ------------------------------===*/

typedef enum tnx_status_code {
  TNX_STATUS_OK = 0,
  /* The caller passed something wrong: NULL handle, bad index, a tensor
     whose dtype or shape does not match the function's signature. */
  TNX_STATUS_INVALID_ARGUMENT = 1,
  /* A named function, input or output does not exist. */
  TNX_STATUS_NOT_FOUND = 2,
  /* A file could not be opened, read or mapped. */
  TNX_STATUS_IO_ERROR = 3,
  /* The artifact is corrupt: bad manifest, missing symbol, wrong size or
     checksum of the weights. */
  TNX_STATUS_INVALID_ARTIFACT = 4,
  /* Well-formed but not supported by this runtime (a newer format). */
  TNX_STATUS_UNSUPPORTED = 5,
  TNX_STATUS_OUT_OF_MEMORY = 6,
  /* A call made in the wrong state (run with an unbound input, read an
     output before the first run). */
  TNX_STATUS_FAILED_PRECONDITION = 7,
  /* The compiled code broke its contract (e.g. returned an output whose
     static shape differs from the manifest). Indicates a compiler bug. */
  TNX_STATUS_INTERNAL = 8,
  /* A fixed budget ran out, e.g. a generator's context reached its
     max_context. Retrying with a larger budget can succeed. */
  TNX_STATUS_RESOURCE_EXHAUSTED = 9
} tnx_status_code_t;

typedef struct tnx_status *tnx_status_t;

/* The code of a status; TNX_STATUS_OK for NULL. */
TNX_API tnx_status_code_t tnx_status_code(tnx_status_t status);
/* The message of a status; "" for NULL. Valid until tnx_status_free. */
TNX_API const char *tnx_status_message(tnx_status_t status);
/* A short name for a code, e.g. "INVALID_ARTIFACT". */
TNX_API const char *tnx_status_code_name(tnx_status_code_t code);
/* Frees a status; NULL is a no-op. */
TNX_API void tnx_status_free(tnx_status_t status);

/*===----------------------------- Versions -----------------------------===*/

/* The runtime's own version, e.g. "0.1.0". */
TNX_API const char *tnx_runtime_version(void);

/* Frees memory the runtime allocated for the caller (the token arrays and
   strings of the LLM API in ternion/llm.h). NULL is a no-op. */
TNX_API void tnx_free(void *memory);

/*===------------------------------ Dtypes ------------------------------===*/

typedef enum tnx_dtype {
  TNX_DTYPE_INVALID = 0,
  TNX_DTYPE_F32 = 1,
  TNX_DTYPE_F64 = 2,
  TNX_DTYPE_F16 = 3,
  TNX_DTYPE_BF16 = 4,
  TNX_DTYPE_I8 = 5,
  TNX_DTYPE_I16 = 6,
  TNX_DTYPE_I32 = 7,
  TNX_DTYPE_I64 = 8,
  TNX_DTYPE_U8 = 9,
  TNX_DTYPE_U16 = 10,
  TNX_DTYPE_U32 = 11,
  TNX_DTYPE_U64 = 12,
  /* One byte per element holding 0 or 1. */
  TNX_DTYPE_BOOL = 13
} tnx_dtype_t;

/* The manifest spelling ("f32", "bool", ...); "invalid" otherwise. */
TNX_API const char *tnx_dtype_name(tnx_dtype_t dtype);
/* Bytes per element; 0 for TNX_DTYPE_INVALID. */
TNX_API size_t tnx_dtype_size(tnx_dtype_t dtype);
/* Parses a manifest spelling; TNX_DTYPE_INVALID if unknown. */
TNX_API tnx_dtype_t tnx_dtype_from_name(const char *name);

/*===------------------------------ Tensors -----------------------------===*/

/* A dense, contiguous, row-major tensor. Shapes are int64_t[rank] with
   every dim >= 0 (a rank-0 tensor holds one element). */
typedef struct tnx_tensor tnx_tensor_t;

/* Allocates a zero-filled tensor (64-byte aligned data) with one reference
   owned by the caller. */
TNX_API tnx_status_t tnx_tensor_create(tnx_dtype_t dtype, const int64_t *shape,
                                       size_t rank, tnx_tensor_t **out);
/* Wraps caller memory without copying. `byte_size` must equal the size the
   dtype and shape imply. The caller keeps `data` alive (and unchanged while
   a run reads it) until the last reference to the tensor is released. */
TNX_API tnx_status_t tnx_tensor_wrap(tnx_dtype_t dtype, const int64_t *shape,
                                     size_t rank, void *data, size_t byte_size,
                                     tnx_tensor_t **out);
/* Adds a reference, e.g. to keep a session output past the next run. */
TNX_API void tnx_tensor_retain(tnx_tensor_t *tensor);
/* Drops a reference; frees the tensor (and owned data) at zero. NULL is a
   no-op. */
TNX_API void tnx_tensor_release(tnx_tensor_t *tensor);

TNX_API tnx_dtype_t tnx_tensor_dtype(const tnx_tensor_t *tensor);
TNX_API size_t tnx_tensor_rank(const tnx_tensor_t *tensor);
/* int64_t[rank]; NULL for rank 0. */
TNX_API const int64_t *tnx_tensor_shape(const tnx_tensor_t *tensor);
/* Never NULL for a valid tensor, even with zero elements. */
TNX_API void *tnx_tensor_data(const tnx_tensor_t *tensor);
TNX_API size_t tnx_tensor_byte_size(const tnx_tensor_t *tensor);
TNX_API size_t tnx_tensor_element_count(const tnx_tensor_t *tensor);

/*===----------------------------- Artifacts ----------------------------===*/

typedef struct tnx_artifact tnx_artifact_t;
/* One exported function of an artifact (borrowed from the artifact). */
typedef struct tnx_function tnx_function_t;
/* The signature of one input or output (borrowed from the artifact). */
typedef struct tnx_value_info tnx_value_info_t;

/* Options for tnx_artifact_open. Initialize with tnx_artifact_options_init
   so that fields added later get their defaults. */
typedef struct tnx_artifact_options {
  /* sizeof(tnx_artifact_options_t) as the caller compiled it. */
  size_t struct_size;
  /* Nonzero (the default): check weights.bin against the manifest's
     checksum on open (FNV-1a 64, ~0.1-0.3 s for 400 MB). */
  int verify_weights;
  /* Room for later options (device selection for GPU artifacts, a KV-cache
     budget for LLM mode, pinning the weights with mlock) goes here. */
} tnx_artifact_options_t;

TNX_API void tnx_artifact_options_init(tnx_artifact_options_t *options);

/* Opens the artifact directory `path` (e.g. "model.tnx"): parses and checks
   manifest.json, maps weights.bin read-only (verifying size and checksum)
   and loads model.so. `options` may be NULL for the defaults. */
TNX_API tnx_status_t tnx_artifact_open(const char *path,
                                       const tnx_artifact_options_t *options,
                                       tnx_artifact_t **out);
/* Drops the caller's reference. Sessions still open keep the artifact (its
   library and weights) alive until they are released. NULL is a no-op. */
TNX_API void tnx_artifact_close(tnx_artifact_t *artifact);

TNX_API int tnx_artifact_format_version(const tnx_artifact_t *artifact);
/* "tensor" for plain tensor-in/tensor-out models; "llm" for language
   models (prefill/decode, run by the generator of ternion/llm.h). */
TNX_API const char *tnx_artifact_model_kind(const tnx_artifact_t *artifact);
/* The ternion_version and llvm_version recorded by the compiler. */
TNX_API const char *tnx_artifact_producer_version(const tnx_artifact_t *a);
TNX_API const char *tnx_artifact_llvm_version(const tnx_artifact_t *a);
/* The full text of manifest.json, for sections this API does not model. */
TNX_API const char *tnx_artifact_manifest_json(const tnx_artifact_t *a);
/* Size in bytes of the mapped weights (0 without weights). */
TNX_API uint64_t tnx_artifact_weights_size(const tnx_artifact_t *artifact);

TNX_API size_t tnx_artifact_function_count(const tnx_artifact_t *artifact);
TNX_API tnx_status_t tnx_artifact_function(const tnx_artifact_t *artifact,
                                           size_t index,
                                           const tnx_function_t **out);
TNX_API tnx_status_t tnx_artifact_find_function(const tnx_artifact_t *artifact,
                                                const char *name,
                                                const tnx_function_t **out);

TNX_API const char *tnx_function_name(const tnx_function_t *function);
TNX_API size_t tnx_function_input_count(const tnx_function_t *function);
TNX_API size_t tnx_function_output_count(const tnx_function_t *function);
TNX_API tnx_status_t tnx_function_input(const tnx_function_t *function,
                                        size_t index,
                                        const tnx_value_info_t **out);
TNX_API tnx_status_t tnx_function_output(const tnx_function_t *function,
                                         size_t index,
                                         const tnx_value_info_t **out);
/* Index of the input/output called `name`. */
TNX_API tnx_status_t tnx_function_find_input(const tnx_function_t *function,
                                             const char *name, size_t *index);
TNX_API tnx_status_t tnx_function_find_output(const tnx_function_t *function,
                                              const char *name, size_t *index);

TNX_API const char *tnx_value_info_name(const tnx_value_info_t *info);
TNX_API tnx_dtype_t tnx_value_info_dtype(const tnx_value_info_t *info);
TNX_API size_t tnx_value_info_rank(const tnx_value_info_t *info);
/* int64_t[rank]; -1 marks a dynamic dim. NULL for rank 0. */
TNX_API const int64_t *tnx_value_info_dims(const tnx_value_info_t *info);
/* The symbolic name of dim `dim` ("batch", "sequence"), "" if it has none
   or `dim` is out of range. */
TNX_API const char *tnx_value_info_dim_param(const tnx_value_info_t *info,
                                             size_t dim);

/*===----------------------------- Sessions -----------------------------===*/

/* Runs one function of an artifact: bind inputs, run, read outputs. The
   LLM API (ternion/llm.h: tokenizer, sampler, and a generator that owns
   the KV cache) is built on sessions over the same artifact handle. */
typedef struct tnx_session tnx_session_t;

/* `function` names the function to run; NULL selects the first one. The
   session holds a reference to the artifact. */
TNX_API tnx_status_t tnx_session_create(tnx_artifact_t *artifact,
                                        const char *function,
                                        tnx_session_t **out);
/* Releases the session, its bound inputs and its outputs. NULL: no-op. */
TNX_API void tnx_session_release(tnx_session_t *session);
TNX_API const tnx_function_t *tnx_session_function(const tnx_session_t *s);

/* Binds `tensor` (retained; NULL unbinds) to an input. Checks dtype, rank
   and static dims right away; dim_params across inputs are checked by
   tnx_session_run. */
TNX_API tnx_status_t tnx_session_bind_input(tnx_session_t *session,
                                            size_t index, tnx_tensor_t *tensor);
TNX_API tnx_status_t tnx_session_bind_input_by_name(tnx_session_t *session,
                                                    const char *name,
                                                    tnx_tensor_t *tensor);
/* Validates the bound inputs (all bound; dtype, rank and static dims match;
   a dim_param has one value across all inputs; a dim_param that is a sum
   or difference of names and integers, e.g. "past_sequence+sequence", must
   equal its value) and runs the function.
   Replaces the outputs of the previous run. */
TNX_API tnx_status_t tnx_session_run(tnx_session_t *session);
/* The output of the last run, borrowed: valid until the next run or the
   session's release (tnx_tensor_retain it to keep it longer). */
TNX_API tnx_status_t tnx_session_output(tnx_session_t *session, size_t index,
                                        tnx_tensor_t **out);
TNX_API tnx_status_t tnx_session_output_by_name(tnx_session_t *session,
                                                const char *name,
                                                tnx_tensor_t **out);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TERNION_RUNTIME_H */
