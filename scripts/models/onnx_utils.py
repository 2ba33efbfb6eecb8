"""ONNX helpers: shared external-data weights file, BitNet int8 rewrite, test data sets, op
summaries. Uses only the onnx and numpy packages (Debian's onnx 1.12)."""
import hashlib
import os

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

ALIGN = 64
INLINE_MAX_BYTES = 256  # tensors smaller than this (shapes, scalars) stay inline


def optimum_kv_io(n_layers):
    """Input/output names and dynamic axes of a KV-cache graph in the Hugging Face Optimum
    convention: input_ids, attention_mask, position_ids, past_key_values.N.key|value ->
    logits, present.N.key|value."""
    ins = ["input_ids", "attention_mask", "position_ids"]
    outs = ["logits"]
    dyn = {"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "past_sequence+sequence"},
           "position_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"}}
    for i in range(n_layers):
        for kv in ("key", "value"):
            ins.append(f"past_key_values.{i}.{kv}")
            outs.append(f"present.{i}.{kv}")
            dyn[ins[-1]] = {0: "batch", 2: "past_sequence"}
            dyn[outs[-1]] = {0: "batch", 2: "past_sequence+sequence"}
    return ins, outs, dyn


def _raw_bytes(t):
    if t.HasField("raw_data") and len(t.raw_data):
        return t.raw_data
    return numpy_helper.to_array(t).tobytes()


class WeightsFileWriter:
    """Appends tensors to one external-data file opened as `f` (named `name` in the model's
    folder), deduplicated by content, each at an ALIGN-aligned offset, and points initializers
    at them. `size` is the file's length so far; `offsets` maps content digests to places."""

    def __init__(self, f, name):
        self.f, self.name, self.offsets, self.size = f, name, {}, 0

    def place(self, t, raw):
        """Make initializer t external data holding `raw` (written once per content)."""
        key = hashlib.sha256(raw).hexdigest()
        if key not in self.offsets:
            pad = (-self.size) % ALIGN
            self.f.write(b"\0" * pad)
            self.offsets[key] = (self.size + pad, len(raw))
            self.f.write(raw)
            self.size += pad + len(raw)
        off, ln = self.offsets[key]
        for field in ("raw_data", "float_data", "int32_data", "int64_data", "double_data", "uint64_data"):
            t.ClearField(field)
        t.data_location = TensorProto.EXTERNAL
        del t.external_data[:]
        for k, v in (("location", self.name), ("offset", str(off)), ("length", str(ln))):
            e = t.external_data.add()
            e.key, e.value = k, v


def share_external_data(model_paths, weights_name="weights.bin"):
    """Move every initializer of >= INLINE_MAX_BYTES of all given models (same directory) into
    one file `weights_name`, deduplicated by content, so that model.onnx and model-kv.onnx
    reference the same bytes at the same offsets. Verifies the result by reloading."""
    d = os.path.dirname(model_paths[0])
    models = [onnx.load(p) for p in model_paths]
    before = [{t.name: numpy_helper.to_array(t).copy() for t in m.graph.initializer} for m in models]
    with open(os.path.join(d, weights_name), "wb") as f:
        writer = WeightsFileWriter(f, weights_name)
        for m in models:
            for t in m.graph.initializer:
                raw = _raw_bytes(t)
                if len(raw) >= INLINE_MAX_BYTES:
                    writer.place(t, raw)
    for m, p in zip(models, model_paths):
        onnx.save(m, p)
    # verify: reload with external data and compare every initializer by name
    for p, ref in zip(model_paths, before):
        m = onnx.load(p)
        got = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
        assert set(got) == set(ref), p
        for k in ref:
            assert got[k].dtype == ref[k].dtype and np.array_equal(got[k], ref[k]), (p, k)
        onnx.checker.check_model(p)
    return writer.size, len(writer.offsets)


