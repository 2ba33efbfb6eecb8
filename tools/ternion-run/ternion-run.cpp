//===- ternion-run.cpp - Runs compiled Ternion artifacts ------------------===//
//
// A thin shim over the runtime's C API. Tensor mode runs one function on
// tensors read from .pb/.npy files and compares the outputs with expected
// tensors; LLM mode (--prompt or --prompt-ids; Generate.cpp) generates text.
//
// Exit codes: 0 success (all outputs match), 1 error or mismatch, 2 usage.
//
//===----------------------------------------------------------------------===//
#include "Compare.h"
#include "Elements.h"
#include "Generate.h"
#include "Perplexity.h"
#include "TensorFiles.h"

#include "ternion/Version.h"
#include "ternion/runtime.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/stat.h>
#include <vector>

using namespace ternion::run;

namespace {

const char *const Usage =
    "usage: ternion-run ARTIFACT.tnx [options]\n"
    "\n"
    "LLM mode: generates text with a language-model artifact.\n"
    "  --prompt TEXT       the text to continue (echoed, then the output)\n"
    "  --prompt-ids IDS    the prompt as token ids (\"1,2,3\" or \"1 2 3\");\n"
    "                      with --ids it needs no tokenizer in the artifact\n"
    "  -n N                generate at most N tokens (default 64); stops\n"
    "                      early at the tokenizer's EOS\n"
    "  --greedy            always take the most likely token\n"
    "  --temperature T     sampling temperature (default 0.8; 0 = greedy)\n"
    "  --top-k K           sample among the K most likely (default 40; 0 =\n"
    "                      all)\n"
    "  --top-p P           nucleus sampling threshold (default 0.95)\n"
    "  --seed S            seed of the sampler (default 0): the same seed\n"
    "                      gives the same text\n"
    "  --max-context N     most tokens in the context (default: the\n"
    "                      manifest's, else 2048)\n"
    "  --ids               print the generated token ids, not text\n"
    "  --bench             print prefill and decode tokens/s, time to first\n"
    "                      token and peak RSS to stderr (with a draft model,\n"
    "                      also its acceptance and where the time went)\n"
    "  --draft-tokens K    with a draft model (ternion-compile --draft): the\n"
    "                      tokens it proposes per target pass, 1..16\n"
    "                      (default: the artifact's)\n"
    "  --no-draft          run the target alone, without its draft model\n"
    "\n"
    "Perplexity mode: scores a text with a language-model artifact.\n"
    "  --perplexity FILE   tokenize FILE and print \"perplexity: P over N\n"
    "                      tokens\" (windows of --context tokens, each\n"
    "                      from an empty cache; progress on stderr)\n"
    "  --context N         tokens per window (default: the manifest's\n"
    "                      max context, at most 512)\n"
    "  --chunks N          score only the first N windows\n"
    "\n"
    "Tensor mode: runs one function of a compiled artifact on tensors.\n"
    "  --input FILE        an input tensor (.pb TensorProto or .npy); repeat\n"
    "                      in input order (a .pb named after an input is\n"
    "                      matched by name)\n"
    "  --expected FILE     an expected output; repeat in output order\n"
    "  --rtol X            relative tolerance (default 1e-3)\n"
    "  --atol X            absolute tolerance (default 1e-7)\n"
    "  --function NAME     the function to run (default: the first; in LLM\n"
    "                      mode \"main\" if present)\n"
    "  --output-dir DIR    write each output to DIR/NAME.npy\n"
    "  --no-verify-weights skip the weights checksum on open\n"
    "  --version           print Ternion's and LLVM's versions\n"
    "  --help              print this help\n"
    "\n"
    "Exit status: 0 if every output matches (or none was expected), 1 on\n"
    "an error or a mismatch, 2 on a usage error.\n";

enum class Mode { Tensor, Generate, Perplexity };

struct Options {
  std::string artifact;
  std::vector<std::string> inputs;
  std::vector<std::string> expected;
  Tolerance tolerance;
  std::string function;
  std::string outputDir;
  bool verifyWeights = true;
  Mode mode = Mode::Tensor;
  /// LLM mode; artifact, function and verifyWeights are copied in.
  GenerateOptions generate;
  /// Perplexity mode; artifact, function and verifyWeights are copied in.
  PerplexityOptions perplexity;
  /// The first perplexity-only option seen, to refuse it elsewhere.
  std::string perplexityOption;
  /// The first LLM-only option seen, to refuse it in tensor mode.
  std::string llmOption;
  /// --prompt was given (--prompt-ids sets generate.promptIds).
  bool textPrompt = false;
};

int fail(const std::string &message) {
  std::fprintf(stderr, "ternion-run: error: %s\n", message.c_str());
  return 1;
}

int usageError(const std::string &message) {
  std::fprintf(stderr,
               "ternion-run: error: %s\n(run 'ternion-run --help' for "
               "usage)\n",
               message.c_str());
  return 2;
}

bool parseInteger(const std::string &text, int64_t &value) {
  if (text.empty())
    return false;
  char *end = nullptr;
  errno = 0;
  long long parsed = std::strtoll(text.c_str(), &end, 10);
  if (*end != '\0' || errno != 0 || parsed < 0)
    return false;
  value = parsed;
  return true;
}

/// Parses token ids separated by commas and/or whitespace ("1,2, 3").
bool parseTokenIds(const std::string &text, std::vector<int32_t> &ids) {
  ids.clear();
  std::string word;
  for (size_t at = 0; at <= text.size(); ++at) {
    char c = at < text.size() ? text[at] : ',';
    if (c != ',' && !std::isspace(static_cast<unsigned char>(c))) {
      word += c;
      continue;
    }
    if (word.empty())
      continue;
    int64_t id = 0;
    if (!parseInteger(word, id) || id > INT32_MAX)
      return false;
    ids.push_back(static_cast<int32_t>(id));
    word.clear();
  }
  return !ids.empty();
}

bool parseDouble(const std::string &text, double &value) {
  if (text.empty())
    return false;
  char *end = nullptr;
  value = std::strtod(text.c_str(), &end);
  return *end == '\0' && value >= 0;
}

/// Parses argv. Returns -1 to continue, otherwise an exit code.
int parseOptions(int argc, char **argv, Options &options) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    // Accept both "--flag value" and "--flag=value".
    size_t eq = arg.find('=');
    bool inlineValue = arg.rfind("--", 0) == 0 && eq != std::string::npos;
    if (inlineValue) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    auto takeValue = [&](std::string &out) {
      if (inlineValue) {
        out = value;
        return true;
      }
      if (i + 1 >= argc)
        return false;
      out = argv[++i];
      return true;
    };
    std::string text;
    if (arg == "--help" || arg == "-h") {
      std::fputs(Usage, stdout);
      return 0;
    }
    if (arg == "--version") {
      std::printf("Ternion version %s (LLVM/MLIR %s)\nruntime %s\n",
                  TERNION_VERSION, TERNION_LLVM_VERSION, tnx_runtime_version());
      return 0;
    }
    if (arg == "--input" || arg == "--inputs") {
      if (!takeValue(text))
        return usageError(arg + " needs a file");
      options.inputs.push_back(text);
    } else if (arg == "--expected") {
      if (!takeValue(text))
        return usageError(arg + " needs a file");
      options.expected.push_back(text);
    } else if (arg == "--rtol" || arg == "--atol") {
      double number;
      if (!takeValue(text) || !parseDouble(text, number))
        return usageError(arg + " needs a non-negative number");
      (arg == "--rtol" ? options.tolerance.rtol : options.tolerance.atol) =
          number;
    } else if (arg == "--function") {
      if (!takeValue(options.function))
        return usageError("--function needs a name");
    } else if (arg == "--output-dir") {
      if (!takeValue(options.outputDir))
        return usageError("--output-dir needs a directory");
    } else if (arg == "--no-verify-weights") {
      options.verifyWeights = false;
    } else if (arg == "--prompt") {
      if (!takeValue(options.generate.prompt))
        return usageError("--prompt needs text");
      options.mode = Mode::Generate;
      options.textPrompt = true;
    } else if (arg == "--prompt-ids") {
      std::vector<int32_t> ids;
      if (!takeValue(text) || !parseTokenIds(text, ids))
        return usageError("--prompt-ids needs token ids, e.g. \"1,2,3\"");
      options.generate.promptIds = std::move(ids);
      options.mode = Mode::Generate;
    } else if (arg == "--perplexity") {
      if (!takeValue(options.perplexity.textFile))
        return usageError("--perplexity needs a text file");
      options.mode = Mode::Perplexity;
    } else if (arg == "--context" || arg == "--chunks") {
      int64_t number = 0;
      if (!takeValue(text) || !parseInteger(text, number) || number == 0)
        return usageError(arg + " needs a positive integer");
      (arg == "--context" ? options.perplexity.context : options.perplexity.maxWindows) = number;
      options.perplexityOption = arg;
    } else if (arg == "--draft-tokens") {
      int64_t number = 0;
      if (!takeValue(text) || !parseInteger(text, number) || number < 1 ||
          number > TNX_MAX_DRAFT_TOKENS)
        return usageError("--draft-tokens needs an integer in 1.." +
                          std::to_string(TNX_MAX_DRAFT_TOKENS) +
                          " (--no-draft runs the target alone)");
      options.generate.draftTokens = static_cast<int32_t>(number);
      options.llmOption = arg;
    } else if (arg == "--no-draft") {
      options.generate.draftTokens = 0;
      options.llmOption = arg;
    } else if (arg == "-n" || arg == "--max-new-tokens" ||
               arg == "--max-context" || arg == "--top-k" || arg == "--seed") {
      int64_t number = 0;
      if (!takeValue(text) || !parseInteger(text, number))
        return usageError(arg + " needs a non-negative integer");
      if (arg == "-n" || arg == "--max-new-tokens")
        options.generate.maxNewTokens = number;
      else if (arg == "--max-context")
        options.generate.maxContext = number;
      else if (arg == "--top-k")
        options.generate.sampler.top_k =
            static_cast<int32_t>(std::min<int64_t>(number, INT32_MAX));
      else
        options.generate.sampler.seed = static_cast<uint64_t>(number);
      options.llmOption = arg;
    } else if (arg == "--temperature" || arg == "--top-p") {
      double number;
      if (!takeValue(text) || !parseDouble(text, number))
        return usageError(arg + " needs a non-negative number");
      if (arg == "--top-p" && (number <= 0 || number > 1))
        return usageError("--top-p needs a number in (0, 1]");
      (arg == "--temperature" ? options.generate.sampler.temperature
                              : options.generate.sampler.top_p) =
          static_cast<float>(number);
      options.llmOption = arg;
    } else if (arg == "--greedy" || arg == "--ids" || arg == "--bench") {
      if (arg == "--greedy")
        options.generate.sampler.temperature = 0;
      else
        (arg == "--ids" ? options.generate.printIds : options.generate.bench) =
            true;
      options.llmOption = arg;
    } else if (arg.size() > 1 && arg[0] == '-') {
      return usageError("unknown option '" + arg + "'");
    } else if (options.artifact.empty()) {
      options.artifact = arg;
    } else {
      return usageError("more than one artifact given ('" + options.artifact +
                        "' and '" + arg + "')");
    }
  }
  if (options.artifact.empty())
    return usageError("no artifact given");
  if (!options.perplexity.textFile.empty()) {
    if (options.textPrompt || options.generate.promptIds)
      return usageError("give either --perplexity or a prompt, not both");
    if (!options.llmOption.empty())
      return usageError(options.llmOption + " does not apply with --perplexity");
    if (!options.inputs.empty() || !options.expected.empty() || !options.outputDir.empty())
      return usageError("--perplexity does not take --input, --expected or --output-dir");
    options.mode = Mode::Perplexity;
    return -1;
  }
  if (!options.perplexityOption.empty())
    return usageError(options.perplexityOption + " only applies with --perplexity");
  if (options.mode == Mode::Tensor && !options.llmOption.empty())
    return usageError(options.llmOption +
                      " only applies with --prompt or --prompt-ids");
  if (options.textPrompt && options.generate.promptIds)
    return usageError("give either --prompt or --prompt-ids, not both");
  std::string promptOption = options.textPrompt ? "--prompt" : "--prompt-ids";
  if (options.mode == Mode::Generate &&
      (!options.inputs.empty() || !options.expected.empty() ||
       !options.outputDir.empty()))
    return usageError(promptOption + " does not take --input, --expected or "
                                     "--output-dir");
  return -1;
}

