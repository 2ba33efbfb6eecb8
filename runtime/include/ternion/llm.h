/*===- ternion/llm.h - Ternion text generation C API -------------*- C -*-===*\
|*                                                                            *|
|* Text generation over the artifacts of ternion/runtime.h: a tokenizer       *|
|* (SentencePiece or byte-level), a sampler (greedy, temperature, top-k,      *|
|* top-p with a seeded portable PRNG) and a generator that drives a           *|
|* language-model function and owns its KV cache.                             *|
|*                                                                            *|
|* The generator drives functions that follow the Hugging Face Optimum /      *|
|* ONNX Runtime GenAI convention, batch 1:                                    *|
|*   input_ids [batch, sequence] (i64 or i32)                                 *|
|*   attention_mask [batch, past_sequence + sequence] (optional)              *|
|*   position_ids [batch, sequence] (optional)                                *|
|*   past_key_values.N.key|value [batch, heads, past_sequence, head_dim]      *|
|*     -> logits [batch, sequence, vocab] (f32, f16 or bf16)                  *|
|*        present.N.key|value [batch, heads, past_sequence + sequence, hd]    *|
|* A function without past_key_values inputs is run on the whole context at  *|
|* every step instead.                                                        *|
|*                                                                            *|
|* Conventions are those of ternion/runtime.h: every call that can fail       *|
|* returns a tnx_status_t (NULL = success); nothing aborts or prints.         *|
|* Tokenizers are immutable once open and may be shared across threads;       *|
|* samplers, text streams and generators are used by one thread at a time.    *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef TERNION_LLM_H
#define TERNION_LLM_H

#include "ternion/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/*===----------------------------- Tokenizer ----------------------------===*/

/* A tokenizer: a SentencePiece model, or a byte-level tokenizer (ids
   0..255 are UTF-8 bytes, ids from 256 special tokens). Reference counted:
   text streams hold one. */
typedef struct tnx_tokenizer tnx_tokenizer_t;

/* Opens a SentencePiece model file (e.g. tokenizer.model), or a
   tokenizer.json ({"type": "bytes", "vocab_size", "bos_id", "eos_id",
   ...}; a file named *.json or starting with '{'). BOS and EOS are the
   file's own ids; it adds no BOS by default. UNSUPPORTED for a
   tokenizer.json of another type. */
TNX_API tnx_status_t tnx_tokenizer_open(const char *path,
                                        tnx_tokenizer_t **out);
/* Opens the tokenizer named by the artifact's manifest ("tokenizer":
   {"file", "type": "sentencepiece" | "bytes", "bos_id", "eos_id",
   "add_bos"}); the manifest's ids and add_bos override the file's.
   NOT_FOUND if the manifest has no tokenizer section, UNSUPPORTED for
   another type. */
TNX_API tnx_status_t tnx_artifact_tokenizer(const tnx_artifact_t *artifact,
                                            tnx_tokenizer_t **out);
/* The tokenizer of the draft model of an artifact compiled for speculative
   decoding (ternion-compile --draft): the manifest's
   "speculative.draft_tokenizer", or the target's tokenizer when both models
   share it. NOT_FOUND if the artifact has no draft tokenizer. */
TNX_API tnx_status_t tnx_artifact_draft_tokenizer(const tnx_artifact_t *artifact,
                                                  tnx_tokenizer_t **out);
/* Drops the caller's reference. NULL is a no-op. */
TNX_API void tnx_tokenizer_release(tnx_tokenizer_t *tokenizer);

TNX_API size_t tnx_tokenizer_vocab_size(const tnx_tokenizer_t *tokenizer);
/* -1 where the tokenizer has none. */
TNX_API int32_t tnx_tokenizer_bos_id(const tnx_tokenizer_t *tokenizer);
TNX_API int32_t tnx_tokenizer_eos_id(const tnx_tokenizer_t *tokenizer);
/* Whether encoding prepends BOS by default. */
TNX_API int tnx_tokenizer_add_bos(const tnx_tokenizer_t *tokenizer);
/* The piece of a token as stored in the model ("▁the", "<0x0A>"); "" for
   an id out of range. A byte tokenizer names printable ASCII bytes by
   themselves, other bytes "<0xXX>" and special ids by role ("<eos>"). */
TNX_API const char *tnx_tokenizer_piece(const tnx_tokenizer_t *tokenizer,
                                        int32_t token);

/* Encodes `length` bytes of UTF-8 `text`. `add_bos`: 1 to prepend BOS, 0
   not to, -1 for the tokenizer's default. `*ids` is allocated by the
   runtime (free it with tnx_free; never NULL on success, even for 0
   tokens). */
TNX_API tnx_status_t tnx_tokenizer_encode(const tnx_tokenizer_t *tokenizer,
                                          const char *text, size_t length,
                                          int add_bos, int32_t **ids,
                                          size_t *count);