def ternarize_initializers(path, ternary):
    """BitNet deploy rewrite. `ternary` is a list of (q [out,in] int8 in {-1,0,1}, scale float).
    The exporter folded each BitLinear weight (q*scale)^T into a float initializer; replace it
    by an int8 initializer + Cast(to float) + Mul(scale) producing the same tensor name."""
    m = onnx.load(path)
    g = m.graph
    inits = {t.name: t for t in g.initializer}
    arrays = {n: numpy_helper.to_array(t) for n, t in inits.items()}
    new_nodes, done = [], 0
    for i, (q, s) in enumerate(ternary):
        deq_t = (q.astype(np.float32) * np.float32(s)).T
        hits = [n for n, a in arrays.items() if a.shape == deq_t.shape and np.array_equal(a, deq_t)]
        if len(hits) != 1:
            raise RuntimeError(f"bitlinear {i}: {len(hits)} matching initializers in {path}")
        name = hits[0]
        qn, sn, cn = name + "_ternary_int8", name + "_scale", name + "_as_float"
        g.initializer.remove(inits[name])
        del arrays[name]
        g.initializer.append(numpy_helper.from_array(np.ascontiguousarray(q.T.astype(np.int8)), qn))
        g.initializer.append(numpy_helper.from_array(np.array(s, dtype=np.float32), sn))
        new_nodes.append(helper.make_node("Cast", [qn], [cn], to=TensorProto.FLOAT, name=f"ternary_cast_{i}"))
        new_nodes.append(helper.make_node("Mul", [cn, sn], [name], name=f"ternary_scale_{i}"))
        done += 1
    old = list(g.node)
    del g.node[:]
    g.node.extend(new_nodes + old)
    onnx.checker.check_model(m)
    onnx.save(m, path)
    return done


def write_test_set(dirpath, inputs, outputs):
    """ONNX backend-test layout: input_K.pb / output_K.pb, TensorProto with the graph names."""
    os.makedirs(dirpath, exist_ok=True)
    for kind, items in (("input", inputs), ("output", outputs)):
        for k, (name, arr) in enumerate(items):
            t = numpy_helper.from_array(np.ascontiguousarray(arr), name)
            with open(os.path.join(dirpath, f"{kind}_{k}.pb"), "wb") as f:
                f.write(t.SerializeToString())


def op_counts(path):
    m = onnx.load(path, load_external_data=False)
    c = {}
    for n in m.graph.node:
        c[n.op_type] = c.get(n.op_type, 0) + 1
    return dict(sorted(c.items()))


def io_summary(path):
    m = onnx.load(path, load_external_data=False)

    def dims(v):
        return [d.dim_param if d.dim_param else d.dim_value for d in v.type.tensor_type.shape.dim]

    def et(v):
        return TensorProto.DataType.Name(v.type.tensor_type.elem_type).lower()

    return {"inputs": [[v.name, et(v), dims(v)] for v in m.graph.input],
            "outputs": [[v.name, et(v), dims(v)] for v in m.graph.output]}


def read_initializer(t, src_dir):
    """The raw bytes of initializer t, inline or external data relative to src_dir."""
    if t.data_location == TensorProto.EXTERNAL:
        loc = {e.key: e.value for e in t.external_data}
        with open(os.path.join(src_dir, loc["location"]), "rb") as f:
            f.seek(int(loc.get("offset", 0)))
            return f.read(int(loc["length"])) if "length" in loc else f.read()
    return _raw_bytes(t)


def merge_external_data_streaming(exports, out_dir, weights_name="weights.bin"):
    """share_external_data for models too large to hold in memory twice. `exports` maps each
    output model file name to the path torch.onnx.export wrote (own folder each; over 2 GB
    torch writes one external file per initializer). Tensors are read, deduplicated by
    content and appended to out_dir/weights_name one at a time, so peak memory is one tensor
    plus the graphs. Returns (bytes written, distinct tensors)."""
    with open(os.path.join(out_dir, weights_name), "wb") as f:
        writer = WeightsFileWriter(f, weights_name)
        for name, src in exports.items():
            m = onnx.load(src, load_external_data=False)
            src_dir = os.path.dirname(os.path.abspath(src))
            for t in m.graph.initializer:
                raw = read_initializer(t, src_dir)
                if len(raw) >= INLINE_MAX_BYTES:
                    writer.place(t, raw)
                elif t.data_location == TensorProto.EXTERNAL:
                    del t.external_data[:]
                    t.data_location = TensorProto.DEFAULT
                    t.raw_data = raw
                del raw
            onnx.save(m, os.path.join(out_dir, name))
            onnx.checker.check_model(os.path.join(out_dir, name))
    return writer.size, len(writer.offsets)
