//===- ternion-search-attention.cpp - offline sparse pattern search -------===//
//
// MInference's offline search as a Ternion tool: compiles the model with
// its attention exposed (ternion-compile --expose-attention, run as a
// program: the compiler's protobuf and the runtime's SentencePiece cannot
// share a process), runs it through the runtime on a window of
// real text, and for each head compares the sparse patterns sized to one
// kernel cost by the recall of the attention output against dense
// attention (PatternSearch.h). Writes the pattern file that
// `ternion-compile --attention-patterns` reads, prints a table, and draws
// the choices and a few heads' attention maps as an SVG.
//
//===----------------------------------------------------------------------===//
#include "PatternSearch.h"
#include "Picture.h"

#include "ternion/VersionPrinter.h"
#include "ternion/llm.h"
#include "ternion/runtime.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

using namespace ternion;
using namespace ternion::search;
using llvm::formatv;
namespace cl = llvm::cl;

namespace {

cl::OptionCategory category("ternion-search-attention options");
cl::opt<std::string> modelPath(cl::Positional, cl::desc("<model.onnx | model-kv.onnx>"),
                               cl::Required, cl::cat(category));
cl::opt<std::string> textPath("text", cl::desc("Real text to run the model on"),
                              cl::value_desc("file"), cl::Required, cl::cat(category));
cl::opt<int64_t> context("context", cl::desc("Tokens of the text to attend over (required)"),
                         cl::value_desc("N"), cl::Required, cl::cat(category));
cl::opt<std::string> outputPath("o", cl::desc("The pattern file to write"),
                                cl::value_desc("patterns.json"), cl::Required, cl::cat(category));
cl::opt<std::string> tokenizerPath(
    "tokenizer",
    cl::desc("The model's tokenizer (default: tokenizer.model or tokenizer.json beside it)"),
    cl::value_desc("file"), cl::cat(category));
cl::opt<double> density("density",
                        cl::desc("Target cost of every pattern: this share of the key blocks "
                                 "dense attention computes (default 0.2)"),
                        cl::init(0.2), cl::cat(category));
cl::opt<double> minRecall("min-recall",
                          cl::desc("Heads whose best pattern keeps less of the attention "
                                   "output stay dense (default 0.9)"),
                          cl::init(0.9), cl::cat(category));
cl::opt<int64_t> minTokens("min-tokens",
                           cl::desc("Prefills shorter than this run dense (written to the "
                                    "file; default: half the context, at least 1024)"),
                           cl::init(0), cl::cat(category));
cl::opt<int64_t> skipTokens("skip", cl::desc("Tokens of the text to skip first (default 0)"),
                            cl::init(0), cl::cat(category));
cl::opt<std::string> svgPath("svg",
                             cl::desc("The picture (default: the pattern file's name with .svg)"),
                             cl::value_desc("file"), cl::cat(category));

[[noreturn]] void fail(const llvm::Twine &message) {
  llvm::errs() << "ternion-search-attention: error: " << message << "\n";
  std::exit(1);
}

void check(tnx_status_t status, const llvm::Twine &what) {
  if (!status)
    return;
  std::string message = tnx_status_message(status);
  tnx_status_free(status);
  fail(what + ": " + message);
}

double now() {
  using clock = std::chrono::steady_clock;
  return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
}

/// "[#####.....] 12/32 heads, 3.1 s" on one line of stderr when it is a
/// terminal, else a line per tenth.
class Progress {
public:
  Progress(size_t total, const char *what) : total(total), what(what), start(now()) {}
  void step() {
    std::lock_guard<std::mutex> lock(mutex);
    ++done;
    bool terminal = llvm::sys::Process::StandardErrIsDisplayed();
    if (!terminal && done != total && done * 10 / total == (done - 1) * 10 / total)
      return;
    const int width = 30;
    int filled = int(done * width / total);
    llvm::errs() << (terminal ? "\r" : "") << "  [" << std::string(filled, '#')
                 << std::string(width - filled, '.') << "] " << done << "/" << total << " " << what
                 << ", " << llvm::format("%.1f s", now() - start)
                 << (terminal && done < total ? "" : "\n");
  }

private:
  std::mutex mutex;
  size_t total, done = 0;
  const char *what;
  double start;
};

std::string defaultTokenizer() {
  llvm::SmallString<256> dir(modelPath);
  llvm::sys::path::remove_filename(dir);
  for (const char *name : {"tokenizer.model", "tokenizer.json"}) {
    llvm::SmallString<256> candidate(dir);
    llvm::sys::path::append(candidate, name);
    if (llvm::sys::fs::exists(candidate))
      return std::string(candidate);
  }
  fail("no --tokenizer given and no tokenizer.model or tokenizer.json beside '" + modelPath + "'");
}

tnx_tensor_t *tensor(tnx_dtype_t dtype, std::vector<int64_t> shape) {
  tnx_tensor_t *t = nullptr;
  check(tnx_tensor_create(dtype, shape.data(), shape.size(), &t), "allocating an input");
  return t;
}

/// Binds the language-model inputs of `session` for `ids`, from an empty
/// KV cache.
void bindInputs(tnx_session_t *session, const std::vector<int32_t> &ids) {
  const tnx_function_t *fn = tnx_session_function(session);
  int64_t n = int64_t(ids.size());
  for (size_t i = 0, e = tnx_function_input_count(fn); i < e; ++i) {
    const tnx_value_info_t *info = nullptr;
    check(tnx_function_input(fn, i, &info), "reading the model's inputs");
    std::string name = tnx_value_info_name(info);
    tnx_tensor_t *t = nullptr;
    if (name == "input_ids" || name == "attention_mask" || name == "position_ids") {
      if (tnx_value_info_dtype(info) != TNX_DTYPE_I64)
        fail("input '" + name + "' is not int64");
      t = tensor(TNX_DTYPE_I64, {1, n});
      auto *data = static_cast<int64_t *>(tnx_tensor_data(t));
      for (int64_t j = 0; j < n; ++j)
        data[j] = name == "input_ids" ? ids[j] : name == "attention_mask" ? 1 : j;
    } else if (llvm::StringRef(name).starts_with("past_key_values.")) {
      // An empty cache: the past length is 0, the other dims static.
      std::vector<int64_t> shape;
      const int64_t *dims = tnx_value_info_dims(info);
      for (size_t d = 0, r = tnx_value_info_rank(info); d < r; ++d)
        shape.push_back(dims[d] >= 0 ? dims[d] : d == 0 ? 1 : 0);
      t = tensor(tnx_value_info_dtype(info), shape);
    } else {
      fail("the model has an input '" + name +
           "' the search cannot fill (it fills input_ids, attention_mask, position_ids and "
           "past_key_values.*)");
    }
    check(tnx_session_bind_input(session, i, t), "binding '" + name + "'");
    tnx_tensor_release(t);
  }
}

struct LayerTensors {
  tnx_tensor_t *query = nullptr, *key = nullptr, *value = nullptr;
  float scale = 0;
};

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions({&category});
  registerTernionVersionPrinter();
  cl::ParseCommandLineOptions(
      argc, argv,
      "Ternion: search a sparse attention pattern per head (MInference) on real text\n");
  if (context < 128)
    fail("--context must be at least 128 tokens (two blocks of 64), not " +
         llvm::Twine(context.getValue()));
  if (density <= 0 || density > 1)
    fail("--density must be in (0, 1]");
  std::string tokenizer = tokenizerPath.empty() ? defaultTokenizer() : tokenizerPath.getValue();