/// Owns a status and turns it into an error line.
bool failed(tnx_status_t status, std::string &error,
            const std::string &context = "") {
  if (!status)
    return false;
  error = context + tnx_status_message(status);
  tnx_status_free(status);
  return true;
}

/// Releases C API handles on scope exit.
struct Handles {
  tnx_artifact_t *artifact = nullptr;
  tnx_session_t *session = nullptr;
  std::vector<tnx_tensor_t *> tensors;
  ~Handles() {
    for (tnx_tensor_t *tensor : tensors)
      tnx_tensor_release(tensor);
    tnx_session_release(session);
    tnx_artifact_close(artifact);
  }
};

std::vector<int64_t> shapeOf(const tnx_tensor_t *tensor) {
  const int64_t *dims = tnx_tensor_shape(tensor);
  return std::vector<int64_t>(dims, dims + tnx_tensor_rank(tensor));
}

std::string valueNames(const tnx_function_t *function, bool outputs) {
  std::string names;
  size_t count = outputs ? tnx_function_output_count(function)
                         : tnx_function_input_count(function);
  for (size_t i = 0; i < count; ++i) {
    const tnx_value_info_t *info = nullptr;
    tnx_status_t status = outputs ? tnx_function_output(function, i, &info)
                                  : tnx_function_input(function, i, &info);
    tnx_status_free(status);
    names += (i ? ", '" : "'") + std::string(tnx_value_info_name(info)) + "'";
  }
  return names;
}

