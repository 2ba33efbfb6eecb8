//===- Session.cpp - Binding inputs and running a function ----------------===//
//
// A run checks the bound inputs against the manifest signature, passes them
// to the compiled code as MLIR ranked memref descriptors, and adopts the
// output buffers the code returns (ternion/abi.h, docs/runtime.md).
//
// Every buffer here is an address on the artifact's device: the session
// builds descriptors from addresses, compares them and offsets them, but
// never reads or writes through them; the one copy it makes (of a strided
// output) is the device's. That keeps it correct for a GPU device, whose
// addresses the host cannot dereference.
//
//===----------------------------------------------------------------------===//
#include "core/Session.h"
#include "core/Artifact.h"
#include "core/DimExpr.h"
#include "core/Status.h"
#include "core/Tensor.h"

#include "ternion/abi.h"

#include <cstdlib>
#include <cstring>
#include <map>
#include <new>

using namespace ternion::runtime;

namespace {

/// Checks dtype, rank and static dims of a tensor against its spec.
std::string checkInput(const TensorSpec &spec, const tnx_tensor &tensor) {
  std::string prefix = "input " + quote(spec.name) + ": ";
  if (tensor.dtype != spec.dtype)
    return prefix + "dtype is " + tnx_dtype_name(tensor.dtype) +
           " but the function expects " + tnx_dtype_name(spec.dtype);
  if (tensor.shape.size() != spec.shape.size())
    return prefix + "rank is " + std::to_string(tensor.shape.size()) +
           " but the function expects " + std::to_string(spec.shape.size());
  for (size_t i = 0; i < spec.shape.size(); ++i)
    if (spec.shape[i] >= 0 && tensor.shape[i] != spec.shape[i])
      return prefix + "dim " + std::to_string(i) + " is " +
             std::to_string(tensor.shape[i]) + " but the function expects " +
             std::to_string(spec.shape[i]);
  return "";
}

std::string dimMismatch(const TensorSpec &spec, size_t dim, int64_t actual,
                        const std::string &param, int64_t expected,
                        const std::string &from) {
  return "input " + quote(spec.name) + ": dim " + std::to_string(dim) + " is " +
         std::to_string(actual) + " but dim_param " + quote(param) + " is " +
         std::to_string(expected) + " (" + from + ")";
}

/// The compiled code of an in-place KV cache (tern-kv-cache-in-place)
/// writes the step's rows at [mask length - sequence, mask length) of each
/// cache without bounds checks, so every cache must hold the whole
/// attention_mask length.
tnx_status_t checkCacheCapacity(const tnx_session &session) {
  const tnx_function &function = *session.function;
  const tnx_tensor *mask = nullptr, *ids = nullptr;
  for (size_t i = 0; i < function.inputs.size(); ++i) {
    if (function.inputs[i].spec.name == TNX_LLM_ATTENTION_MASK)
      mask = session.inputs[i];
    if (function.inputs[i].spec.name == TNX_LLM_INPUT_IDS)
      ids = session.inputs[i];
  }
  for (size_t i = 0; i < function.inputs.size(); ++i) {
    const TensorSpec &spec = function.inputs[i].spec;
    if (spec.kvCache.empty())
      continue;
    if (!mask || mask->shape.size() != 2)
      return invalidArgument("KV-cache input " + quote(spec.name) +
                             " needs a rank-2 input 'attention_mask' giving the "
                             "past plus new length");
    if (ids && ids->shape.size() == 2 && mask->shape[1] < ids->shape[1])
      return invalidArgument("input 'attention_mask' covers " +
                             std::to_string(mask->shape[1]) +
                             " positions, fewer than the " +
                             std::to_string(ids->shape[1]) + " new tokens");
    int64_t capacity = session.inputs[i]->shape[2];
    if (mask->shape[1] > capacity)
      return invalidArgument(
          "input 'attention_mask' covers " + std::to_string(mask->shape[1]) +
          " positions but the KV cache " + quote(spec.name) + " holds only " +
          std::to_string(capacity) + " (its dim 2)");
  }
  return nullptr;
}

tnx_status_t validateInputs(const tnx_session &session) {
  const tnx_function &function = *session.function;
  struct Binding {
    int64_t value;
    std::string input;
  };
  // Plain names first; then expressions like "past_sequence+sequence",
  // which are checked against the names they are made of once all of those
  // are bound. An expression that cannot be evaluated (a name no input
  // binds on its own) falls back to an opaque name, so inputs sharing it
  // must still agree.
  std::map<std::string, Binding> dimParams;
  struct Deferred {
    size_t input, dim;
    DimExpr expr;
  };
  std::vector<Deferred> expressions;
  auto bind = [&](const TensorSpec &spec, size_t d,
                  int64_t value) -> tnx_status_t {
    const std::string &param = spec.dimParams[d];
    auto [it, inserted] = dimParams.emplace(param, Binding{value, spec.name});
    if (!inserted && it->second.value != value)
      return invalidArgument(
          dimMismatch(spec, d, value, param, it->second.value,
                      "from input " + quote(it->second.input)));
    return nullptr;
  };
  for (size_t i = 0; i < function.inputs.size(); ++i) {
    const TensorSpec &spec = function.inputs[i].spec;
    const tnx_tensor *tensor = session.inputs[i];
    if (!tensor)
      return makeStatus(TNX_STATUS_FAILED_PRECONDITION,
                        "input " + quote(spec.name) + " (index " +
                            std::to_string(i) + ") is not bound");
    std::string error = checkInput(spec, *tensor);
    if (!error.empty())
      return invalidArgument(error);
    for (size_t d = 0; d < spec.shape.size(); ++d) {
      const std::string &param = spec.dimParams[d];
      if (param.empty())
        continue;
      DimExpr expr;
      if (parseDimExpr(param, expr)) {
        expressions.push_back({i, d, std::move(expr)});
        continue;
      }
      if (tnx_status_t status = bind(spec, d, tensor->shape[d]))
        return status;
    }
  }
  std::map<std::string, int64_t> values;
  for (const auto &[name, binding] : dimParams)
    values.emplace(name, binding.value);
  for (const Deferred &deferred : expressions) {
    const TensorSpec &spec = function.inputs[deferred.input].spec;
    int64_t actual = session.inputs[deferred.input]->shape[deferred.dim];
    int64_t expected = 0;
    if (!evaluateDimExpr(deferred.expr, values, expected)) {
      if (tnx_status_t status = bind(spec, deferred.dim, actual))
        return status;
      continue;
    }
    if (actual == expected)
      continue;
    std::string from;
    for (const DimExpr::Term &term : deferred.expr.terms) {
      const Binding &binding = dimParams.at(term.name);
      from += (from.empty() ? "" : ", ") + term.name + " = " +
              std::to_string(binding.value) + " from input " +
              quote(binding.input);
    }
    return invalidArgument(dimMismatch(spec, deferred.dim, actual,
                                       spec.dimParams[deferred.dim], expected,
                                       from));
  }
  return checkCacheCapacity(session);
}

void storePointer(int64_t &word, const void *pointer) {
  std::memcpy(&word, &pointer, sizeof(pointer));
}

char *loadPointer(int64_t word) {
  char *pointer;
  std::memcpy(&pointer, &word, sizeof(pointer));
  return pointer;
}

/// A contiguous rank-r memref descriptor, TNX_MEMREF_WORDS(r) words.
std::vector<int64_t> makeDescriptor(const void *data,
                                    const std::vector<int64_t> &shape) {
  size_t rank = shape.size();
  std::vector<int64_t> words(TNX_MEMREF_WORDS(rank), 0);
  storePointer(words[TNX_MEMREF_ALLOCATED], data);
  storePointer(words[TNX_MEMREF_ALIGNED], data);
  int64_t stride = 1;
  for (size_t i = rank; i-- > 0;) {
    words[TNX_MEMREF_SIZES + i] = shape[i];
    words[TNX_MEMREF_STRIDES(rank) + i] = stride;
    stride *= shape[i];
  }
  return words;
}

bool isContiguous(const int64_t *sizes, const int64_t *strides, size_t rank) {
  int64_t expected = 1;
  for (size_t i = rank; i-- > 0;) {
    // The stride of a dim of size 1 never matters.
    if (sizes[i] != 1 && strides[i] != expected)
      return false;
    expected *= sizes[i];
  }
  return true;
}

bool within(const char *pointer, const void *base, size_t size) {
  const char *begin = static_cast<const char *>(base);
  return pointer >= begin && pointer < begin + size;
}

/// Turns the output descriptors the compiled code wrote into tensors. The
/// contract says every `allocated` is a fresh buffer from the artifact's
/// allocator (malloc, or the buffer cache it was given); buffers that
/// break it (shared with another output, an input or the weights) are
/// copied instead of adopted, so a compiler bug cannot cause a double free.
tnx_status_t collectOutputs(tnx_session &session, std::vector<int64_t> &words,
                            std::vector<tnx_tensor *> &outputs) {
  const tnx_function &function = *session.function;
  const tnx_artifact &artifact = *session.artifact;
  Device &device = *artifact.device;
  size_t count = function.outputs.size();
  std::vector<char *> allocated(count), aligned(count);
  std::vector<bool> freeable(count, false);
  size_t at = 0;
  for (size_t k = 0; k < count; ++k) {
    size_t rank = function.outputs[k].spec.shape.size();
    allocated[k] = loadPointer(words[at + TNX_MEMREF_ALLOCATED]);
    aligned[k] = loadPointer(words[at + TNX_MEMREF_ALIGNED]);
    at += TNX_MEMREF_WORDS(rank);
    if (!allocated[k] || allocated[k] == emptyBufferAddress())
      continue;
    bool shared =
        within(allocated[k], artifact.weightsBase, artifact.weightsSize);
    for (size_t j = 0; j < k && !shared; ++j)
      shared = allocated[j] == allocated[k];
    for (const tnx_tensor *input : session.inputs)
      shared = shared || within(allocated[k], input->data, input->byteSize);
    freeable[k] = !shared;
  }

  tnx_status_t status = nullptr;
  at = 0;
  for (size_t k = 0; k < count; ++k) {
    const TensorSpec &spec = function.outputs[k].spec;
    size_t rank = spec.shape.size();
    int64_t offset = words[at + TNX_MEMREF_OFFSET];
    const int64_t *sizes = &words[at + TNX_MEMREF_SIZES];
    const int64_t *strides = &words[at + TNX_MEMREF_STRIDES(rank)];
    at += TNX_MEMREF_WORDS(rank);
    std::vector<int64_t> shape(sizes, sizes + rank);
    size_t elements = 0, bytes = 0;
    std::string error =
        checkShape(spec.dtype, shape.data(), rank, elements, bytes);
    for (size_t d = 0; d < rank && error.empty(); ++d)
      if (spec.shape[d] >= 0 && shape[d] != spec.shape[d])
        error = "dim " + std::to_string(d) + " is " + std::to_string(shape[d]) +
                " but the manifest says " + std::to_string(spec.shape[d]);
    if (error.empty() && elements > 0 && !aligned[k])
      error = "data pointer is NULL";
    if (!error.empty() || status) {
      if (!status)
        status = makeStatus(TNX_STATUS_INTERNAL,
                            "the compiled code returned a bad output " +
                                quote(spec.name) + ": " + error);
      if (freeable[k])
        artifact.releaseOutput(allocated[k]);
      continue;
    }
    size_t elementSize = tnx_dtype_size(spec.dtype);
    tnx_tensor *tensor = nullptr;
    if (freeable[k] && (elements == 0 || isContiguous(sizes, strides, rank))) {
      char *data = elements ? aligned[k] + offset * elementSize : nullptr;
      tensor =
          adoptBuffer(device, spec.dtype, std::move(shape), data, allocated[k],
                      elements, bytes, artifact.releaseOutput);
    } else {
      // Every element is copied over, so the copy need not be zeroed.
      tnx_status_t created =
          createTensor(device, spec.dtype, shape.data(), rank,
                       /*zeroed=*/false, "output", tensor);
      if (!created && elements)
        created = device.copyStrided(tensor->data, aligned[k], offset, sizes,
                                     strides, rank, elementSize);
      if (created) {
        tnx_status_free(created);
        tnx_tensor_release(tensor);
        tensor = nullptr;
      }
      if (freeable[k])
        artifact.releaseOutput(allocated[k]);
    }
    if (!tensor)
      status = makeStatus(TNX_STATUS_OUT_OF_MEMORY,
                          "out of memory while collecting output " +
                              quote(spec.name));
    outputs.push_back(tensor);
  }
  if (status) {
    for (tnx_tensor *tensor : outputs)
      tnx_tensor_release(tensor);
    outputs.clear();
  }
  return status;
}

tnx_status_t runSession(tnx_session &session) {
  if (tnx_status_t status = validateInputs(session))
    return status;
  for (tnx_tensor *tensor : session.outputs)
    tnx_tensor_release(tensor);
  session.outputs.clear();

  const tnx_function &function = *session.function;
  const tnx_artifact &artifact = *session.artifact;
  // args in the order of ternion/abi.h: inputs, then TNX_ARG_WEIGHTS, then
  // TNX_ARG_RESULTS.
  std::vector<std::vector<int64_t>> inputWords;
  std::vector<void *> args;
  inputWords.reserve(function.inputs.size());
  for (const tnx_tensor *tensor : session.inputs) {
    inputWords.push_back(makeDescriptor(tensor->data, tensor->shape));
    args.push_back(inputWords.back().data());
  }
  std::vector<int64_t> weightWords = makeDescriptor(
      artifact.weightsBase, {static_cast<int64_t>(artifact.weightsSize)});
  args.push_back(weightWords.data());
  size_t resultSize = 0;
  for (const tnx_value_info &output : function.outputs)
    resultSize += TNX_MEMREF_WORDS(output.spec.shape.size());
  // One spare word so that a function without outputs still gets a valid
  // pointer.
  std::vector<int64_t> resultWords(resultSize + 1, 0);
  args.push_back(resultWords.data());

  function.entry(args.data());
  // A GPU's kernels run on a stream and report their errors afterwards
  // (device/CudaLaunch.cpp); the CPU has nothing to wait for.
  if (tnx_status_t status = artifact.device->synchronize())
    return status;

  std::vector<tnx_tensor *> outputs;
  if (tnx_status_t status = collectOutputs(session, resultWords, outputs))
    return status;
  session.outputs = std::move(outputs);
  return nullptr;
}

tnx_status_t outputAt(tnx_session_t *session, size_t index,
                      tnx_tensor_t **out) {
  if (session->outputs.empty() && !session->function->outputs.empty())
    return makeStatus(TNX_STATUS_FAILED_PRECONDITION,
                      "no outputs yet: call tnx_session_run first");
  if (index >= session->outputs.size())
    return invalidArgument("output index " + std::to_string(index) +
                           " is out of range (function " +
                           quote(session->function->name) + " has " +
                           std::to_string(session->outputs.size()) + ")");
  *out = session->outputs[index];
  return nullptr;
}

} // namespace

