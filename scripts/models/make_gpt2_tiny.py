#!/usr/bin/python3
"""Export the tiny *untrained* GPT-2-style fixture (test/models/gpt2-tiny): learned absolute
positions, LayerNorm, gelu_new MLP, fused c_attn QKV + Split, causal mask sliced from a bool
buffer + Where, scores divided by sqrt(head_dim), tied lm head. Weights stay inline (no
external data). Random weights with a fixed seed; used to test attention fusion on
GPT-2-shaped graphs, not for text. Without a tokenizer, its greedy references are token ids:
reference.json "prompts" holds, per prompt, the ids and PyTorch's greedy continuation to the
full 32 positions (checked by test/EndToEnd/generate-greedy-ids.test).

  /usr/bin/python3 scripts/models/make_gpt2_tiny.py [--out test/models]
"""
import os
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")  # one thread: 2-core machine shared with builds
import argparse
import json
import os
import shutil
import sys

import onnx
import torch

sys.dont_write_bytecode = True  # no __pycache__ in the repo
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tmodels import GPT2, GPT2Config, count_params  # noqa: E402
import onnx_utils  # noqa: E402


# Id prompts for the greedy references. An untrained model soon repeats one token, so these
# were picked (from random prompts) for continuations that switch token partway, which only
# happens at the right position with the right cache. Each fills the 32 positions.
GREEDY_PROMPTS = [[31, 53], [56, 10, 45, 28, 53, 48], [44, 0, 11, 55, 58, 6, 19, 60]]


def greedy_reference(m, c, prompt):
    """PyTorch's greedy continuation of `prompt` up to n_positions tokens through the KV-cache
    form (the graph of model-kv.onnx): the prompt at once, then one token per step. Also the
    smallest gap between the two largest logits over the steps: the ids are only a fair
    reference for another implementation if no step is close to a tie."""
    hd = c.n_embd // c.n_head
    past = [(torch.zeros(1, c.n_head, 0, hd),) * 2 for _ in range(c.n_layer)]
    ids, new, margin = list(prompt), [], float("inf")
    step = torch.tensor([prompt])
    while len(ids) < c.n_positions:
        n, t = len(ids), step.shape[1]
        logits, past = m.forward_kv(step, torch.ones(1, n, dtype=torch.long),
                                    torch.arange(n - t, n)[None], past)
        top = torch.topk(logits[0, -1], 2)
        margin = min(margin, (top.values[0] - top.values[1]).item())
        token = int(top.indices[0])
        new.append(token)
        ids.append(token)
        step = torch.tensor([[token]])
    return {"ids": list(prompt), "greedy_ids": new, "min_top2_margin": round(margin, 5)}


class KV(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask, position_ids, *pf):
        past = [(pf[2 * i], pf[2 * i + 1]) for i in range(len(pf) // 2)]
        logits, pres = self.m.forward_kv(input_ids, attention_mask, position_ids, past)
        return tuple([logits] + [a for kv in pres for a in kv])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "models"))
    a = ap.parse_args()
    torch.manual_seed(4321)
    torch.set_num_threads(1)
    c = GPT2Config()
    m = GPT2(c).eval()
    hd = c.n_embd // c.n_head
    out = os.path.abspath(os.path.join(a.out, "gpt2-tiny"))
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    full, kvp = os.path.join(out, "model.onnx"), os.path.join(out, "model-kv.onnx")
    ins, outs, dyn = onnx_utils.optimum_kv_io(c.n_layer)
    with torch.no_grad():
        torch.onnx.export(m, (torch.randint(0, c.vocab_size, (1, 7)),), full, input_names=["input_ids"],
                          output_names=["logits"], opset_version=17, do_constant_folding=True,
                          dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"}})
        past = [torch.randn(1, c.n_head, 5, hd) for _ in range(2 * c.n_layer)]
        torch.onnx.export(KV(m), (torch.randint(0, c.vocab_size, (1, 3)), torch.ones(1, 8, dtype=torch.long),
                                  torch.arange(5, 8)[None], *past), kvp, input_names=ins, output_names=outs,
                          dynamic_axes=dyn, opset_version=17, do_constant_folding=True)
        onnx.checker.check_model(full)
        onnx.checker.check_model(kvp)
        g = torch.Generator().manual_seed(7)
        s = torch.randint(0, c.vocab_size, (32,), generator=g)
        for k, x in enumerate([s[:16][None], torch.stack([s[:8], s[16:24]])]):
            onnx_utils.write_test_set(os.path.join(out, f"test_data_set_{k}"), [("input_ids", x.numpy())],
                                      [("logits", m(x).numpy())])
        for k, (p, t) in enumerate([(8, 8), (15, 1)]):
            empty = [(torch.zeros(1, c.n_head, 0, hd),) * 2 for _ in range(c.n_layer)]
            _, pst = m.forward_kv(s[None, :p], torch.ones(1, p, dtype=torch.long), torch.arange(p)[None], empty)
            am, pos = torch.ones(1, p + t, dtype=torch.long), torch.arange(p, p + t)[None]
            logits, pres = m.forward_kv(s[None, p:p + t], am, pos, pst)
            fi = [s[None, p:p + t], am, pos] + [x for kv in pst for x in kv]
            fo = [logits] + [x for kv in pres for x in kv]
            onnx_utils.write_test_set(os.path.join(out, "kv", f"test_data_set_{k}"),
                                      [(n, x.numpy()) for n, x in zip(ins, fi)], [(n, x.numpy()) for n, x in zip(outs, fo)])
    ref = {"name": "gpt2-tiny", "untrained": True, "seed": 4321,
           "architecture": "GPT-2 (learned positions, LayerNorm, gelu_new, fused c_attn + Split, bool causal buffer sliced + Where, Div by sqrt(head_dim), tied head)",
           "config": c.to_dict(), "params": count_params(m),
           "files": {"model": "model.onnx", "model_kv": "model-kv.onnx", "weights": None, "tokenizer": None},
           "test_data": {"full": {"dirs": ["test_data_set_0", "test_data_set_1"], "shapes": ["input_ids [1,16]", "input_ids [2,8]"]},
                         "kv": {"dirs": ["kv/test_data_set_0", "kv/test_data_set_1"],
                                "shapes": ["past 8 + sequence 8, batch 1", "past 15 + sequence 1, batch 1"]}},
           "max_positions": c.n_positions,
           "ort_tolerance": {"atol": 1e-4, "rtol": 1e-3},
           "ops": {"model.onnx": onnx_utils.op_counts(full), "model-kv.onnx": onnx_utils.op_counts(kvp)},
           "io": {"model.onnx": onnx_utils.io_summary(full), "model-kv.onnx": onnx_utils.io_summary(kvp)}}
    # Last, and after every use of the seeded generator, so the files above stay as they were.
    with torch.no_grad():
        ref["prompts"] = [greedy_reference(m, c, p) for p in GREEDY_PROMPTS]
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump(ref, f, indent=1)
    print(f"[gpt2-tiny] {ref['params']} params, {os.path.getsize(full)} + {os.path.getsize(kvp)} bytes: {out}")


if __name__ == "__main__":
    main()
