//===- LlmModel.cpp - Steps of a language-model function ------------------===//
//
// The KV cache has two forms. Artifacts compiled with the default
// --kv-cache=in-place (tern-kv-cache-in-place) take each
// past_key_values.N as a [1, heads, max_context, head_dim] buffer that the
// cache set allocates once and the compiled code appends the step's rows
// to: nothing is copied between steps. In the plain Optimum form the model
// concatenates past and new keys/values into fresh present.N buffers, and
// the cache set keeps those outputs (one reference each) and binds them as
// the next step's past_key_values.N. The past inputs are unbound right
// after each run so the previous cache is freed as soon as the new one
// replaces it.
//
//===----------------------------------------------------------------------===//
#include "llm/LlmModel.h"
#include "core/Status.h"

#include <string>
#include <vector>

namespace ternion::runtime {
namespace {

tnx_status_t badOutput(const std::string &name, const std::string &what) {
  return makeStatus(TNX_STATUS_INTERNAL, "output " + quote(name) + " " + what);
}

std::string shapeText(const tnx_tensor &tensor) {
  std::string text = "[";
  for (size_t i = 0; i < tensor.shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(tensor.shape[i]);
  return text + "]";
}

} // namespace

tnx_status_t LlmModel::create(tnx_artifact &artifact, const tnx_function &function,
                              std::unique_ptr<LlmModel> &out) {
  std::unique_ptr<LlmModel> model(new LlmModel);
  std::string error = findLlmLayout(function, model->llmLayout);
  if (!error.empty())
    return invalidArgument(error + "; a language model needs inputs "
                                   "input_ids [, attention_mask, position_ids, "
                                   "past_key_values.N.key|value] and outputs "
                                   "logits [, present.N.key|value]");
  model->vocabSize = model->llmLayout.vocab;
  if (tnx_status_t status = tnx_session_create(&artifact, function.name.c_str(), &model->session))
    return status;
  out = std::move(model);
  return nullptr;
}

LlmModel::~LlmModel() { tnx_session_release(session); }

std::unique_ptr<CacheSet> LlmModel::newCacheSet(int64_t capacity) const {
  return std::make_unique<CacheSet>(device(), llmLayout, function(), capacity);
}

tnx_status_t LlmModel::bindIndices(size_t input) {
  tnx_dtype_t dtype = function().inputs[input].spec.dtype;
  int64_t shape[2] = {1, static_cast<int64_t>(indices.size())};
  tnx_tensor *tensor = nullptr;
  if (tnx_status_t status = createTensor(device(), dtype, shape, 2,
                                         /*zeroed=*/false, "input", tensor))
    return status;
  // Built on the host, then one copy to the device.
  tnx_status_t status = nullptr;
  if (dtype == TNX_DTYPE_I64) {
    status =
        device().copyToDevice(tensor->data, indices.data(), indices.size() * sizeof(int64_t));
  } else {
    narrowIndices.assign(indices.begin(), indices.end());
    status = device().copyToDevice(tensor->data, narrowIndices.data(),
                                   narrowIndices.size() * sizeof(int32_t));
  }
  if (!status)
    status = tnx_session_bind_input(session, input, tensor);
  tnx_tensor_release(tensor);
  return status;
}

tnx_status_t LlmModel::step(CacheSet &cache, const int32_t *tokens, size_t count, size_t logitRows,
                            StepLogits &logits) {
  if (count == 0 || logitRows == 0 || logitRows > count)
    return invalidArgument("a step needs at least one token and 1 to " + std::to_string(count) +
                           " logit rows, not " + std::to_string(logitRows));
  const tnx_function &fn = function();
  const LlmLayout &layout = llmLayout;
  bool cached = !layout.cache.empty();
  size_t held = cache.length();
  size_t total = held + count;
  if (cached && total > static_cast<size_t>(cache.capacity()))
    return makeStatus(TNX_STATUS_RESOURCE_EXHAUSTED, "context of " + std::to_string(total) +
                                                         " tokens exceeds the KV cache's " +
                                                         std::to_string(cache.capacity()));
  // Without a cache the model sees the whole context every time.
  size_t past = cached ? held : 0;
  size_t runCount = total - past;

  indices.clear();
  if (!cached)
    indices.assign(cache.tokens().begin(), cache.tokens().end());
  indices.insert(indices.end(), tokens, tokens + count);
  if (tnx_status_t status = bindIndices(layout.inputIds))
    return status;
  if (layout.attentionMask != LlmLayout::None) {
    indices.assign(total, 1);
    if (tnx_status_t status = bindIndices(layout.attentionMask))
      return status;
  }
  if (layout.positionIds != LlmLayout::None) {
    indices.resize(runCount);
    for (size_t i = 0; i < runCount; ++i)
      indices[i] = static_cast<int64_t>(past + i);
    if (tnx_status_t status = bindIndices(layout.positionIds))
      return status;
  }
  for (size_t i = 0; i < layout.cache.size(); ++i) {
    tnx_tensor *pastTensor = nullptr;
    if (tnx_status_t status = cache.pastBuffer(i, pastTensor))
      return status;
    if (tnx_status_t status = tnx_session_bind_input(session, layout.cache[i].past, pastTensor))
      return status;
  }

  tnx_status_t ran = tnx_session_run(session);
  for (const LlmLayout::CacheEntry &entry : layout.cache)
    tnx_status_free(tnx_session_bind_input(session, entry.past, nullptr));
  if (ran)
    return ran;

  // Check everything before changing any state, so a failed step leaves
  // the cache as it was.
  tnx_tensor *logitsTensor = session->outputs[layout.logits];
  const std::string &logitsName = fn.outputs[layout.logits].spec.name;
  if (logitsTensor->shape.size() != 3 || logitsTensor->shape[0] != 1 ||
      logitsTensor->shape[1] != static_cast<int64_t>(runCount) || logitsTensor->shape[2] <= 0 ||
      (vocabSize >= 0 && logitsTensor->shape[2] != vocabSize))
    return badOutput(logitsName, "has shape " + shapeText(*logitsTensor) + "; expected [1, " +
                                     std::to_string(runCount) + ", " +
                                     (vocabSize >= 0 ? std::to_string(vocabSize) : "vocab") + "]");
  present.assign(layout.cache.size(), nullptr);
  for (size_t i = 0; i < layout.cache.size(); ++i) {
    const LlmLayout::CacheEntry &entry = layout.cache[i];
    if (entry.inPlace())
      continue;
    present[i] = session->outputs[entry.present];
    const std::vector<int64_t> expected = {1, entry.heads, static_cast<int64_t>(total),
                                           entry.headDim};
    if (present[i]->shape != expected)
      return badOutput(fn.outputs[entry.present].spec.name,
                       "has shape " + shapeText(*present[i]) + "; expected [1, " +
                           std::to_string(entry.heads) + ", " + std::to_string(total) + ", " +
                           std::to_string(entry.headDim) + "]");
  }
  int64_t width = logitsTensor->shape[2];
  if (tnx_status_t status = readLogitsRows(*logitsTensor, runCount - logitRows, logitRows,
                                           static_cast<size_t>(width), logits))
    return status;
  vocabSize = width;
  cache.extend(tokens, count, present);
  return nullptr;
}

} // namespace ternion::runtime