extern "C" {

tnx_status_t tnx_session_create(tnx_artifact_t *artifact, const char *function,
                                tnx_session_t **out) {
  if (!artifact || !out)
    return invalidArgument("tnx_session_create: NULL argument");
  const tnx_function_t *selected = nullptr;
  if (tnx_status_t status =
          function ? tnx_artifact_find_function(artifact, function, &selected)
                   : tnx_artifact_function(artifact, 0, &selected))
    return status;
  auto *session = new (std::nothrow) tnx_session;
  if (!session)
    return makeStatus(TNX_STATUS_OUT_OF_MEMORY, "out of memory");
  retainArtifact(artifact);
  session->artifact = artifact;
  session->function = selected;
  session->inputs.assign(selected->inputs.size(), nullptr);
  *out = session;
  return nullptr;
}

void tnx_session_release(tnx_session_t *session) { delete session; }

const tnx_function_t *tnx_session_function(const tnx_session_t *session) {
  return session ? session->function : nullptr;
}

tnx_status_t tnx_session_bind_input(tnx_session_t *session, size_t index,
                                    tnx_tensor_t *tensor) {
  if (!session)
    return invalidArgument("tnx_session_bind_input: session is NULL");
  if (index >= session->inputs.size())
    return invalidArgument("input index " + std::to_string(index) +
                           " is out of range (function " +
                           quote(session->function->name) + " has " +
                           std::to_string(session->inputs.size()) + ")");
  if (tensor) {
    const TensorSpec &spec = session->function->inputs[index].spec;
    std::string error = checkInput(spec, *tensor);
    if (!error.empty())
      return invalidArgument(error);
    Device &device = *session->artifact->device;
    // The compiled code can only address its own device's memory. A host
    // tensor (the C API's) is copied to a GPU artifact's device; a KV cache,
    // which the code updates in place, is not, since the update would land
    // in the copy.
    if (tensor->device != &device) {
      if (tensor->device->kind() != DeviceKind::Cpu || !spec.kvCache.empty())
        return invalidArgument("input " + quote(spec.name) + ": the tensor is on " +
                               tensor->device->name() + " but the function runs on " +
                               device.name() +
                               (spec.kvCache.empty() ? "" : " and updates it in place"));
      tnx_tensor *staged = nullptr;
      if (tnx_status_t status = createTensor(device, tensor->dtype, tensor->shape.data(),
                                             tensor->shape.size(), /*zeroed=*/false,
                                             "input", staged))
        return status;
      if (tnx_status_t status =
              device.copyToDevice(staged->data, tensor->data, tensor->byteSize)) {
        tnx_tensor_release(staged);
        return status;
      }
      tensor = staged; // the session holds the one reference
    } else {
      tnx_tensor_retain(tensor);
    }
  }
  tnx_tensor_release(session->inputs[index]);
  session->inputs[index] = tensor;
  return nullptr;
}

tnx_status_t tnx_session_bind_input_by_name(tnx_session_t *session,
                                            const char *name,
                                            tnx_tensor_t *tensor) {
  if (!session)
    return invalidArgument("tnx_session_bind_input_by_name: session is NULL");
  size_t index = 0;
  if (tnx_status_t status =
          tnx_function_find_input(session->function, name, &index))
    return status;
  return tnx_session_bind_input(session, index, tensor);
}

tnx_status_t tnx_session_run(tnx_session_t *session) {
  if (!session)
    return invalidArgument("tnx_session_run: session is NULL");
  return runSession(*session);
}

tnx_status_t tnx_session_output(tnx_session_t *session, size_t index,
                                tnx_tensor_t **out) {
  if (!session || !out)
    return invalidArgument("tnx_session_output: NULL argument");
  return outputAt(session, index, out);
}

tnx_status_t tnx_session_output_by_name(tnx_session_t *session,
                                        const char *name, tnx_tensor_t **out) {
  if (!session || !out)
    return invalidArgument("tnx_session_output_by_name: NULL argument");
  size_t index = 0;
  if (tnx_status_t status =
          tnx_function_find_output(session->function, name, &index))
    return status;
  return outputAt(session, index, out);
}

} // extern "C"
