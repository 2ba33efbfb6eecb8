//===- Speculative.cpp - Speculative decoding with a draft model ----------===//
//
// Speculative.h describes a round; docs/speculative.md the whole scheme and
// its measurements.
//
//===----------------------------------------------------------------------===//
#include "llm/Speculative.h"
#include "core/Artifact.h"
#include "core/Status.h"
#include "llm/Acceptance.h"
#include "llm/Generator.h"
#include "llm/Sampler.h"
#include "tokenizer/Tokenizer.h"

#include <algorithm>
#include <chrono>

#include <dlfcn.h>

using namespace ternion::runtime;

namespace {

using Clock = std::chrono::steady_clock;

/// Adds the seconds it lives to `total`: every way out of a round counts.
class Timed {
public:
  explicit Timed(double &total) : total(total), start(Clock::now()) {}
  ~Timed() { total += std::chrono::duration<double>(Clock::now() - start).count(); }
  Timed(const Timed &) = delete;
  Timed &operator=(const Timed &) = delete;

private:
  double &total;
  Clock::time_point start;
};

/// The name of the draft's cache set.
constexpr char DraftCacheName[] = "draft";
/// How many target tokens back SLEM looks for a word boundary to re-encode
/// the draft's text from.
constexpr size_t Lookbehind = 8;
/// Draft tokens per target token of a byte-level SLEM draft: its cache has
/// room for this many per token of the target's context, and it proposes
/// this many per target token it is asked for (about four bytes per token
/// of a 2k-32k vocabulary on English text). A draft with a vocabulary of
/// its own counts one for one.
constexpr int64_t BytesPerTargetToken = 4;

int64_t draftTokensPerTargetToken(const tnx_tokenizer &draftTokenizer) {
  return draftTokenizer.dropsLeadingSpace ? 1 : BytesPerTargetToken;
}

/// Whether every id is one of the tokenizer's: logits may be wider than a
/// tokenizer (embeddings padded to a multiple of 64), and their argmax or a
/// sampled id past its pieces has no text.
bool allInVocabulary(const tnx_tokenizer &tokenizer, const std::vector<int32_t> &ids) {
  return std::all_of(ids.begin(), ids.end(), [&](int32_t id) {
    return id >= 0 && static_cast<size_t>(id) < tokenizer.pieces.size();
  });
}

/// Appends the bytes `count` tokens `ids` stand for, as their pieces store
/// them: spaces kept, byte pieces as their byte, control tokens as nothing.
void appendRawText(const tnx_tokenizer &tokenizer, const int32_t *ids, size_t count,
                   std::string &out) {
  for (size_t i = 0; i < count; ++i) {
    const Piece &piece = tokenizer.pieces[ids[i]];
    switch (piece.kind) {
    case PieceKind::Normal:
    case PieceKind::Unknown:
      out += piece.surface;
      break;
    case PieceKind::Byte:
      out += static_cast<char>(piece.byte);
      break;
    case PieceKind::Control:
      break;
    }
  }
}

/// SentencePiece prepends a space to the text it encodes: text that starts
/// with one loses it first, so that encoding gives back the same pieces.
void dropDummyPrefix(const tnx_tokenizer &tokenizer, std::string &text) {
  if (tokenizer.dropsLeadingSpace && !text.empty() && text[0] == ' ')
    text.erase(0, 1);
}

/// Whether re-encoding text that starts at token `id` gives `id` back: a
/// token that starts a word (a byte-level tokenizer's every token).
bool startsWord(const tnx_tokenizer &tokenizer, int32_t id) {
  if (!tokenizer.dropsLeadingSpace)
    return true;
  const Piece &piece = tokenizer.pieces[id];
  return piece.kind == PieceKind::Normal && !piece.surface.empty() && piece.surface[0] == ' ';
}

size_t commonPrefix(const std::vector<int32_t> &a, const std::vector<int32_t> &b) {
  size_t n = std::min(a.size(), b.size()), i = 0;
  while (i < n && a[i] == b[i])
    ++i;
  return i;
}

int32_t argmax(const float *row, size_t count) {
  return static_cast<int32_t>(std::max_element(row, row + count) - row);
}

tnx_status_t unsampleable(tnx_status_t status) {
  std::string message = tnx_status_message(status);
  tnx_status_free(status);
  return makeStatus(TNX_STATUS_INTERNAL, "the model's logits cannot be sampled: " + message);
}

/// Runs the draft on one thread while it lives: a draft is small enough
/// that its step is bound by the OpenMP fork and join of each parallel
/// loop rather than by arithmetic (on llama-medium's 0.8M draft, 2 threads
/// took 30% longer per step than 1; docs/performance.md). The compiled code
/// links the OpenMP runtime; its per-thread thread count is set through the
/// artifact's library, and nothing happens where it has none.
class SerialDraft {
public:
  explicit SerialDraft(const Speculation &s) : set(s.setThreads) {
    if (set && s.getThreads) {
      before = s.getThreads();
      set(1);
    } else {
      set = nullptr;
    }
  }
  ~SerialDraft() {
    if (set)
      set(before);
  }
  SerialDraft(const SerialDraft &) = delete;
  SerialDraft &operator=(const SerialDraft &) = delete;

private:
  void (*set)(int);
  int before = 0;
};

/// Brings the draft's cache set to `tokens` (non-empty), keeping the
/// prefix it holds, and leaves the logits after the last in draftLogits.
tnx_status_t syncDraft(Speculation &s, const std::vector<int32_t> &tokens) {
  size_t keep = commonPrefix(s.draftCache->tokens(), tokens);
  if (keep == tokens.size())
    --keep; // the logits after the last token are needed
  if (tnx_status_t status = s.draftCache->truncate(keep))
    return status;
  return s.draft->step(*s.draftCache, tokens.data() + keep, tokens.size() - keep,
                       /*logitRows=*/1, s.draftLogits);
}

/// The draft proposes up to `count` tokens after draftLogits, into
/// `proposed`: its argmax, or draws from its sampling distribution (kept in
/// `proposal`) when `sample`. Stops after `stop` (the draft's EOS).
tnx_status_t propose(tnx_generator &gen, Speculation &s, size_t count, bool sample,
                     int32_t stop) {
  s.proposed.clear();
  for (size_t i = 0; i < count; ++i) {
    const float *row = s.draftLogits.row(0);
    size_t vocab = s.draftLogits.vocab;
    int32_t token = 0;
    if (sample) {
      if (s.proposal.size() <= i)
        s.proposal.emplace_back();
      std::vector<double> &q = s.proposal[i];
      if (tnx_status_t status = samplingDistribution(*gen.sampler, row, vocab, q))
        return unsampleable(status);
      token = drawIndex(gen.sampler->random, q);
    } else {
      token = argmax(row, vocab);
    }
    s.proposed.push_back(token);
    if (token == stop || i + 1 == count)
      break;
    if (tnx_status_t status = s.draft->step(*s.draftCache, &token, 1, 1, s.draftLogits))
      return status;
  }
  return nullptr;
}

/// The target runs over its pending token and `candidates`, and keeps them
/// up to the first it does not accept; its next token follows. Sets
/// `gen.ready`, `gen.pending` and the stats.
tnx_status_t verify(tnx_generator &gen, Speculation &s, const std::vector<int32_t> &candidates,
                    bool rejectionSampling) {
  size_t before = gen.targetCache->length(), n = candidates.size();
  s.encoded.assign(1, gen.pending.front());
  s.encoded.insert(s.encoded.end(), candidates.begin(), candidates.end());
  {
    Timed timed(s.stats.target_seconds);
    if (tnx_status_t status =
            gen.target->step(*gen.targetCache, s.encoded.data(), n + 1, n + 1, gen.scratch))
      return status;
  }
  const StepLogits &rows = gen.scratch;

  size_t accepted = 0;
  int32_t next = 0;
  tnx_status_t status = nullptr;
  if (rejectionSampling) {
    s.target.resize(std::max(s.target.size(), n + 1));
    for (size_t i = 0; i <= n && !status; ++i)
      if ((status = samplingDistribution(*gen.sampler, rows.row(i), rows.vocab, s.target[i])))
        status = unsampleable(status);
    if (!status)
      accepted = acceptDraft(s.target, s.proposal, candidates, gen.sampler->random, s.residual,
                             next);
  } else {
    // Exact match: the target's own choice at each position decides.
    for (;; ++accepted) {
      if ((status = tnx_sampler_sample(gen.sampler, rows.row(accepted), rows.vocab, &next))) {
        status = unsampleable(status);
        break;
      }
      if (accepted == n || next != candidates[accepted])
        break;
    }
  }
  // Keep the pending token and the accepted candidates; on failure, none.
  size_t keep = status ? before : before + 1 + accepted;
  if (tnx_status_t truncated = gen.targetCache->truncate(keep)) {
    // Only an Optimum cache's truncation allocates. The cache holds tokens
    // the context does not: start over rather than go on with them.
    tnx_status_free(status);
    std::string message = tnx_status_message(truncated);
    tnx_status_code_t code = tnx_status_code(truncated);
    tnx_status_free(truncated);
    for (auto &[name, cache] : gen.caches)
      cache->clear();
    gen.pending.clear();
    gen.ready.clear();
    return makeStatus(code, message + " (while rolling back a speculative round; the "
                                      "generator's context was cleared)");
  }
  if (status)
    return status;
  gen.pending.assign(1, next);
  gen.ready.insert(gen.ready.end(), candidates.begin(), candidates.begin() + accepted);
  gen.ready.push_back(next);
  s.stats.target_passes += 1;
  s.stats.drafted_tokens += n;
  s.stats.accepted_tokens += accepted;
  s.stats.produced_tokens += accepted + 1;
  return nullptr;
}

/// A round over a shared vocabulary: the draft's tokens are the target's.
tnx_status_t speculateShared(tnx_generator &gen, Speculation &s, size_t count) {
  bool sample = !isGreedy(*gen.sampler);
  {
    Timed timed(s.stats.draft_seconds);
    SerialDraft serial(s);
    if (tnx_status_t status = syncDraft(s, s.context))
      return status;
    if (tnx_status_t status = propose(gen, s, count, sample, /*stop=*/-1))
      return status;
  }
  return verify(gen, s, s.proposed, /*rejectionSampling=*/sample);
}

/// SLEM's proposals, as target tokens, into `candidates`; empty when the
/// draft's text gives none the target can read.
tnx_status_t proposeStringLevel(tnx_generator &gen, Speculation &s, size_t count) {
  const tnx_tokenizer &targetTokenizer = *s.targetTokenizer, &draftTokenizer = *s.draftTokenizer;
  s.candidates.clear();
  if (!allInVocabulary(targetTokenizer, s.context))
    return nullptr;
  s.text.clear();
  appendRawText(targetTokenizer, s.context.data(), s.context.size(), s.text);
  dropDummyPrefix(targetTokenizer, s.text);
  s.draftContext.clear();
  if (draftTokenizer.addBos && draftTokenizer.bosId >= 0)
    s.draftContext.push_back(draftTokenizer.bosId);
  if (tnx_status_t status = draftTokenizer.encode(s.text, s.draftContext))
    return status;
  // `count` is in target tokens; the draft's may be shorter (a byte-level
  // draft's are), so it proposes text for about `count` target tokens.
  size_t draftSteps = count * draftTokensPerTargetToken(draftTokenizer);
  if (s.draftContext.empty() ||
      static_cast<int64_t>(s.draftContext.size() + draftSteps) > s.draftCache->capacity())
    return nullptr;
  {
    SerialDraft serial(s);
    if (tnx_status_t status = syncDraft(s, s.draftContext))
      return status;
    if (tnx_status_t status = propose(gen, s, draftSteps, /*sample=*/false, draftTokenizer.eosId))
      return status;
  }
  // Proposals past the draft's tokenizer have no text: keep those before.
  auto outside = std::find_if(s.proposed.begin(), s.proposed.end(), [&](int32_t id) {
    return static_cast<size_t>(id) >= draftTokenizer.pieces.size();
  });
  s.proposed.erase(outside, s.proposed.end());
  if (s.proposed.empty())
    return nullptr;

  // Re-encode from a word boundary a few tokens back, so that the tokens
  // the context ends with come out as they are.
  size_t m = s.context.size(), lowest = m > Lookbehind ? m - Lookbehind : 0, begin = m;
  bool found = false;
  while (begin > lowest && !found)
    found = startsWord(targetTokenizer, s.context[--begin]);
  if (!found)
    return nullptr;
  s.text.clear();
  appendRawText(targetTokenizer, s.context.data() + begin, m - begin, s.text);
  appendRawText(draftTokenizer, s.proposed.data(), s.proposed.size(), s.text);
  dropDummyPrefix(targetTokenizer, s.text);
  s.encoded.clear();
  if (tnx_status_t status = targetTokenizer.encode(s.text, s.encoded))
    return status;
  size_t tail = m - begin;
  if (s.encoded.size() <= tail ||
      !std::equal(s.context.begin() + begin, s.context.end(), s.encoded.begin()))
    return nullptr;
  s.candidates.assign(s.encoded.begin() + tail,
                      s.encoded.begin() + std::min(s.encoded.size(), tail + count));
  // A target token past the target's logits would read out of bounds.
  int64_t vocab = gen.target->vocab();
  if (vocab >= 0 && std::any_of(s.candidates.begin(), s.candidates.end(),
                                [&](int32_t token) { return token >= vocab; }))
    s.candidates.clear();
  return nullptr;
}

/// A SLEM round: the draft reads the context as text in its own tokens,
/// and its proposals reach the target as text in the target's.
tnx_status_t speculateStringLevel(tnx_generator &gen, Speculation &s, size_t count) {
  {
    Timed timed(s.stats.draft_seconds);
    if (tnx_status_t status = proposeStringLevel(gen, s, count))
      return status;
  }
  if (s.candidates.empty())
    return nullptr;
  return verify(gen, s, s.candidates, /*rejectionSampling=*/false);
}

} // namespace