/// Reads tensor files and puts each at its position, or at the position of
/// the input/output whose name it carries. Returns "" or an error.
std::string readInOrder(const std::vector<std::string> &files,
                        const tnx_function_t *function, bool outputs,
                        std::vector<HostTensor> &tensors) {
  const char *what = outputs ? "output" : "input";
  size_t expected = outputs ? tnx_function_output_count(function)
                            : tnx_function_input_count(function);
  if (files.size() != expected)
    return std::string("function '") + tnx_function_name(function) + "' has " +
           std::to_string(expected) + " " + what + (expected == 1 ? "" : "s") +
           (expected ? " (" + valueNames(function, outputs) + ")" : "") +
           " but " + std::to_string(files.size()) +
           (outputs ? " --expected" : " --input") + " file" +
           (files.size() == 1 ? " was" : "s were") + " given";
  tensors.assign(files.size(), HostTensor());
  for (size_t i = 0; i < files.size(); ++i) {
    HostTensor tensor;
    std::string error;
    if (!readTensorFile(files[i], tensor, error))
      return error;
    size_t index = i;
    tnx_status_t status =
        tensor.name.empty()
            ? nullptr
            : (outputs ? tnx_function_find_output(function, tensor.name.c_str(),
                                                  &index)
                       : tnx_function_find_input(function, tensor.name.c_str(),
                                                 &index));
    // A name that matches nothing is not an error: exporters rename
    // values, and position is the primary key.
    if (status) {
      tnx_status_free(status);
      index = i;
    } else if (index != i) {
      return files[i] + ": tensor is named '" + tensor.name + "', which is " +
             what + " " + std::to_string(index) +
             ", but it was given at position " + std::to_string(i);
    }
    tensors[index] = std::move(tensor);
  }
  return "";
}

