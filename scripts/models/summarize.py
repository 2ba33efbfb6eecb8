#!/usr/bin/python3
"""Print a markdown summary of the fixtures in test/models from their reference.json files
(numbers table, op types and I/O of each graph). Used to write docs/models.md.

  /usr/bin/python3 scripts/models/summarize.py [--root test/models]
"""
import argparse
import json
import os

NAMES = ["llama", "bitnet", "draft", "draft-bytes", "llama-long", "gpt2-tiny"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "models"))
    a = ap.parse_args()
    refs = {}
    for n in NAMES:
        p = os.path.join(a.root, n, "reference.json")
        if os.path.isfile(p):
            with open(p) as f:
                refs[n] = json.load(f)
    print("| model | params | bytes on disk | config (dim/layers/heads/kv/ffn/vocab/ctx) | val ppl | unigram ppl | train time |")
    print("|---|---|---|---|---|---|---|")
    for n, r in refs.items():
        d = os.path.join(a.root, n)
        size = sum(os.path.getsize(os.path.join(x, f)) for x, _, fs in os.walk(d) for f in fs)
        c = r["config"]
        if n == "gpt2-tiny":
            cs = f"{c['n_embd']}/{c['n_layer']}/{c['n_head']}/{c['n_head']}/{c['n_inner']}/{c['vocab_size']}/{c['n_positions']}"
            print(f"| {n} | {r['params']:,} | {size:,} | {cs} | untrained | - | - |")
            continue
        cs = f"{c['dim']}/{c['n_layers']}/{c['n_heads']}/{c['n_kv_heads']}/{c['ffn_dim']}/{c['vocab_size']}/{c['context']}"
        t = r["training"]
        vp = f"{r['val_ppl']:.2f}" + (f" (ctx {r['val_ppl_context']}; {r['val_ppl_ctx512']:.2f} at 512)" if r["val_ppl_context"] != 512 else "")
        if r.get("init_from"):
            vp += f" (from {r['init_from']}: {r['val_ppl_before_finetune']:.2f} before)"
        print(f"| {n} | {r['params']:,} | {size:,} | {cs} | {vp} | {r['unigram_ppl']:.1f} | "
              f"{t['train_time_s'] / 60:.1f} min ({t['steps']} steps x {t['batch']} x {t['seq_len']}) |")
    print()
    for n, r in refs.items():
        print(f"### {n}\n")
        for g in ("model.onnx", "model-kv.onnx"):
            io = r["io"][g]
            ins = ", ".join(f"{x[0]} {x[1]}[{','.join(map(str, x[2]))}]" for x in io["inputs"][:4])
            if len(io["inputs"]) > 4:
                ins += f", ... ({len(io['inputs'])} inputs)"
            outs = ", ".join(f"{x[0]} {x[1]}[{','.join(map(str, x[2]))}]" for x in io["outputs"][:3])
            if len(io["outputs"]) > 3:
                outs += f", ... ({len(io['outputs'])} outputs)"
            print(f"- `{g}`: {ins} -> {outs}")
            print(f"  - ops: " + ", ".join(f"{k} {v}" for k, v in r["ops"][g].items()))
        for p in r.get("prompts", [])[:2]:
            print(f"- greedy: {p['text']!r} -> {p['greedy_text'][:160]!r}")
        print()


if __name__ == "__main__":
    main()