/* Decodes tokens to text as SentencePiece does: BOS/EOS vanish, the
   leading space of the first word is dropped, byte pieces are joined into
   UTF-8 (invalid bytes become U+FFFD). A byte tokenizer joins its bytes
   the same way, keeps every space and drops special ids. `*text` is
   NUL-terminated and allocated by the runtime (free it with tnx_free);
   `length` may be NULL. */
TNX_API tnx_status_t tnx_tokenizer_decode(const tnx_tokenizer_t *tokenizer,
                                          const int32_t *ids, size_t count,
                                          char **text, size_t *length);

/*===---------------------------- Text streams --------------------------===*/

/* Decodes tokens one at a time, for printing generated text as it comes:
   the concatenation of everything a stream returns equals
   tnx_tokenizer_decode of all its tokens (with `at_start` set). A
   character split over several byte pieces is returned once complete. */
typedef struct tnx_text_stream tnx_text_stream_t;

/* `at_start`: nonzero when the first token begins the text, so that its
   leading space is dropped as tnx_tokenizer_decode does; zero when the
   tokens continue text already shown (the generated tokens after a
   prompt). The stream holds a reference to the tokenizer. */
TNX_API tnx_status_t tnx_text_stream_create(tnx_tokenizer_t *tokenizer,
                                            int at_start,
                                            tnx_text_stream_t **out);
TNX_API void tnx_text_stream_release(tnx_text_stream_t *stream);
/* Adds one token. `*text` (NUL-terminated, `*length` bytes, possibly
   empty) is the text that became final; it is valid until the next call
   on the stream. `length` may be NULL. */
TNX_API tnx_status_t tnx_text_stream_put(tnx_text_stream_t *stream,
                                         int32_t token, const char **text,
                                         size_t *length);
/* Ends the text: bytes of an unfinished character come out as U+FFFD. The
   stream can go on afterwards, as a continuation. */
TNX_API tnx_status_t tnx_text_stream_flush(tnx_text_stream_t *stream,
                                           const char **text, size_t *length);

/*===------------------------------ Sampler -----------------------------===*/

/* How the next token is chosen from the logits. Initialize with
   tnx_sampler_options_init so that fields added later get defaults. */
typedef struct tnx_sampler_options {
  size_t struct_size;
  /* Logits are divided by it before the softmax; <= 0 selects greedy
     decoding (argmax; the first index on ties). Default 0.8. */
  float temperature;
  /* Keep only the k most likely tokens; 0 keeps all. Default 40. */
  int32_t top_k;
  /* Keep the smallest set of most likely tokens whose probabilities sum
     to at least top_p (nucleus sampling); 1 keeps all. Default 0.95. */
  float top_p;
  /* Seeds the sampler's PCG32 generator; the same seed, options and logits
     give the same tokens on every machine and run. Default 0. */
  uint64_t seed;
} tnx_sampler_options_t;

TNX_API void tnx_sampler_options_init(tnx_sampler_options_t *options);

typedef struct tnx_sampler tnx_sampler_t;

/* `options` may be NULL for the defaults. INVALID_ARGUMENT for top_k < 0
   or top_p outside (0, 1]. */
TNX_API tnx_status_t tnx_sampler_create(const tnx_sampler_options_t *options,
                                        tnx_sampler_t **out);
TNX_API void tnx_sampler_release(tnx_sampler_t *sampler);
/* Restarts the random sequence as if created with `seed`. */
TNX_API void tnx_sampler_reseed(tnx_sampler_t *sampler, uint64_t seed);
/* Picks a token from `count` logits. INVALID_ARGUMENT if count is 0, a
   logit is NaN or every logit is -inf. */
TNX_API tnx_status_t tnx_sampler_sample(tnx_sampler_t *sampler,
                                        const float *logits, size_t count,
                                        int32_t *token);

/*===----------------------------- Generator ----------------------------===*/

typedef struct tnx_generator_options {
  size_t struct_size;
  /* The function to drive; NULL selects "main" if the artifact has one,
     else its first function. */
  const char *function;
  /* Most tokens the context may hold (prompt and generated). 0 (default):
     the manifest's generation.max_context, else 2048. */
  int64_t max_context;
  tnx_sampler_options_t sampler;
  /* Speculative decoding, for artifacts compiled with a draft model
     (ternion-compile --draft; docs/speculative.md): the tokens the draft
     proposes per target pass. -1 (default): the artifact's; 0: the target
     alone; 1..16 (TNX_MAX_DRAFT_TOKENS). INVALID_ARGUMENT above 0 for an
     artifact without a draft, or for a function the draft does not
     speculate for (the default then runs that function alone).
     The tokens are the target's either way: greedy decoding gives exactly
     the target's tokens, sampling the target's distribution. */
  int32_t draft_tokens;
} tnx_generator_options_t;

TNX_API void tnx_generator_options_init(tnx_generator_options_t *options);

/* Drives a language-model function token by token. It owns the KV cache:
   the present.N outputs of one step are bound, without copying, as the
   past_key_values.N inputs of the next. */
typedef struct tnx_generator tnx_generator_t;

/* INVALID_ARGUMENT, naming what is missing, if the function does not
   follow the convention above. The generator holds the artifact. */