/// A file name for an output: its name with path separators and other odd
/// characters replaced.
std::string fileNameFor(const std::string &name, size_t index) {
  std::string safe;
  for (char c : name)
    safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' ||
             c == '_' || c == '-')
                ? c
                : '_';
  if (safe.empty() || safe[0] == '.')
    safe = "output_" + std::to_string(index) + safe;
  return safe + ".npy";
}

void printValues(const tnx_tensor_t *tensor) {
  tnx_dtype_t dtype = tnx_tensor_dtype(tensor);
  size_t count = tnx_tensor_element_count(tensor);
  size_t shown = std::min<size_t>(count, 8);
  std::printf("  values:");
  for (size_t i = 0; i < shown; ++i) {
    double value = elementAsDouble(dtype, tnx_tensor_data(tensor), i);
    std::printf("%s %.6g", i ? "," : "", value);
  }
  std::printf("%s\n", count > shown ? ", ..." : "");
}

int runTensorMode(const Options &options) {
  Handles handles;
  std::string error;
  tnx_artifact_options_t artifactOptions;
  tnx_artifact_options_init(&artifactOptions);
  artifactOptions.verify_weights = options.verifyWeights;
  if (failed(tnx_artifact_open(options.artifact.c_str(), &artifactOptions,
                               &handles.artifact),
             error))
    return fail(error);
  if (failed(tnx_session_create(
                 handles.artifact,
                 options.function.empty() ? nullptr : options.function.c_str(),
                 &handles.session),
             error))
    return fail(error);
  const tnx_function_t *function = tnx_session_function(handles.session);

  std::vector<HostTensor> inputs, expected;
  error = readInOrder(options.inputs, function, /*outputs=*/false, inputs);
  if (error.empty() && !options.expected.empty())
    error = readInOrder(options.expected, function, /*outputs=*/true, expected);
  if (!error.empty())
    return fail(error);

  for (size_t i = 0; i < inputs.size(); ++i) {
    HostTensor &input = inputs[i];
    tnx_tensor_t *tensor = nullptr;
    std::string context = options.inputs[i] + ": ";
    if (failed(tnx_tensor_wrap(input.dtype, input.shape.data(),
                               input.shape.size(), input.data.data(),
                               input.data.size(), &tensor),
               error, context))
      return fail(error);
    handles.tensors.push_back(tensor);
    if (failed(tnx_session_bind_input(handles.session, i, tensor), error,
               context))
      return fail(error);
  }

  auto start = std::chrono::steady_clock::now();
  if (failed(tnx_session_run(handles.session), error))
    return fail(error);
  double millis = std::chrono::duration<double, std::milli>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  std::printf("ran '%s' in %.3f ms\n", tnx_function_name(function), millis);

  if (!options.outputDir.empty()) {
    struct stat info;
    if (::stat(options.outputDir.c_str(), &info) != 0 &&
        ::mkdir(options.outputDir.c_str(), 0777) != 0)
      return fail(options.outputDir +
                  ": cannot create directory: " + std::strerror(errno));
  }

  bool allPass = true;
  for (size_t i = 0; i < tnx_function_output_count(function); ++i) {
    tnx_tensor_t *output = nullptr;
    if (failed(tnx_session_output(handles.session, i, &output), error))
      return fail(error);
    const tnx_value_info_t *info = nullptr;
    tnx_status_free(tnx_function_output(function, i, &info));
    std::string name = tnx_value_info_name(info);
    std::vector<int64_t> shape = shapeOf(output);
    tnx_dtype_t dtype = tnx_tensor_dtype(output);
    if (!expected.empty()) {
      Comparison result = compareTensors(dtype, shape, tnx_tensor_data(output),
                                         expected[i], options.tolerance);
      allPass = allPass && result.pass;
      std::printf("%s: %s %s max_abs %.3g max_rel %.3g %s\n", name.c_str(),
                  tnx_dtype_name(dtype), formatShape(shape).c_str(),
                  result.maxAbs, result.maxRel, result.pass ? "PASS" : "FAIL");
      if (!result.pass)
        std::printf("  %s\n", result.reason.c_str());
    } else {
      std::printf("%s: %s %s\n", name.c_str(), tnx_dtype_name(dtype),
                  formatShape(shape).c_str());
      printValues(output);
    }
    if (!options.outputDir.empty()) {
      std::string path = options.outputDir + "/" + fileNameFor(name, i);
      if (!writeFile(path,
                     encodeNpy(dtype, shape, tnx_tensor_data(output),
                               tnx_tensor_byte_size(output)),
                     error))
        return fail(error);
    }
  }
  if (!expected.empty())
    std::printf("%s\n", allPass ? "all outputs match" : "outputs differ");
  return allPass ? 0 : 1;
}

} // namespace

int main(int argc, char **argv) {
  Options options;
  tnx_sampler_options_init(&options.generate.sampler);
  int exitCode = parseOptions(argc, argv, options);
  if (exitCode >= 0)
    return exitCode;
  switch (options.mode) {
  case Mode::Tensor:
    return runTensorMode(options);
  case Mode::Generate:
    options.generate.artifact = options.artifact;
    options.generate.function = options.function;
    options.generate.verifyWeights = options.verifyWeights;
    return runGenerateMode(options.generate);
  case Mode::Perplexity:
    options.perplexity.artifact = options.artifact;
    options.perplexity.function = options.function;
    options.perplexity.verifyWeights = options.verifyWeights;
    return runPerplexityMode(options.perplexity);
  }
  return 1;
}
