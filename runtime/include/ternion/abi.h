/*===- ternion/abi.h - What the compiler and the runtime share ---*- C -*-===*\
|*                                                                            *|
|* The one definition of the artifact contract between ternion-compile,      *|
|* which writes artifacts (lib/Artifact), and the runtime, which loads them   *|
|* (runtime/lib/core): versions, file names, manifest spellings, the symbols  *|
|* the runtime looks up in model.so, the calling convention of its entry     *|
|* points and the bounds both sides check. A constant that either side needs  *|
|* to agree on with the other belongs here and nowhere else, so that one     *|
|* edit changes both (docs/runtime.md describes the format in prose).        *|
|*                                                                            *|
|* Dependency-free: C99 or C++, only <stddef.h> and <stdint.h>, no           *|
|* functions. The compiler includes it without linking the runtime.          *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef TERNION_ABI_H
#define TERNION_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*===----------------------------- Versions -----------------------------===*/

/* manifest.json's "format" and "format_version": the layout of the
   directory and the manifest. A runtime refuses other versions. */
#define TNX_ARTIFACT_FORMAT "ternion-artifact"
#define TNX_ARTIFACT_FORMAT_VERSION 1
/* What model.so's optional tnx_abi_version() returns: the calling
   convention below. A runtime refuses other versions. */
#define TNX_ABI_VERSION 1

/*===---------------------------- File names ----------------------------===*/

/* The files of an artifact directory `name.tnx/`. The runtime finds the
   manifest by this name; the library and weights by the names the
   manifest gives ("library", "weights.file"), which the compiler writes
   as these. */
#define TNX_MANIFEST_FILE "manifest.json"
#define TNX_LIBRARY_FILE "model.so"
#define TNX_WEIGHTS_FILE "weights.bin"
/* The tokenizer a language model ships, by kind (tokenizer "type"). */
#define TNX_TOKENIZER_MODEL_FILE "tokenizer.model"
#define TNX_TOKENIZER_JSON_FILE "tokenizer.json"

/*===------------------------- Manifest spellings -----------------------===*/

/* "device": where the compiled code runs and its buffers live. Absent
   means the CPU. A "cuda" artifact's model.so embeds its kernels (PTX, or
   a fatbin with PTX and cubin) and calls the runtime's mgpu* functions to
   load and launch them (runtime/lib/device/CudaLaunch.cpp). */
#define TNX_DEVICE_CPU "cpu"
#define TNX_DEVICE_CUDA "cuda"

/* "model_kind". */
#define TNX_MODEL_KIND_TENSOR "tensor"
#define TNX_MODEL_KIND_LLM "llm"

/* tokenizer "type": a SentencePiece model, or a byte-level
   tokenizer.json (whose own "type" is the same word). */
#define TNX_TOKENIZER_TYPE_SENTENCEPIECE "sentencepiece"
#define TNX_TOKENIZER_TYPE_BYTES "bytes"

/* The "dtype" of a value; tnx_dtype_t (runtime.h) has one enumerator per
   name. bool is one byte holding 0 or 1. */
#define TNX_DTYPE_NAME_F32 "f32"
#define TNX_DTYPE_NAME_F64 "f64"
#define TNX_DTYPE_NAME_F16 "f16"
#define TNX_DTYPE_NAME_BF16 "bf16"
#define TNX_DTYPE_NAME_I8 "i8"
#define TNX_DTYPE_NAME_I16 "i16"
#define TNX_DTYPE_NAME_I32 "i32"
#define TNX_DTYPE_NAME_I64 "i64"
#define TNX_DTYPE_NAME_U8 "u8"
#define TNX_DTYPE_NAME_U16 "u16"
#define TNX_DTYPE_NAME_U32 "u32"
#define TNX_DTYPE_NAME_U64 "u64"
#define TNX_DTYPE_NAME_BOOL "bool"

/* The language-model I/O convention (Hugging Face Optimum / ONNX Runtime
   GenAI) by which the compiler recognizes an LLM and the runtime's
   generator binds its values: input_ids, attention_mask, position_ids,
   past_key_values.N.key|value -> logits, present.N.key|value. */
#define TNX_LLM_INPUT_IDS "input_ids"
#define TNX_LLM_ATTENTION_MASK "attention_mask"
#define TNX_LLM_POSITION_IDS "position_ids"
#define TNX_LLM_PAST_PREFIX "past_key_values."
#define TNX_LLM_LOGITS "logits"
#define TNX_LLM_PRESENT_PREFIX "present."
/* Most tokens a draft model may propose per target pass (the manifest's
   speculative.draft_tokens, tnx_generator_options.draft_tokens). */
#define TNX_MAX_DRAFT_TOKENS 16

/*===------------------------------ Weights -----------------------------===*/

