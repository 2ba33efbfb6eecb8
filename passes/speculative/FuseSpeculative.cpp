//===- FuseSpeculative.cpp - the tern-fuse-speculative pass ---------------===//
//
// Passes.td describes what is checked and recorded; docs/speculative.md how
// the runtime drives the pair.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "dialects/tern/TernAttributes.h"

namespace ternion {
#define GEN_PASS_DEF_TERNFUSESPECULATIVE
#include "passes/Passes.h.inc"
} // namespace ternion

using namespace mlir;

namespace ternion {
namespace {

constexpr llvm::StringLiteral kNameAttr = "tern.name";
// The Optimum convention's names (ternion/abi.h's TNX_LLM_*, which the
// runtime reads; passes do not depend on the runtime's headers).
constexpr llvm::StringLiteral kInputIds = "input_ids";
constexpr llvm::StringLiteral kPastPrefix = "past_key_values.";
constexpr llvm::StringLiteral kLogits = "logits";

/// The width of `fn`'s logits (ShapedType::kDynamic when not static), or
/// failure, with an error naming `role`, when `fn` is not a language model.
FailureOr<int64_t> languageModelVocabulary(func::FuncOp fn, StringRef role,
                                           bool needsCache) {
  bool hasIds = false, hasCache = false;
  for (unsigned i = 0, e = fn.getNumArguments(); i < e; ++i) {
    auto name = fn.getArgAttrOfType<StringAttr>(i, kNameAttr);
    if (!name)
      continue;
    hasIds |= name.getValue() == kInputIds;
    hasCache |= name.getValue().starts_with(kPastPrefix);
  }
  std::optional<int64_t> vocabulary;
  for (unsigned i = 0, e = fn.getNumResults(); i < e; ++i) {
    auto name = fn.getResultAttrOfType<StringAttr>(i, kNameAttr);
    auto type = dyn_cast<RankedTensorType>(fn.getResultTypes()[i]);
    if (name && name.getValue() == kLogits && type && type.getRank() == 3)
      vocabulary = type.getDimSize(2);
  }
  if (!hasIds || !vocabulary)
    return fn.emitError() << "the " << role << " @" << fn.getSymName()
                          << " is not a language model: speculative decoding needs an '"
                          << kInputIds << "' input and a [batch, sequence, vocab] '"
                          << kLogits << "' output";
  if (needsCache && !hasCache)
    return fn.emitError() << "the " << role << " @" << fn.getSymName()
                          << " has no KV cache ('" << kPastPrefix
                          << "N.key|value' inputs): a draft runs one token at a time and "
                             "would recompute its whole context for each";
  return *vocabulary;
}

class TernFuseSpeculative : public impl::TernFuseSpeculativeBase<TernFuseSpeculative> {
public:
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto lookup = [&](StringRef name, StringRef role) -> func::FuncOp {
      auto fn = module.lookupSymbol<func::FuncOp>(name);
      if (!fn || fn.isExternal()) {
        module.emitError() << "tern-fuse-speculative: the module has no " << role
                           << " function @" << name;
        return {};
      }
      return fn;
    };
    func::FuncOp targetFn = lookup(target, "target");
    func::FuncOp draftFn = targetFn ? lookup(draft, "draft") : func::FuncOp();
    if (!draftFn)
      return signalPassFailure();
    if (targetFn == draftFn) {
      module.emitError() << "tern-fuse-speculative: @" << target
                         << " cannot be its own draft";
      return signalPassFailure();
    }
    if (draftTokens < 1 || draftTokens > tern::SpeculativeAttr::kMaxDraftTokens) {
      module.emitError() << "tern-fuse-speculative: draft-tokens must be 1.."
                         << tern::SpeculativeAttr::kMaxDraftTokens << ", not "
                         << draftTokens;
      return signalPassFailure();
    }
    FailureOr<int64_t> targetVocabulary =
        languageModelVocabulary(targetFn, "target", /*needsCache=*/false);
    FailureOr<int64_t> draftVocabulary =
        languageModelVocabulary(draftFn, "draft", /*needsCache=*/true);
    if (failed(targetVocabulary) || failed(draftVocabulary))
      return signalPassFailure();

    bool sameWidth = !ShapedType::isDynamic(*targetVocabulary) &&
                     *targetVocabulary == *draftVocabulary;
    tern::SpeculativeVocabulary chosen;
    if (vocabulary == "auto") {
      chosen = sameWidth ? tern::SpeculativeVocabulary::Shared : tern::SpeculativeVocabulary::Slem;
    } else if (std::optional<tern::SpeculativeVocabulary> named =
                   tern::symbolizeSpeculativeVocabulary(vocabulary)) {
      chosen = *named;
    } else {
      module.emitError() << "tern-fuse-speculative: vocabulary must be auto, shared or slem, not '"
                         << vocabulary << "'";
      return signalPassFailure();
    }
    if (chosen == tern::SpeculativeVocabulary::Shared && !sameWidth) {
      auto diag = module.emitError()
                  << "tern-fuse-speculative: a shared vocabulary needs logits of one static "
                     "width, but the target's are ";
      auto width = [&](int64_t w) {
        if (ShapedType::isDynamic(w))
          diag << "dynamic";
        else
          diag << w;
      };
      width(*targetVocabulary);
      diag << " wide and the draft's ";
      width(*draftVocabulary);
      diag << " (give the draft's tokenizer for string-level matching)";
      return signalPassFailure();
    }
    targetFn->setAttr(tern::kSpeculativeAttrName,
                      tern::SpeculativeAttr::get(&getContext(),
                                                 FlatSymbolRefAttr::get(draftFn.getSymNameAttr()),
                                                 draftTokens, chosen));
  }
};

} // namespace
} // namespace ternion
