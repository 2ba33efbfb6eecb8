//===- OutlineLayers.cpp - the tern-outline-layers pass -------------------===//
//
// Passes.td describes what is outlined and when. The search works on a
// function's non-constant top-level ops in program order ("the sequence"):
// constants are where weights and small literals live, and they may sit
// anywhere, so they are operands to classify, not ops to align.
//
//===----------------------------------------------------------------------===//
#include "passes/Passes.h"

#include "dialects/tern/ConstantValues.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"

namespace ternion {
#define GEN_PASS_DEF_TERNOUTLINELAYERS
#include "passes/Passes.h.inc"
} // namespace ternion

using namespace mlir;

namespace ternion {
namespace {

/// A constant small enough to be compared by value and cloned into the
/// layer function (shape arithmetic, epsilons, exponents), as opposed to a
/// weight, which is passed in.
bool isSmallConstant(Value v) {
  Operation *def = v.getDefiningOp();
  if (!def || !def->hasTrait<OpTrait::ConstantLike>())
    return false;
  Attribute attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return false;
  auto elements = dyn_cast<ElementsAttr>(attr);
  return !elements || elements.getNumElements() <= tern::kMaxFoldedElements;
}

/// Two small constants with the same type and value. Imported constants
/// are dense_resource blobs with their own names, so compare bytes.
bool sameSmallConstant(Value a, Value b) {
  if (a == b)
    return true;
  if (a.getType() != b.getType())
    return false;
  Attribute x, y;
  matchPattern(a, m_Constant(&x));
  matchPattern(b, m_Constant(&y));
  if (x == y)
    return true;
  auto ex = dyn_cast<ElementsAttr>(x), ey = dyn_cast<ElementsAttr>(y);
  if (!ex || !ey)
    return false;
  std::optional<ArrayRef<char>> bx = tern::getRawBytes(ex), by = tern::getRawBytes(ey);
  if (bx && by)
    return *bx == *by;
  // Splats (and literals getRawBytes does not read) compare as values.
  if (auto fx = tern::getFloatValues(x))
    if (auto fy = tern::getFloatValues(y))
      return *fx == *fy;
  if (auto ix = tern::getIntValues(x))
    if (auto iy = tern::getIntValues(y))
      return *ix == *iy;
  return false;
}

/// An operand of a window's op: (op offset, operand number).
using Slot = std::pair<int64_t, unsigned>;

/// How one window uses the world outside it: the values it takes in, in
/// first-use order, each an argument of the layer function. Small constants
/// that all layers share by value are cloned instead (the slots in
/// `LayerSearch::sharedConstants`); the others, such as a norm's weights,
/// are arguments like any weight.
struct WindowInterface {
  SmallVector<Value> arguments;
  llvm::DenseMap<Value, unsigned> argumentIndex;
};

/// The sequence and the windows being compared.
class LayerSearch {
public:
  explicit LayerSearch(ArrayRef<Operation *> sequence) : sequence(sequence) {
    for (auto [i, op] : llvm::enumerate(sequence))
      position[op] = i;
  }

  /// Where `v` is defined inside the window [start, start + length): the
  /// op's offset and the result number; nullopt when outside.
  std::optional<std::pair<int64_t, unsigned>> inside(Value v, int64_t start, int64_t length) const {
    Operation *def = v.getDefiningOp();
    if (!def)
      return std::nullopt;
    auto it = position.find(def);
    if (it == position.end() || it->second < start || it->second >= start + length)
      return std::nullopt;
    return std::pair(it->second - start, cast<OpResult>(v).getResultNumber());
  }

  /// The operand slots of the template window at `starts[0]` that take a
  /// small constant of the same value in every window.
  llvm::DenseSet<Slot> sharedConstants(ArrayRef<int64_t> starts, int64_t length) const {
    llvm::DenseSet<Slot> shared;
    for (int64_t j = 0; j < length; ++j) {
      Operation *a = sequence[starts.front() + j];
      for (auto [k, va] : llvm::enumerate(a->getOperands())) {
        if (inside(va, starts.front(), length) || !isSmallConstant(va))
          continue;
        bool same = llvm::all_of(starts.drop_front(), [&](int64_t start) {
          Operation *b = sequence[start + j];
          return k < b->getNumOperands() && isSmallConstant(b->getOperand(k)) &&
                 sameSmallConstant(va, b->getOperand(k));
        });
        if (same)
          shared.insert({j, unsigned(k)});
      }
    }
    return shared;
  }