  // 1. The model, compiled with its attention exposed, in a scratch folder.
  llvm::SmallString<128> scratch;
  if (std::error_code ec = llvm::sys::fs::createUniqueDirectory("ternion-search", scratch))
    fail("cannot create a scratch folder: " + ec.message());
  llvm::scope_exit cleanup([&] { llvm::sys::fs::remove_directories(scratch); });
  std::string exposed = (scratch + "/exposed.tnx").str();
  // ternion-compile beside this program (both are installed together).
  std::string self = llvm::sys::fs::getMainExecutable(argv[0], reinterpret_cast<void *>(&fail));
  llvm::SmallString<256> compiler(llvm::sys::path::parent_path(self));
  llvm::sys::path::append(compiler, "ternion-compile");
  if (!llvm::sys::fs::can_execute(compiler))
    fail("cannot find ternion-compile beside this program (" + compiler + ")");
  std::string tokenizerArg = "--tokenizer=" + tokenizer;
  std::string contextArg = "--max-context=" + std::to_string(std::max<int64_t>(context, 2048));
  llvm::SmallVector<llvm::StringRef> compileArgs{compiler,
                                                 modelPath,
                                                 "-o",
                                                 exposed,
                                                 tokenizerArg,
                                                 contextArg,
                                                 "--kv-cache=concat",
                                                 "--expose-attention"};
  llvm::errs() << "ternion-search-attention: compiling " << modelPath
               << " with its attention exposed\n";
  double t0 = now();
  std::string error;
  int status = llvm::sys::ExecuteAndWait(compiler, compileArgs, std::nullopt, {}, 0, 0, &error);
  if (status != 0)
    fail("ternion-compile failed on '" + modelPath + "'" + (error.empty() ? "" : ": " + error));

