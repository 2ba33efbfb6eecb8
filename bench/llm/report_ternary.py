#!/usr/bin/python3
"""Summarize one run of bench/llm/run_ternary.sh.

  /usr/bin/python3 bench/llm/report_ternary.py RESULTS_DIR WORK_DIR [ARTIFACTS_DIR]

Every number printed comes from the files run_ternary.sh wrote: bandwidth.json,
ternion-{ternary,lut,base3,f32}.json and .logits, llama-check.json and llama-TQ2_0.logits,
llama-{TQ2_0,TQ1_0}-{pp,tg}.json (llama-bench -o json), and the artifacts' and GGUFs' sizes.
The decode bound of each runtime is the bytes one decode step reads (its weights file but the
embedding table, of which one row is read, plus the f32 KV cache at 512 tokens; llama.cpp's
tensors as stored in its GGUF) over the measured read bandwidth.
"""
import json
import os
import sys

import numpy as np

from bench_results import llama_row, load, print_conditions, read_bandwidth


def main():
    res, work = sys.argv[1], sys.argv[2]
    art = sys.argv[3] if len(sys.argv) > 3 else work
    print_conditions(res)
    with open(os.path.join(work, "model", "config.json")) as f:
        info = json.load(f)
    cfg = info["config"]
    bw = read_bandwidth(res)
    embed = cfg["vocab_size"] * cfg["dim"] * 4
    kv = 2 * cfg["n_layers"] * cfg["n_kv_heads"] * cfg["head_dim"] * 512 * 4

    tnx = {a: load(os.path.join(res, f"ternion-{a}.json")) for a in ("ternary", "lut", "base3", "f32")}
    sizes = {a: os.path.getsize(os.path.join(art, f"{a}.tnx", "weights.bin")) for a in tnx}

    # ---- check: Ternion ternary against its f32 run of the same graph, and llama.cpp TQ2_0
    ref = np.fromfile(os.path.join(res, "ternion-f32.logits"), dtype="<f4")
    print("Check (last-position prefill logits of the 512-token prompt; random weights, |logit| ~ 1):")
    for name, path in (("Ternion ternary (i2)", "ternion-ternary.logits"),
                       ("Ternion ternary (LUT)", "ternion-lut.logits"),
                       ("Ternion ternary (base3)", "ternion-base3.logits"),
                       ("llama.cpp TQ2_0", "llama-TQ2_0.logits")):
        got = np.fromfile(os.path.join(res, path), dtype="<f4")
        d = float(np.max(np.abs(got - ref)))
        corr = float(np.corrcoef(got, ref)[0, 1])
        print(f"  {name:24s} vs Ternion f32: max|diff| {d:.3e}, correlation {corr:.6f}, "
              f"argmax {int(np.argmax(got))} vs {int(np.argmax(ref))}")
    ids = {a: tnx[a]["greedy_ids"] for a in tnx}
    n = len(ids["f32"])
    same = next((k for k in range(n) if ids["ternary"][k] != ids["f32"][k]), n)
    print(f"  greedy ids, Ternion ternary vs f32: identical for {same}/{n}")
    lut_same = np.array_equal(np.fromfile(os.path.join(res, "ternion-lut.logits"), dtype="<f4"),
                              np.fromfile(os.path.join(res, "ternion-ternary.logits"), dtype="<f4"))
    print(f"  Ternion LUT vs multiply-add logits: {'bit-identical' if lut_same else 'DIFFERENT'}; "
          f"greedy ids {'identical' if ids['lut'] == ids['ternary'] else 'DIFFERENT'}")

    rows = []
    for a, label in (("ternary", "Ternion ternary, i2 (2 bits)"), ("base3", "Ternion ternary, base3 (1.6 bits)"),
                     ("lut", "Ternion ternary, LUT kernels (pairs, 2 bits)"),
                     ("f32", "Ternion f32 (same weights folded, --ternary=off)")):
        streamed = sizes[a] - embed + kv
        rows.append((label, tnx[a]["prefill_tok_s"], tnx[a]["decode_tok_s"], streamed))
    for q in ("TQ2_0", "TQ1_0"):
        pp, _, _ = llama_row(os.path.join(res, f"llama-{q}-pp.json"), "pp")
        tg, _, _ = llama_row(os.path.join(res, f"llama-{q}-tg.json"), "tg")
        gguf = os.path.getsize(os.path.join(work, "model", f"model-{q}.gguf"))
        rows.append((f"llama.cpp {q} (llama-bench, f16 KV)", pp, tg, gguf - embed + kv // 2))
    print()
    print(f"Model: {info['params'] / 1e6:.1f}M parameters (dim {cfg['dim']}, {cfg['n_layers']} layers, ffn "
          f"{cfg['ffn_dim']}, vocab {cfg['vocab_size']}); ternary linear layers, f32 embedding and lm_head")
    print(f"Read bandwidth: {bw:.1f} GB/s (best of before and after)")
    print()
    print("| runtime | weights read per decode step | prefill 512 tok/s | decode tok/s (128 after 512) | decode bound | % of bound |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, pp, tg, streamed in rows:
        bound = bw * 1e9 / streamed
        print(f"| {label} | {streamed / 1e6:.1f} MB | {pp:,.1f} | {tg:,.1f} | {bound:,.1f} | {100 * tg / bound:.0f}% |")
    t = {r[0]: r for r in rows}
    tern, lut, f32 = rows[0], rows[2], rows[3]
    tq2, tq1 = rows[4], rows[5]
    print()
    print("| ratio | prefill | decode |")
    print("|---|---:|---:|")
    for name, other in (("Ternion ternary / Ternion f32", f32), ("Ternion ternary / llama.cpp TQ2_0", tq2),
                        ("Ternion ternary / llama.cpp TQ1_0", tq1)):
        print(f"| {name} | {tern[1] / other[1]:.2f}x | {tern[2] / other[2]:.2f}x |")
    print(f"| Ternion base3 / llama.cpp TQ1_0 | {rows[1][1] / tq1[1]:.2f}x | {rows[1][2] / tq1[2]:.2f}x |")
    for name, other in (("Ternion LUT / llama.cpp TQ2_0", tq2), ("Ternion LUT / Ternion f32", f32),
                        ("Ternion LUT / Ternion multiply-add", tern)):
        print(f"| {name} | {lut[1] / other[1]:.2f}x | {lut[2] / other[2]:.2f}x |")
    print()
    print(f"Targets: decode >= 1.5x TQ2_0: {'met' if tern[2] >= 1.5 * tq2[2] else 'MISSED'} ({tern[2] / tq2[2]:.2f}x); "
          f"decode >= 4x Ternion f32: {'met' if tern[2] >= 4 * f32[2] else 'MISSED'} ({tern[2] / f32[2]:.2f}x); "
          f"prefill >= 1.5x TQ2_0: {'met' if tern[1] >= 1.5 * tq2[1] else 'MISSED'} ({tern[1] / tq2[1]:.2f}x)")
    print(f"Weights files: Ternion i2 {sizes['ternary'] / 1e6:.1f} MB, LUT pairs {sizes['lut'] / 1e6:.1f} MB, "
          f"base3 {sizes['base3'] / 1e6:.1f} MB, "
          f"f32 {sizes['f32'] / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