Speculation::~Speculation() {
  tnx_tokenizer_release(targetTokenizer);
  tnx_tokenizer_release(draftTokenizer);
}

tnx_status_t ternion::runtime::startSpeculation(tnx_generator &gen, int32_t draftTokens) {
  const SpeculativeSpec &spec = gen.artifact->manifest.speculative;
  auto s = std::make_unique<Speculation>();
  s->draftTokens = draftTokens;
  s->stringLevel = spec.vocabulary == "slem";
  if (tnx_status_t status = generatorModel(gen, spec.draft, s->draft))
    return status;
  std::string manifest = gen.artifact->path + "/" TNX_MANIFEST_FILE;
  int64_t capacity = gen.maxContext;
  if (s->stringLevel) {
    if (tnx_status_t status = tnx_artifact_tokenizer(gen.artifact, &s->targetTokenizer))
      return status;
    if (tnx_status_t status = tnx_artifact_draft_tokenizer(gen.artifact, &s->draftTokenizer))
      return status;
    if (s->draft->vocab() >= 0 &&
        static_cast<size_t>(s->draft->vocab()) < s->draftTokenizer->pieces.size())
      return makeStatus(TNX_STATUS_INVALID_ARTIFACT,
                        manifest + ": the draft's tokenizer has " +
                            std::to_string(s->draftTokenizer->pieces.size()) +
                            " tokens but its logits are " + std::to_string(s->draft->vocab()) +
                            " wide");
    int64_t ratio = draftTokensPerTargetToken(*s->draftTokenizer);
    capacity = gen.maxContext > INT64_MAX / ratio ? gen.maxContext : gen.maxContext * ratio;
  } else if (s->draft->vocab() >= 0 && gen.target->vocab() >= 0 &&
             s->draft->vocab() != gen.target->vocab()) {
    return makeStatus(TNX_STATUS_INVALID_ARTIFACT,
                      manifest + ": the draft '" + spec.draft + "' shares the target's vocabulary, "
                          "but its logits are " + std::to_string(s->draft->vocab()) +
                          " wide and the target's " + std::to_string(gen.target->vocab()));
  }
  s->setThreads = reinterpret_cast<void (*)(int)>(
      ::dlsym(gen.artifact->library, "omp_set_num_threads"));
  s->getThreads = reinterpret_cast<int (*)()>(::dlsym(gen.artifact->library, "omp_get_max_threads"));
  if (tnx_status_t status = addCacheSet(gen, DraftCacheName, *s->draft, s->draftCache, capacity))
    return status;
  gen.speculation = std::move(s);
  return nullptr;
}

tnx_status_t ternion::runtime::speculate(tnx_generator &gen) {
  Speculation &s = *gen.speculation;
  size_t length = gen.contextLength();
  // Every token a round produces fits the context: the accepted proposals
  // and the target's own.
  if (gen.pending.size() != 1 || length + 1 >= static_cast<size_t>(gen.maxContext))
    return nullptr;
  size_t count = std::min<size_t>(s.draftTokens, gen.maxContext - length - 1);
  s.context = gen.targetCache->tokens();
  s.context.push_back(gen.pending.front());
  return s.stringLevel ? speculateStringLevel(gen, s, count) : speculateShared(gen, s, count);
}