  tnx_artifact_t *artifact = nullptr;
  check(tnx_artifact_open(exposed.c_str(), nullptr, &artifact), "opening the model");
  tnx_tokenizer_t *tok = nullptr;
  check(tnx_artifact_tokenizer(artifact, &tok), "opening the tokenizer");

  // 2. A window of the text.
  auto text = llvm::MemoryBuffer::getFile(textPath, /*IsText=*/true);
  if (!text)
    fail("cannot read '" + textPath + "': " + text.getError().message());
  int32_t *rawIds = nullptr;
  size_t count = 0;
  check(tnx_tokenizer_encode(tok, (*text)->getBufferStart(), (*text)->getBufferSize(), -1, &rawIds,
                             &count),
        "tokenizing '" + textPath + "'");
  std::vector<int32_t> all(rawIds, rawIds + count);
  tnx_free(rawIds);
  if (int64_t(all.size()) < skipTokens + context)
    fail("'" + textPath + "' has " + llvm::Twine(int64_t(all.size())) + " tokens; --skip " +
         llvm::Twine(skipTokens.getValue()) + " --context " + llvm::Twine(context.getValue()) +
         " needs " + llvm::Twine(skipTokens + context));
  std::vector<int32_t> ids(all.begin() + skipTokens, all.begin() + skipTokens + context);

  // 3. One prefill over the window.
  tnx_session_t *session = nullptr;
  check(tnx_session_create(artifact, "main", &session), "the model's main function");
  bindInputs(session, ids);
  llvm::errs() << "ternion-search-attention: running " << context << " tokens of " << textPath
               << " (" << llvm::format("%.1f s", now() - t0) << " so far)\n";
  check(tnx_session_run(session), "running the model");
  std::vector<LayerTensors> layers;
  for (size_t layer = 0;; ++layer) {
    std::string prefix = "attention." + std::to_string(layer) + ".";
    LayerTensors tensors;
    if (tnx_status_t missing =
            tnx_session_output_by_name(session, (prefix + "query").c_str(), &tensors.query)) {
      tnx_status_free(missing);
      break;
    }
    check(tnx_session_output_by_name(session, (prefix + "key").c_str(), &tensors.key), prefix);
    check(tnx_session_output_by_name(session, (prefix + "value").c_str(), &tensors.value), prefix);
    tnx_tensor_t *scale = nullptr;
    check(tnx_session_output_by_name(session, (prefix + "scale").c_str(), &scale), prefix);
    tensors.scale = *static_cast<const float *>(tnx_tensor_data(scale));
    layers.push_back(tensors);
  }
  if (layers.empty())
    fail("'" + modelPath + "' has no attention op that Ternion recognized (tern.attention)");

  // 4. The search, head by head, on every core.
  struct Job {
    size_t layer;
    int64_t head;
    HeadTensors tensors;
  };
  std::vector<Job> jobs;
  for (size_t l = 0; l < layers.size(); ++l) {
    const int64_t *q = tnx_tensor_shape(layers[l].query), *k = tnx_tensor_shape(layers[l].key),
                  *v = tnx_tensor_shape(layers[l].value);
    int64_t heads = q[1], group = heads / k[1];
    for (int64_t h = 0; h < heads; ++h) {
      const float *qd = static_cast<const float *>(tnx_tensor_data(layers[l].query));
      const float *kd = static_cast<const float *>(tnx_tensor_data(layers[l].key));
      const float *vd = static_cast<const float *>(tnx_tensor_data(layers[l].value));
      jobs.push_back(
          {l, h,
           HeadTensors{qd + h * q[2] * q[3], kd + (h / group) * k[2] * k[3],
                       vd + (h / group) * v[2] * v[3], q[2], k[2], q[3], v[3], layers[l].scale}});
    }
  }
  llvm::errs() << "ternion-search-attention: searching " << jobs.size() << " heads of "
               << layers.size() << " layers at density " << llvm::format("%g", density.getValue())
               << "\n";
  std::vector<HeadChoice> choices(jobs.size());
  Progress progress(jobs.size(), "heads");
  std::atomic<size_t> next{0};
  std::vector<std::thread> workers;
  for (unsigned w = 0, e = std::max(1u, std::thread::hardware_concurrency()); w < e; ++w)
    workers.emplace_back([&] {
      for (size_t j; (j = next++) < jobs.size();) {
        choices[j] = searchHead(jobs[j].tensors, density, minRecall);
        progress.step();
      }
    });
  for (std::thread &w : workers)
    w.join();

