//===- LlmLayout.cpp - The I/O convention of language models --------------===//
#include "llm/LlmLayout.h"
#include "core/Status.h"

#include "ternion/abi.h"

namespace ternion::runtime {
namespace {

const char PastPrefix[] = TNX_LLM_PAST_PREFIX;

bool isIndexDtype(tnx_dtype_t dtype) {
  return dtype == TNX_DTYPE_I64 || dtype == TNX_DTYPE_I32;
}

bool isLogitsDtype(tnx_dtype_t dtype) {
  return dtype == TNX_DTYPE_F32 || dtype == TNX_DTYPE_F16 ||
         dtype == TNX_DTYPE_BF16;
}

/// "past_key_values.3.key" -> "present.3.key"; "" if `name` does not have
/// the form past_key_values.<digits>.key|value.
std::string presentNameFor(const std::string &name) {
  size_t prefix = sizeof(PastPrefix) - 1;
  if (name.compare(0, prefix, PastPrefix) != 0)
    return "";
  size_t dot = name.find('.', prefix);
  if (dot == std::string::npos || dot == prefix)
    return "";
  for (size_t i = prefix; i < dot; ++i)
    if (name[i] < '0' || name[i] > '9')
      return "";
  std::string kind = name.substr(dot + 1);
  if (kind != "key" && kind != "value")
    return "";
  return TNX_LLM_PRESENT_PREFIX + name.substr(prefix);
}

size_t findValue(const std::vector<tnx_value_info> &values,
                 const std::string &name) {
  for (size_t i = 0; i < values.size(); ++i)
    if (values[i].spec.name == name)
      return i;
  return LlmLayout::None;
}

std::string describe(const TensorSpec &spec) {
  return std::string(spec.dtype == TNX_DTYPE_INVALID
                         ? "invalid"
                         : tnx_dtype_name(spec.dtype)) +
         " of rank " + std::to_string(spec.shape.size());
}

} // namespace

std::string findLlmLayout(const tnx_function &function, LlmLayout &layout) {
  layout = LlmLayout();
  std::string where = "function " + quote(function.name) + " ";
  const auto &inputs = function.inputs;
  const auto &outputs = function.outputs;
  layout.inputIds = findValue(inputs, TNX_LLM_INPUT_IDS);
  layout.logits = findValue(outputs, TNX_LLM_LOGITS);
  if (layout.inputIds == LlmLayout::None)
    return where + "has no input 'input_ids'";
  if (layout.logits == LlmLayout::None)
    return where + "has no output 'logits'";

  const TensorSpec &ids = inputs[layout.inputIds].spec;
  if (!isIndexDtype(ids.dtype) || ids.shape.size() != 2)
    return where + "input 'input_ids' is " + describe(ids) +
           "; expected i64 or i32 [batch, sequence]";
  const TensorSpec &logits = outputs[layout.logits].spec;
  if (!isLogitsDtype(logits.dtype) || logits.shape.size() != 3)
    return where + "output 'logits' is " + describe(logits) +
           "; expected f32, f16 or bf16 [batch, sequence, vocab]";
  layout.vocab = logits.shape[2];

  for (size_t i = 0; i < inputs.size(); ++i) {
    const TensorSpec &spec = inputs[i].spec;
    if (i == layout.inputIds)
      continue;
    if (spec.name == TNX_LLM_ATTENTION_MASK ||
        spec.name == TNX_LLM_POSITION_IDS) {
      if (!isIndexDtype(spec.dtype) || spec.shape.size() != 2)
        return where + "input " + quote(spec.name) + " is " + describe(spec) +
               "; expected i64 or i32 of rank 2";
      (spec.name == TNX_LLM_ATTENTION_MASK ? layout.attentionMask
                                           : layout.positionIds) = i;
      continue;
    }
    std::string presentName = presentNameFor(spec.name);
    if (presentName.empty())
      return where + "has input " + quote(spec.name) +
             ", which is not part of the language-model convention "
             "(input_ids, attention_mask, position_ids, "
             "past_key_values.N.key|value)";
    if (spec.shape.size() != 4)
      return where + "input " + quote(spec.name) + " has rank " +
             std::to_string(spec.shape.size()) +
             "; expected [batch, heads, past_sequence, head_dim]";
    if (spec.shape[1] < 0 || spec.shape[3] < 0)
      return where + "input " + quote(spec.name) +
             " has a dynamic number of heads or head size; the generator "
             "needs them static to start from an empty cache";
    if (!spec.kvCache.empty()) {
      if (spec.kvCache != presentName)
        return where + "input " + quote(spec.name) + " is the KV cache of " +
               quote(spec.kvCache) + "; expected " + quote(presentName);
      layout.cache.push_back(
          {i, LlmLayout::None, spec.shape[1], spec.shape[3]});
      continue;
    }
    size_t present = findValue(outputs, presentName);
    if (present == LlmLayout::None)
      return where + "has input " + quote(spec.name) + " but no output " +
             quote(presentName);
    const TensorSpec &out = outputs[present].spec;
    if (out.dtype != spec.dtype || out.shape.size() != 4)
      return where + "output " + quote(presentName) + " is " + describe(out) +
             " but input " + quote(spec.name) + " is " + describe(spec);
    layout.cache.push_back({i, present, spec.shape[1], spec.shape[3]});
  }
  return "";
}

} // namespace ternion::runtime
