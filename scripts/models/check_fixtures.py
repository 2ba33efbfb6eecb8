#!/usr/bin/python3
"""Check the committed model fixtures in test/models (no training, no ONNX Runtime needed).

  /usr/bin/python3 scripts/models/check_fixtures.py [--root test/models] [-v]

For every fixture: model.onnx and model-kv.onnx pass onnx.checker.check_model (by path, so
external data is resolved), every external tensor lies inside weights.bin, the test data sets
exist and match the graphs' inputs/outputs (names, element types, ranks), reference.json has
its fields (gpt2-tiny: id prompts that fit its positions), the tokenizer file exists, and the
size limits hold. Also checks the recorded quality claims (val ppl far below unigram ppl;
bitnet within 15% of llama; bitnet weights are int8 {-1,0,+1}). Exits 1 with one line per
problem, 0 when everything passes.
"""
import argparse
import json
import os
import sys

sys.dont_write_bytecode = True
import numpy as np  # noqa: E402
import onnx  # noqa: E402
from onnx import numpy_helper, TensorProto  # noqa: E402

TRAINED = ["llama", "bitnet", "draft", "draft-bytes", "llama-long"]
ALL = TRAINED + ["gpt2-tiny"]
MODEL_MAX = 20 * 1024 * 1024
TOTAL_MAX = 80 * 1024 * 1024
GPT2_GRAPH_MAX = 200 * 1024
REF_FIELDS = ["name", "config", "params", "files", "test_data", "ort_tolerance", "ops", "io"]
TRAINED_FIELDS = ["prompts", "val_ppl", "unigram_ppl", "loss_curve", "tokenizer", "training", "corpus"]
CONFIG_FIELDS = ["dim", "n_layers", "n_heads", "n_kv_heads", "head_dim", "ffn_dim", "vocab_size", "context",
                 "rope_theta", "norm_eps"]


def dir_bytes(d):
    return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(d) for f in fs)


def check_graph(d, fname, errors, verbose):
    p = os.path.join(d, fname)
    if not os.path.isfile(p):
        errors.append(f"{p}: missing")
        return None
    try:
        onnx.checker.check_model(p)
    except Exception as e:  # noqa: BLE001
        errors.append(f"{p}: onnx.checker failed: {str(e).splitlines()[0]}")
        return None
    m = onnx.load(p, load_external_data=False)
    if m.opset_import[0].version != 17:
        errors.append(f"{p}: opset {m.opset_import[0].version}, expected 17")
    past_end, need = 0, 0
    for t in m.graph.initializer:
        if t.data_location == TensorProto.EXTERNAL:
            kv = {e.key: e.value for e in t.external_data}
            loc = os.path.join(d, kv.get("location", ""))
            if kv.get("location") != "weights.bin" or not os.path.isfile(loc):
                errors.append(f"{p}: initializer {t.name} refers to {kv.get('location')!r}, expected weights.bin")
                continue
            end = int(kv.get("offset", 0)) + int(kv.get("length", 0))
            if end > os.path.getsize(loc):
                past_end, need = past_end + 1, max(need, end)
    if past_end:
        errors.append(f"{p}: {past_end} initializers extend past the end of weights.bin "
                      f"({os.path.getsize(os.path.join(d, 'weights.bin'))} bytes, need {need})")
    try:
        onnx.load(p)  # loads external data
    except Exception as e:  # noqa: BLE001
        errors.append(f"{p}: loading external data failed: {e}")
    if verbose:
        print(f"  {fname}: ok ({len(m.graph.node)} nodes)")
    return m


def check_sets(d, sub, m, errors, expect):
    if m is None:
        return
    base = os.path.join(d, sub) if sub else d
    sets = sorted(s for s in os.listdir(base) if s.startswith("test_data_set_")) if os.path.isdir(base) else []
    if len(sets) < expect:
        errors.append(f"{base}: {len(sets)} test_data_set_* folders, expected >= {expect}")
    for s in sets:
        sd = os.path.join(base, s)
        for kind, vals in (("input", m.graph.input), ("output", m.graph.output)):
            for k, v in enumerate(vals):
                f = os.path.join(sd, f"{kind}_{k}.pb")
                if not os.path.isfile(f):
                    errors.append(f"{f}: missing ({v.name})")
                    continue
                t = TensorProto()
                with open(f, "rb") as fh:
                    t.ParseFromString(fh.read())
                if t.name != v.name:
                    errors.append(f"{f}: tensor name {t.name!r}, graph {kind} is {v.name!r}")
                if t.data_type != v.type.tensor_type.elem_type:
                    errors.append(f"{f}: element type {t.data_type} != graph's {v.type.tensor_type.elem_type}")
                if len(t.dims) != len(v.type.tensor_type.shape.dim):
                    errors.append(f"{f}: rank {len(t.dims)} != graph's {len(v.type.tensor_type.shape.dim)}")
                a = numpy_helper.to_array(t)
                if a.dtype.kind == "f" and not np.all(np.isfinite(a)):
                    errors.append(f"{f}: non-finite values")