  // 5. The file, the table and the picture.
  PatternFile file;
  file.context = context;
  file.minTokens = minTokens > 0 ? minTokens.getValue() : std::max<int64_t>(1024, context / 2);
  file.source = (llvm::sys::path::filename(modelPath) + " on " +
                 llvm::sys::path::filename(textPath) + ", " + llvm::Twine(context.getValue()) +
                 " tokens, density " + llvm::formatv("{0:g}", density.getValue()))
                    .str();
  file.layers.resize(layers.size());
  for (size_t j = 0; j < jobs.size(); ++j)
    file.layers[jobs[j].layer].push_back(choices[j].chosen);
  std::string json = printPatternFile(file);
  if (llvm::Error e = llvm::writeToOutput(outputPath, [&](llvm::raw_ostream &os) {
        os << json;
        return llvm::Error::success();
      }))
    fail("cannot write '" + outputPath + "': " + llvm::toString(std::move(e)));

  llvm::outs() << llvm::format("%-6s %-5s %-15s %-22s %8s %8s   %s\n", "layer", "head", "pattern",
                               "budget", "recall", "density", "(best of each kind: recall)");
  std::map<HeadPatternKind, int> chosenKinds;
  double recallSum = 0, densitySum = 0;
  for (size_t j = 0; j < jobs.size(); ++j) {
    const HeadPattern &p = choices[j].chosen;
    std::string budget = p.kind == HeadPatternKind::AShape
                             ? llvm::formatv("sink {0} local {1}", p.first, p.second).str()
                         : p.kind == HeadPatternKind::VerticalSlash
                             ? llvm::formatv("{0} v, {1} s", p.first, p.second).str()
                         : p.kind == HeadPatternKind::BlockSparse
                             ? llvm::formatv("{0} blocks", p.first).str()
                             : std::string("-");
    std::string others;
    std::map<HeadPatternKind, double> best;
    for (const HeadPattern &c : choices[j].candidates)
      best[c.kind] = std::max(best[c.kind], *c.recall);
    for (auto [kind, recall] : best)
      others += llvm::formatv("{0} {1:f3}  ", patternKindName(kind), recall).str();
    llvm::outs() << llvm::format("%-6zu %-5lld %-15s %-22s %8.4f %8.3f   ", jobs[j].layer,
                                 (long long)jobs[j].head, patternKindName(p.kind).data(),
                                 budget.c_str(), *p.recall, *p.density)
                 << others << "\n";
    ++chosenKinds[p.kind];
    recallSum += *p.recall;
    densitySum += *p.density;
  }
  llvm::outs() << "chosen:";
  for (auto [kind, n] : chosenKinds)
    llvm::outs() << " " << n << " " << patternKindName(kind);
  llvm::outs() << llvm::format("; mean recall %.4f, mean density %.3f\n", recallSum / jobs.size(),
                               densitySum / jobs.size());

  // Example maps: the first head of each chosen kind.
  std::vector<ExampleMap> examples;
  std::map<HeadPatternKind, bool> shown;
  const int64_t cells = std::min<int64_t>(64, context / 16);
  for (size_t j = 0; j < jobs.size() && examples.size() < 3; ++j) {
    const HeadPattern &p = choices[j].chosen;
    if (shown[p.kind])
      continue;
    shown[p.kind] = true;
    const HeadTensors &head = jobs[j].tensors;
    PatternIndex index = buildIndex(p, estimate(head), head.queries, head.keys);
    examples.push_back({int64_t(jobs[j].layer), jobs[j].head, p, pooledAttention(head, cells),
                        keptCells(index, head.queries, head.keys, cells), cells});
  }
  std::string svgFile = svgPath;
  if (svgFile.empty()) {
    llvm::SmallString<256> path(outputPath);
    llvm::sys::path::replace_extension(path, "svg");
    svgFile = std::string(path);
  }
  std::string svg = renderSvg(file, examples, "Sparse attention patterns: " + file.source);
  if (llvm::Error e = llvm::writeToOutput(svgFile, [&](llvm::raw_ostream &os) {
        os << svg;
        return llvm::Error::success();
      }))
    fail("cannot write '" + svgFile + "': " + llvm::toString(std::move(e)));
  llvm::errs() << "ternion-search-attention: wrote " << outputPath << " and " << svgFile << " ("
               << llvm::format("%.1f s", now() - t0) << ")\n";
  tnx_session_release(session);
  tnx_tokenizer_release(tok);
  tnx_artifact_close(artifact);
  return 0;
}