TNX_API tnx_status_t tnx_generator_create(tnx_artifact_t *artifact,
                                          const tnx_generator_options_t *opts,
                                          tnx_generator_t **out);
TNX_API void tnx_generator_release(tnx_generator_t *generator);

/* Appends tokens to the context and runs the model over all of them in one
   call (the prompt; later, more input in a conversation). The next
   tnx_generator_next samples from the logits of the last one.
   RESOURCE_EXHAUSTED if the context would exceed max_context. */
TNX_API tnx_status_t tnx_generator_prefill(tnx_generator_t *generator,
                                           const int32_t *ids, size_t count);
/* Samples the next token and appends it to the context. The model sees it
   lazily, in the call that next needs logits, so the last token of a
   generation costs no model run. FAILED_PRECONDITION before any prefill;
   RESOURCE_EXHAUSTED when the context is full. */
TNX_API tnx_status_t tnx_generator_next(tnx_generator_t *generator,
                                        int32_t *token);
/* The logits for the token after the context (running the model on a
   token appended by tnx_generator_next if it has not seen it yet), as f32.
   Valid until the next call on the generator. */
TNX_API tnx_status_t tnx_generator_logits(tnx_generator_t *generator,
                                          const float **logits, size_t *count);
/* Scores `count` >= 1 tokens as the continuation of the context and
   appends them, in one model run: log_probs[i] receives the natural log of
   the probability the model gave ids[i] after the context and ids[0..i).
   ids[0] has no prediction on an empty context: log_probs[0] is then NaN.
   This is what a perplexity measurement needs (exp of minus the mean of
   the log-probabilities). Afterwards tnx_generator_next samples after the
   last of them. RESOURCE_EXHAUSTED if the context would exceed
   max_context; INVALID_ARGUMENT for an id out of the vocabulary. */
TNX_API tnx_status_t tnx_generator_score(tnx_generator_t *generator,
                                         const int32_t *ids, size_t count,
                                         double *log_probs);
/* Forgets the context and the KV cache. */
TNX_API void tnx_generator_reset(tnx_generator_t *generator);

/* Tokens in the context, including one appended by tnx_generator_next. */
TNX_API size_t tnx_generator_context_length(const tnx_generator_t *g);
TNX_API int64_t tnx_generator_max_context(const tnx_generator_t *g);
/* The width of the logits. */
TNX_API size_t tnx_generator_vocab_size(const tnx_generator_t *g);
/* Number of past_key_values inputs (2 per layer); 0 for a function
   without a KV cache, which reruns the whole context each step. */
TNX_API size_t tnx_generator_cache_tensor_count(const tnx_generator_t *g);
/* The function it drives. */
TNX_API const tnx_function_t *tnx_generator_function(const tnx_generator_t *g);

/* What speculative decoding did since the generator was created. */
typedef struct tnx_speculative_stats {
  size_t struct_size;
  /* Target passes that verified draft tokens. */
  uint64_t target_passes;
  /* Draft tokens the target verified, and how many it accepted. */
  uint64_t drafted_tokens;
  uint64_t accepted_tokens;
  /* Tokens those passes produced: the accepted ones and one of the
     target's own per pass. */
  uint64_t produced_tokens;
  /* Seconds spent running the draft model and the target's passes. */
  double draft_seconds;
  double target_seconds;
  /* Tokens decoded without a round: the first after each prefill, and
     those where no round fit (the context nearly full; with different
     vocabularies, no word boundary within 8 tokens to re-encode from, or a
     draft whose text does not continue the context's tokens). */
  uint64_t plain_steps;
} tnx_speculative_stats_t;

/* The draft tokens per target pass the generator uses; 0 when it runs the
   target alone. */
TNX_API int32_t tnx_generator_draft_tokens(const tnx_generator_t *g);
/* Fills `*stats` (set stats->struct_size = sizeof(*stats) first; fields
   past it are left alone). All zero when the generator does not
   speculate. */
TNX_API tnx_status_t tnx_generator_speculative_stats(const tnx_generator_t *g,
                                                     tnx_speculative_stats_t *stats);

/* Receives generated text: `token` and the text that became final with it
   (NUL-terminated, possibly empty), or token -1 with the bytes still
   pending at the end. A nonzero return stops the generation. */
typedef int (*tnx_generate_callback_t)(void *user_data, int32_t token,
                                       const char *text, size_t length);

/* Encodes `prompt` (with the tokenizer's default BOS), prefills it and
   generates up to `max_new_tokens` tokens, stopping after the tokenizer's
   EOS (which is passed to the callback with empty text). Continues the
   existing context; call tnx_generator_reset for a fresh one.
   `*generated` (may be NULL) receives the number of tokens generated. */
TNX_API tnx_status_t tnx_generator_generate(tnx_generator_t *generator,
                                            tnx_tokenizer_t *tokenizer,
                                            const char *prompt,
                                            size_t max_new_tokens,
                                            tnx_generate_callback_t callback,
                                            void *user_data, size_t *generated);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TERNION_LLM_H */