def check_id_prompts(ref, rp, errors):
    """gpt2-tiny has no tokenizer: its greedy references are id prompts continued to the
    model's positions, each step clear of a top-2 tie (make_gpt2_tiny.py)."""
    prompts = ref.get("prompts")
    if not prompts:
        errors.append(f"{rp}: field 'prompts' missing or empty")
        return
    vocab, positions = ref["config"]["vocab_size"], ref["config"]["n_positions"]
    for i, p in enumerate(prompts):
        ids, greedy = p.get("ids", []), p.get("greedy_ids", [])
        if not ids or not greedy or "min_top2_margin" not in p:
            errors.append(f"{rp}: prompt {i} lacks ids, greedy_ids or min_top2_margin")
        elif len(ids) + len(greedy) > positions:
            errors.append(f"{rp}: prompt {i}: {len(ids)} + {len(greedy)} tokens exceed {positions} positions")
        elif not all(0 <= t < vocab for t in ids + greedy):
            errors.append(f"{rp}: prompt {i}: a token id is outside the vocabulary of {vocab}")
        elif p["min_top2_margin"] < 1e-3:
            errors.append(f"{rp}: prompt {i}: greedy step with a top-2 logit gap of {p['min_top2_margin']} (near tie)")


def check_model_dir(root, name, errors, verbose, refs):
    d = os.path.join(root, name)
    if not os.path.isdir(d):
        errors.append(f"{d}: fixture directory missing")
        return
    if verbose:
        print(f"{name}:")
    full = check_graph(d, "model.onnx", errors, verbose)
    kv = check_graph(d, "model-kv.onnx", errors, verbose)
    check_sets(d, "", full, errors, 2)
    check_sets(d, "kv", kv, errors, 2)
    rp = os.path.join(d, "reference.json")
    if not os.path.isfile(rp):
        errors.append(f"{rp}: missing")
        return
    with open(rp) as f:
        ref = json.load(f)
    refs[name] = ref
    fields = REF_FIELDS + (TRAINED_FIELDS if name in TRAINED else [])
    for k in fields:
        if k not in ref or ref[k] in (None, [], {}):
            errors.append(f"{rp}: field {k!r} missing or empty")
    size = dir_bytes(d)
    if name == "gpt2-tiny":
        for g in ("model.onnx", "model-kv.onnx"):
            if os.path.isfile(os.path.join(d, g)) and os.path.getsize(os.path.join(d, g)) > GPT2_GRAPH_MAX:
                errors.append(f"{d}/{g}: larger than {GPT2_GRAPH_MAX} bytes")
        check_id_prompts(ref, rp, errors)
        return
    if size > MODEL_MAX:
        errors.append(f"{d}: {size} bytes, limit {MODEL_MAX}")
    cfg = ref.get("config", {})
    for k in CONFIG_FIELDS:
        if k not in cfg:
            errors.append(f"{rp}: config.{k} missing")
    tokf = ref.get("files", {}).get("tokenizer")
    if not tokf or not os.path.isfile(os.path.join(d, tokf)):
        errors.append(f"{d}: tokenizer file {tokf!r} missing")
    if not os.path.isfile(os.path.join(d, "weights.bin")):
        errors.append(f"{d}: weights.bin missing")
    for p in ref.get("prompts", []):
        for k in ("text", "ids", "greedy_ids", "greedy_text"):
            if k not in p:
                errors.append(f"{rp}: prompt {p.get('text')!r} lacks {k}")
        if len(p.get("greedy_ids", [])) != 64:
            errors.append(f"{rp}: prompt {p.get('text')!r}: {len(p.get('greedy_ids', []))} greedy tokens, expected 64")
    vp, up = ref.get("val_ppl"), ref.get("unigram_ppl")
    if vp and up and not vp < 0.5 * up:
        errors.append(f"{rp}: val_ppl {vp} is not far below unigram_ppl {up}")
    if name == "bitnet" and full is not None:
        m = onnx.load(os.path.join(d, "model.onnx"))
        int8 = [t for t in m.graph.initializer if t.data_type == TensorProto.INT8]
        if not int8:
            errors.append(f"{d}/model.onnx: no int8 ternary initializers")
        for t in int8:
            a = numpy_helper.to_array(t)
            if not np.isin(a, [-1, 0, 1]).all():
                errors.append(f"{d}/model.onnx: {t.name} has values outside {{-1,0,+1}}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "models"))
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    root = os.path.abspath(a.root)
    errors, refs = [], {}
    for name in ALL:
        check_model_dir(root, name, errors, a.verbose, refs)
    if "llama" in refs and "bitnet" in refs:
        l, b = refs["llama"].get("val_ppl"), refs["bitnet"].get("val_ppl")
        if l and b and b > 1.15 * l:
            errors.append(f"bitnet val_ppl {b} is more than 15% above llama's {l}")
    total = sum(dir_bytes(os.path.join(root, n)) for n in ALL if os.path.isdir(os.path.join(root, n)))
    if total > TOTAL_MAX:
        errors.append(f"{root}: fixtures total {total} bytes, limit {TOTAL_MAX}")
    for n in ALL:  # no caches next to fixtures
        for r, ds, _ in os.walk(os.path.join(root, n)):
            if "__pycache__" in ds:
                errors.append(f"{r}/__pycache__: cache directory in fixtures")
    if errors:
        print(f"check_fixtures: FAILED ({len(errors)} problems)", file=sys.stderr)
        for e in errors:
            print("  " + e, file=sys.stderr)
        return 1
    print(f"check_fixtures: OK ({len(ALL)} fixtures, {total} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