/* The alignment of each constant in weights.bin (the manifest records the
   one used as "weights.alignment"; this is the compiler's default). */
#define TNX_WEIGHTS_ALIGNMENT 64
/* weights.checksum is this prefix and 16 lowercase hex digits of FNV-1a 64
   over the whole file, with these parameters. */
#define TNX_WEIGHTS_CHECKSUM_PREFIX "fnv1a64:"
#define TNX_FNV1A64_OFFSET_BASIS 0xcbf29ce484222325ULL
#define TNX_FNV1A64_PRIME 0x100000001b3ULL

/* Every buffer the runtime hands the compiled code (inputs, KV caches,
   blocks from the allocator it installs) starts at a multiple of this. */
#define TNX_BUFFER_ALIGNMENT 64

/*===------------------------ Symbols of model.so -----------------------===*/

/* A function named N in the manifest is the symbol TNX_ENTRY_POINT_PREFIX
   N (the manifest records the full symbol). */
#define TNX_ENTRY_POINT_PREFIX "tnx_"
/* Optional: int tnx_abi_version(void), returning TNX_ABI_VERSION. */
#define TNX_ABI_VERSION_SYMBOL "tnx_abi_version"
/* Optional: void tnx_set_allocator(alloc, release). The compiled code
   routes every malloc and free through the pair it is given; the runtime
   calls it once on open, before any function runs, and releases output
   buffers through `release`. */
#define TNX_SET_ALLOCATOR_SYMBOL "tnx_set_allocator"

typedef int (*tnx_abi_version_fn)(void);
typedef void *(*tnx_alloc_fn)(size_t size);
typedef void (*tnx_release_fn)(void *buffer);
typedef void (*tnx_set_allocator_fn)(tnx_alloc_fn alloc,
                                     tnx_release_fn release);

/*===--------------------------- Entry points ---------------------------===*/

/* void <symbol>(void **args) with n inputs and m outputs:
     args[0 .. n)  a memref descriptor per input (read-only, except inputs
                   marked "kv_cache" in the manifest),
     args[n]       the weights: a rank-1 i8 descriptor of the mapping of
                   weights.bin (size in bytes, stride 1),
     args[n + 1]   zero-filled storage for the m output descriptors, back
                   to back, that the compiled code fills. */
typedef void (*tnx_entry_point_fn)(void **args);
#define TNX_ARG_WEIGHTS(num_inputs) (num_inputs)
#define TNX_ARG_RESULTS(num_inputs) ((num_inputs) + 1)
#define TNX_ARG_COUNT(num_inputs) ((num_inputs) + 2)

/* MLIR's ranked memref descriptor, as 8-byte words:
     [0] allocated  the pointer to release (the allocator's block),
     [1] aligned    the pointer data is addressed from,
     [2] offset     in elements, from `aligned`,
     [3 .. 3+r)     sizes, outermost first,
     [3+r .. 3+2r)  strides, in elements.
   Element (i0, ..., ir-1) is at aligned + (offset + sum ik * strides[k])
   elements. Pointers are stored in the first 8 bytes of their word. */
#define TNX_MEMREF_ALLOCATED 0
#define TNX_MEMREF_ALIGNED 1
#define TNX_MEMREF_OFFSET 2
#define TNX_MEMREF_SIZES 3
#define TNX_MEMREF_STRIDES(rank) (3 + (rank))
#define TNX_MEMREF_WORDS(rank) (3 + 2 * (rank))

/* The same layout as a struct, for code that knows the rank. */
#define TNX_MEMREF_STRUCT(rank)                                                \
  struct {                                                                     \
    void *allocated;                                                           \
    void *aligned;                                                             \
    int64_t offset;                                                            \
    int64_t sizes[rank];                                                       \
    int64_t strides[rank];                                                     \
  }
typedef TNX_MEMREF_STRUCT(1) tnx_memref1_t;
typedef TNX_MEMREF_STRUCT(2) tnx_memref2_t;
typedef TNX_MEMREF_STRUCT(3) tnx_memref3_t;
typedef TNX_MEMREF_STRUCT(4) tnx_memref4_t;

/*===-------------------------- Byte tokenizer --------------------------===*/

/* A byte tokenizer's ids 0 .. TNX_BYTE_TOKENIZER_BYTES-1 are UTF-8 bytes;
   special ids come after them, up to a vocab_size of at most
   TNX_BYTE_TOKENIZER_MAX_VOCAB (a bound that keeps a hostile file from
   making the runtime allocate billions of pieces; the compiler refuses
   what the runtime would). */
#define TNX_BYTE_TOKENIZER_BYTES 256
#define TNX_BYTE_TOKENIZER_MAX_VOCAB (1 << 20)

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TERNION_ABI_H */