  /// True when the window at `start` is the same program as the template
  /// window at `base`, given the template's shared constant slots; fills
  /// both interfaces (the template's is rebuilt identically each time, which
  /// checks it against this window's).
  bool matches(int64_t base, int64_t start, int64_t length, const llvm::DenseSet<Slot> &shared,
               WindowInterface &baseInterface, WindowInterface &interface) const {
    baseInterface = WindowInterface();
    interface = WindowInterface();
    for (int64_t j = 0; j < length; ++j) {
      Operation *a = sequence[base + j], *b = sequence[start + j];
      if (a->getName() != b->getName() || a->getNumRegions() || b->getNumRegions() ||
          a->getAttrDictionary() != b->getAttrDictionary() ||
          a->getResultTypes() != b->getResultTypes() || a->getNumOperands() != b->getNumOperands())
        return false;
      for (auto [k, operands] : llvm::enumerate(llvm::zip(a->getOperands(), b->getOperands()))) {
        auto [va, vb] = operands;
        auto ia = inside(va, base, length), ib = inside(vb, start, length);
        if (ia || ib) {
          if (ia != ib)
            return false;
          continue;
        }
        if (shared.contains({j, unsigned(k)}))
          continue;
        if (va.getType() != vb.getType())
          return false;
        // The same pattern of arguments: the k-th new value of one window
        // is the k-th new value of the other.
        auto [itA, newA] =
            baseInterface.argumentIndex.try_emplace(va, baseInterface.arguments.size());
        auto [itB, newB] = interface.argumentIndex.try_emplace(vb, interface.arguments.size());
        if (newA != newB || itA->second != itB->second)
          return false;
        if (newA) {
          baseInterface.arguments.push_back(va);
          interface.arguments.push_back(vb);
        }
      }
    }
    return true;
  }

  /// The (offset, result) of every value of the window used after it.
  void collectLiveOuts(int64_t start, int64_t length,
                       llvm::SetVector<std::pair<int64_t, unsigned>> &liveOuts) const {
    for (int64_t j = 0; j < length; ++j)
      for (OpResult result : sequence[start + j]->getResults())
        for (Operation *user : result.getUsers())
          if (!isInsideWindow(user, start, length)) {
            liveOuts.insert({j, result.getResultNumber()});
            break;
          }
  }

  Operation *op(int64_t i) const { return sequence[i]; }

private:
  bool isInsideWindow(Operation *user, int64_t start, int64_t length) const {
    // Users nested in regions count by their top-level ancestor.
    while (user && !position.count(user))
      user = user->getParentOp();
    if (!user)
      return false;
    int64_t p = position.lookup(user);
    return p >= start && p < start + length;
  }

