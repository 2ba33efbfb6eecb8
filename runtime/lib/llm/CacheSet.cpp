//===- CacheSet.cpp - The KV cache of one sequence ------------------------===//
#include "llm/CacheSet.h"
#include "core/Artifact.h"
#include "core/Status.h"

#include <cassert>

namespace ternion::runtime {

CacheSet::CacheSet(Device &device, const LlmLayout &layout, const tnx_function &function,
                   int64_t capacity)
    : device(device), layout(layout), function(function), maxTokens(capacity),
      buffers(layout.cache.size(), nullptr) {}

CacheSet::~CacheSet() {
  for (tnx_tensor *buffer : buffers)
    tnx_tensor_release(buffer);
}

tnx_status_t CacheSet::pastBuffer(size_t i, tnx_tensor *&out) {
  if (!buffers[i]) {
    const LlmLayout::CacheEntry &entry = layout.cache[i];
    int64_t shape[4] = {1, entry.heads, entry.inPlace() ? maxTokens : 0, entry.headDim};
    // Zero-filled, as the generator always gave them: an in-place cache's
    // rows past the context are never read, but stay deterministic.
    if (tnx_status_t status = createTensor(device, function.inputs[entry.past].spec.dtype, shape, 4,
                                           /*zeroed=*/true, "KV cache", buffers[i]))
      return status;
  }
  out = buffers[i];
  return nullptr;
}

void CacheSet::extend(const int32_t *tokens, size_t count,
                      const std::vector<tnx_tensor *> &present) {
  heldTokens.insert(heldTokens.end(), tokens, tokens + count);
  for (size_t i = 0; i < buffers.size(); ++i) {
    if (!present[i])
      continue;
    tnx_tensor_retain(present[i]);
    tnx_tensor_release(buffers[i]);
    buffers[i] = present[i];
  }
}

tnx_status_t CacheSet::truncate(size_t length) {
  if (length >= heldTokens.size())
    return length == heldTokens.size()
               ? nullptr
               : makeStatus(TNX_STATUS_INVALID_ARGUMENT,
                            "cannot truncate a cache of " + std::to_string(heldTokens.size()) +
                                " tokens to " + std::to_string(length));
  // Build every shorter buffer before replacing any, so that a failure
  // leaves the set as it was.
  std::vector<tnx_tensor *> shorter(buffers.size(), nullptr);
  tnx_status_t status = nullptr;
  for (size_t i = 0; i < buffers.size() && !status; ++i) {
    if (layout.cache[i].inPlace() || !buffers[i] || length == 0)
      continue;
    const tnx_tensor &old = *buffers[i];
    // [1, heads, rows, head_dim]: each head keeps its first `length` rows.
    int64_t heads = old.shape[1], rows = old.shape[2], width = old.shape[3];
    int64_t shape[4] = {1, heads, static_cast<int64_t>(length), width};
    status = createTensor(device, old.dtype, shape, 4, /*zeroed=*/false, "KV cache", shorter[i]);
    size_t rowBytes = static_cast<size_t>(width) * tnx_dtype_size(old.dtype);
    size_t keptBytes = length * rowBytes;
    size_t headBytes = static_cast<size_t>(rows) * rowBytes;
    for (size_t h = 0; h < static_cast<size_t>(heads) && !status; ++h)
      status = device.copyWithin(static_cast<char *>(shorter[i]->data) + h * keptBytes,
                                 static_cast<const char *>(old.data) + h * headBytes, keptBytes);
  }
  if (status) {
    for (tnx_tensor *buffer : shorter)
      tnx_tensor_release(buffer);
    return status;
  }
  for (size_t i = 0; i < buffers.size(); ++i) {
    if (layout.cache[i].inPlace())
      continue;
    tnx_tensor_release(buffers[i]);
    buffers[i] = shorter[i];
  }
  heldTokens.resize(length);
  return nullptr;
}

void CacheSet::clear() {
  // Truncating to nothing allocates nothing, so it cannot fail.
  tnx_status_t status = truncate(0);
  assert(!status && "truncate(0) failed");
  (void)status;
}

} // namespace ternion::runtime