  ArrayRef<Operation *> sequence;
  llvm::DenseMap<Operation *, int64_t> position;
};

/// What was decided for one function.
struct Layers {
  SmallVector<int64_t> starts; // window starts in the sequence
  int64_t length = 0;
  llvm::SetVector<std::pair<int64_t, unsigned>> liveOuts;
  llvm::DenseSet<Slot> shared;
  SmallVector<WindowInterface> interfaces;
};

/// The longest run of anchors at one distance, as (first index, count,
/// distance) into `anchors`.
std::tuple<size_t, size_t, int64_t> longestEqualRun(ArrayRef<int64_t> anchors) {
  size_t bestFirst = 0, bestCount = std::min<size_t>(anchors.size(), 1);
  int64_t bestGap = 0;
  for (size_t i = 0; i + 1 < anchors.size();) {
    int64_t gap = anchors[i + 1] - anchors[i];
    size_t j = i + 1;
    while (j + 1 < anchors.size() && anchors[j + 1] - anchors[j] == gap)
      ++j;
    if (j - i + 1 > bestCount) {
      bestFirst = i;
      bestCount = j - i + 1;
      bestGap = gap;
    }
    i = j;
  }
  return {bestFirst, bestCount, bestGap};
}

/// Finds the identical layers of a sequence, or says why there are none.
FailureOr<Layers> findLayers(const LayerSearch &search, ArrayRef<int64_t> anchors,
                             int64_t sequenceLength, int64_t minLayers, std::string &why) {
  if (int64_t(anchors.size()) < minLayers) {
    why = std::to_string(anchors.size()) + " anchor ops, fewer than min-layers";
    return failure();
  }
  auto [first, count, gap] = longestEqualRun(anchors);
  // A run of k anchors at distance `gap` bounds k windows; the run may also
  // miss a first anchor whose layer has extra ops (that layer stays inline).
  if (int64_t(count) < minLayers || gap <= 0) {
    why = "no " + std::to_string(minLayers) + " anchor ops at equal distances";
    return failure();
  }
  std::optional<Layers> best;
  size_t bestCrossing = 0;
  for (int64_t before = 0; before < gap; ++before) {
    Layers layers;
    layers.length = gap;
    for (size_t i = first; i < first + count; ++i)
      layers.starts.push_back(anchors[i] - before);
    if (layers.starts.front() < 0 || layers.starts.back() + gap > sequenceLength)
      continue;
    layers.shared = search.sharedConstants(layers.starts, gap);
    WindowInterface base;
    bool same = true;
    for (int64_t start : layers.starts) {
      WindowInterface interface;
      if (!search.matches(layers.starts.front(), start, gap, layers.shared, base, interface)) {
        same = false;
        break;
      }
      layers.interfaces.push_back(std::move(interface));
    }
    if (!same)
      continue;
    for (int64_t start : layers.starts)
      search.collectLiveOuts(start, gap, layers.liveOuts);
    size_t crossing = layers.liveOuts.size() + layers.interfaces.front().arguments.size();
    if (!best || crossing < bestCrossing) {
      bestCrossing = crossing;
      best = std::move(layers);
    }
  }
  if (!best) {
    why = std::to_string(count) + " anchors " + std::to_string(gap) +
          " ops apart, but no window around them is the same program in every layer";
    return failure();
  }
  return std::move(*best);
}

/// Builds the layer function from the first window and calls it from every
/// window, which it then erases.
func::FuncOp outline(func::FuncOp fn, const LayerSearch &search, Layers &layers,
                     SymbolTable &symbols) {
  MLIRContext *ctx = fn.getContext();
  int64_t base = layers.starts.front();
  WindowInterface &baseInterface = layers.interfaces.front();

  SmallVector<Type> argumentTypes, resultTypes;
  for (Value v : baseInterface.arguments)
    argumentTypes.push_back(v.getType());
  for (auto [j, r] : layers.liveOuts)
    resultTypes.push_back(search.op(base + j)->getResult(r).getType());

  OpBuilder builder(ctx);
  builder.setInsertionPointAfter(fn);
  auto layerFn = func::FuncOp::create(builder, fn.getLoc(), fn.getSymName().str() + "_layer",
                                      FunctionType::get(ctx, argumentTypes, resultTypes));
  layerFn.setPrivate();
  symbols.insert(layerFn); // renames on a clash
  Block *body = layerFn.addEntryBlock();
  builder.setInsertionPointToStart(body);
  IRMapping mapping;
  llvm::DenseMap<Value, Value> clonedConstants;
  for (auto [v, arg] : llvm::zip(baseInterface.arguments, body->getArguments()))
    mapping.map(v, arg);
  for (int64_t j = 0; j < layers.length; ++j) {
    Operation *op = search.op(base + j);
    Operation *copy = builder.clone(*op, mapping);
    // Shared constants by slot, not through `mapping`: the same value may
    // be an argument in another slot, where the layers differ.
    for (auto [k, operand] : llvm::enumerate(op->getOperands())) {
      if (!layers.shared.contains({j, unsigned(k)}))
        continue;
      Value &local = clonedConstants[operand];
      if (!local) {
        OpBuilder::InsertionGuard guard(builder);
        builder.setInsertionPointToStart(body);
        local = builder.clone(*operand.getDefiningOp())->getResult(0);
      }
      copy->setOperand(k, local);
    }
  }
  SmallVector<Value> results;
  for (auto [j, r] : layers.liveOuts)
    results.push_back(mapping.lookup(search.op(base + j)->getResult(r)));
  func::ReturnOp::create(builder, fn.getLoc(), results);

  // A layer's arguments may be an earlier layer's results (the hidden
  // state), which that layer's call has replaced by then.
  IRMapping replaced;
  for (auto [start, interface] : llvm::zip(layers.starts, layers.interfaces)) {
    Operation *last = search.op(start + layers.length - 1);
    builder.setInsertionPointAfter(last);
    SmallVector<Value> arguments;
    for (Value v : interface.arguments)
      arguments.push_back(replaced.lookupOrDefault(v));
    auto call = func::CallOp::create(builder, search.op(start)->getLoc(), layerFn, arguments);
    for (auto [k, liveOut] : llvm::enumerate(layers.liveOuts)) {
      Value old = search.op(start + liveOut.first)->getResult(liveOut.second);
      old.replaceAllUsesWith(call.getResult(k));
      replaced.map(old, call.getResult(k));
    }
    for (int64_t j = layers.length - 1; j >= 0; --j) {
      Operation *op = search.op(start + j);
      op->dropAllUses(); // uses inside the window, erased with it
      op->erase();
    }
  }
  return layerFn;
}

/// Moves each write of a final tensor into a `restrict` buffer (the KV
/// cache updates of tern-kv-cache-in-place, gathered at the end of the
/// function) up next to the op that computes the tensor, so that it is part
/// of its layer: left at the end, the layer function would return the whole
/// cache for the caller to copy back. `restrict` promises that nothing else
/// touches the buffer, so the write may happen as soon as its value exists.
void hoistRestrictWrites(func::FuncOp fn) {
  SmallVector<bufferization::MaterializeInDestinationOp> writes;
  fn.walk([&](bufferization::MaterializeInDestinationOp write) {
    if (write.getRestrict() && write->getBlock() == &fn.front() &&
        isa<BlockArgument>(write.getDest()))
      writes.push_back(write);
  });
  for (auto write : writes)
    if (Operation *def = write.getSource().getDefiningOp();
        def && def->getBlock() == write->getBlock())
      write->moveAfter(def);
}

struct OutlineLayersPass : impl::TernOutlineLayersBase<OutlineLayersPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<func::FuncOp> functions(module.getOps<func::FuncOp>());
    for (func::FuncOp fn : functions) {
      if (fn.isExternal() || !fn.getBody().hasOneBlock())
        continue;
      hoistRestrictWrites(fn);
      SmallVector<Operation *> sequence;
      SmallVector<int64_t> anchors;
      for (Operation &op : fn.front().without_terminator()) {
        if (op.hasTrait<OpTrait::ConstantLike>())
          continue;
        if (op.getName().getStringRef() == anchor)
          anchors.push_back(sequence.size());
        sequence.push_back(&op);
      }
      if (anchors.empty())
        continue;
      LayerSearch search(sequence);
      std::string why;
      FailureOr<Layers> layers = findLayers(search, anchors, sequence.size(), minLayers, why);
      if (failed(layers)) {
        if (report)
          fn.emitRemark() << "tern-outline-layers: nothing outlined: " << why;
        continue;
      }
      func::FuncOp layerFn = outline(fn, search, *layers, symbols);
      if (report)
        fn.emitRemark() << "tern-outline-layers: " << layers->starts.size() << " of "
                        << anchors.size() << " layers call @" << layerFn.getSymName() << " ("
                        << layers->length << " ops, " << layers->interfaces.front().arguments.size()
                        << " arguments, " << layers->liveOuts.size() << " results)";
    }
  }
};

} // namespace
} // namespace ternion
