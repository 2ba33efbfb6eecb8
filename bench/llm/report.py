#!/usr/bin/python3
"""Summarize one run of bench/llm/run.sh: the cross-runtime check and the results table.

  /usr/bin/python3 bench/llm/report.py RESULTS_DIR MODEL_DIR

RESULTS_DIR holds what run.sh wrote: bandwidth.json, ort.json, ternion.json, llama-check.json
(one JSON line each; bandwidth.json's best_gb_s is already the best over the read-stream counts
that bandwidth.c tried), llama-pp.json / llama-tg.json (llama-bench -o json) and the prefill
logits ort.logits, ternion.logits, llama.logits (raw f32).
Every number printed comes from those files. Exit status 1 if a runtime's prefill logits are
far from ONNX Runtime's (the conversion or the compilation is wrong and the comparison would
be meaningless).
"""
import json
import os
import sys

import numpy as np

from bench_results import llama_row, load

LOGIT_TOL = 1e-2  # max |diff| of last-position prefill logits against ORT (random weights: |logit| ~ 1)


def main():
    res, model_dir = sys.argv[1], sys.argv[2]
    # f16: Ternion's linear weights and llama.cpp's GGUF in 16 bits (run.sh --weights-dtype f16).
    dtype = sys.argv[3] if len(sys.argv) > 3 else "f32"
    weight_bytes = 2 if dtype == "f16" else 4
    with open(os.path.join(model_dir, "config.json")) as f:
        info = json.load(f)
    cfg = info["config"]
    bw = load(os.path.join(res, "bandwidth.json"))
    after = os.path.join(res, "bandwidth-after.json")
    bw_after = load(after) if os.path.exists(after) else None
    ort, tnx = load(os.path.join(res, "ort.json")), load(os.path.join(res, "ternion.json"))
    lpp, lpp_sd, lpp_rec = llama_row(os.path.join(res, "llama-pp.json"), "pp")
    ltg, ltg_sd, ltg_rec = llama_row(os.path.join(res, "llama-tg.json"), "tg")
    lcj = load(os.path.join(res, "llama-check.json"))

    # ---- cross-runtime check (same prompt ids, greedy)
    ok = True
    ref = np.fromfile(os.path.join(res, "ort.logits"), dtype="<f4")
    ref_ids = ort["greedy_ids"]
    print("Check against ONNX Runtime (same 512-token prompt; last-position prefill logits, greedy ids):")
    checks = [("ternion", os.path.join(res, "ternion.logits"), tnx["greedy_ids"]),
              ("llama.cpp", os.path.join(res, "llama.logits"), lcj["greedy_ids"])]
    for name, lpath, ids in checks:
        got = np.fromfile(lpath, dtype="<f4")
        if got.shape != ref.shape:
            print(f"  {name:10s} FAIL logits have {got.size} values, ORT {ref.size}")
            ok = False
            continue
        d = float(np.max(np.abs(got - ref)))
        n = min(len(ids), len(ref_ids))
        same = next((k for k in range(n) if ids[k] != ref_ids[k]), n)
        good = d <= LOGIT_TOL
        ok = ok and good
        print(f"  {name:10s} {'PASS' if good else 'FAIL'} max|logit diff| {d:.2e} (tol {LOGIT_TOL:g}), "
              f"argmax {int(np.argmax(got))} vs {int(np.argmax(ref))}, greedy ids identical for {same}/{n}")
    spread = float(ref.max() - ref.min())
    print(f"  (ORT logits span {spread:.2f}; ORT's greedy ids: {ref_ids[:12]}...)")

    # ---- decode bound: bytes streamed per decoded token = all weights except the embedding
    # table (one row of it is gathered per token); the KV cache read is not counted.
    total_bytes = info["params"] * weight_bytes
    embed_bytes = cfg["vocab_size"] * cfg["dim"] * weight_bytes
    streamed = total_bytes - embed_bytes
    # The higher of the measurements before and after the runtimes: the conservative bound.
    bw_gbs = max(bw["best_gb_s"], bw_after["best_gb_s"] if bw_after else 0)
    bound = bw_gbs * 1e9 / streamed
    bw1_path = os.path.join(res, "bandwidth-1.json")
    bw1 = load(bw1_path) if os.path.exists(bw1_path) else None

    P = ort["prompt_tokens"]
    fa = {-1: "auto", 0: "off", 1: "on"}.get(ltg_rec.get("flash_attn"), ltg_rec.get("flash_attn"))
    rows = [
        ("ONNX Runtime %s (KV graph), %d threads" % (ort.get("version"), ort["threads"]),
         ort["prefill_tok_s"], ort["decode_tok_s"]),
        ("llama.cpp %s GGUF, llama-bench (%s KV cache, flash-attn %s), %d threads"
         % (dtype, ltg_rec.get("type_k"), fa, lpp_rec["n_threads"]), lpp, ltg),
        ("llama.cpp " + dtype + " GGUF, C API like the others (f32 KV cache), %d threads" % lcj["threads"],
         lcj["prefill_tok_s"], lcj["decode_tok_s"]),
        ("Ternion (generator API, %s weights), %d threads (OpenMP)" % (dtype, tnx["threads"]),
         tnx["prefill_tok_s"], tnx["decode_tok_s"]),
    ]
    print()
    print(f"Model: {info['params'] / 1e6:.1f}M parameters (dim {cfg['dim']}, {cfg['n_layers']} layers, "
          f"{cfg['n_heads']}/{cfg['n_kv_heads']} heads, ffn {cfg['ffn_dim']}, vocab {cfg['vocab_size']}), "
          f"{dtype} weights {total_bytes / 1e6:.0f} MB, streamed per decoded token {streamed / 1e6:.0f} MB"
          + (" (ONNX Runtime streams the f32 weights, twice that)" if dtype != "f32" else ""))
    print(f"Read bandwidth ({bw['threads']} threads, {bw['mib']} MiB, best of {bw['reps']}): {bw_gbs:.1f} GB/s "
          f"(before the runtimes {bw['best_gb_s']:.1f}, median {bw['median_gb_s']:.1f}"
          + (f"; after {bw_after['best_gb_s']:.1f}, median {bw_after['median_gb_s']:.1f}" if bw_after else "")
          + f") -> decode bound {bound:.1f} tok/s")
    if bw1:
        b1 = bw1["best_gb_s"] * 1e9 / streamed
        print(f"Read bandwidth (1 thread): {bw1['best_gb_s']:.1f} GB/s -> one-thread decode bound {b1:.1f} tok/s")
    if "isa" in bw:  # bandwidth.c's variants (older results have none)
        def per_streams(b):
            return ", ".join(f"{v['streams']}: {v['best_gb_s']:.1f}" for v in b.get("variants", []))
        print(f"Bandwidth probe on {bw['cpu']}: {bw['isa']} loads, best with {bw['streams']} streams per thread "
              f"(GB/s by streams per thread: {per_streams(bw)}"
              + (f"; 1 thread: {per_streams(bw1)}" if bw1 and "variants" in bw1 else "") + ")")
    print()
    print(f"| runtime | prefill {P} tok/s | decode tok/s (128 after {P}) | % of decode bound |")
    print("|---|---:|---:|---:|")
    for name, pf, dc in rows:
        print(f"| {name} | {pf:,.1f} | {dc:,.2f} | {100 * dc / bound:.1f}% |")
    print()
    tp, td = tnx["prefill_tok_s"], tnx["decode_tok_s"]
    print("| ratio | prefill | decode |")
    print("|---|---:|---:|")
    print(f"| Ternion / ONNX Runtime | {tp / ort['prefill_tok_s']:.3f}x | {td / ort['decode_tok_s']:.3f}x |")
    print(f"| Ternion / llama.cpp (llama-bench) | {tp / lpp:.3f}x | {td / ltg:.3f}x |")
    print(f"| Ternion / llama.cpp (C API, f32 KV cache) | {tp / lcj['prefill_tok_s']:.3f}x | {td / lcj['decode_tok_s']:.3f}x |")
    print()
    print(f"Targets: decode >= 1.0x llama.cpp: {'met' if td >= ltg else 'MISSED'} ({td / ltg:.3f}x); "
          f"decode >= 80% of bound: {'met' if td >= 0.8 * bound else 'MISSED'} ({100 * td / bound:.1f}%); "
          f"prefill >= 1.0x ORT: {'met' if tp >= ort['prefill_tok_s'] else 'MISSED'} ({tp / ort['prefill_tok_s']:.3f}x)")
    print(f"Spread: ORT prefill s {['%.3f' % x for x in ort['prefill_s']]}, decode s {['%.3f' % x for x in ort['decode_s']]}; "
          f"Ternion prefill s {['%.3f' % x for x in tnx['prefill_s']]}, decode s {['%.3f' % x for x in tnx['decode_s']]}; "
          f"llama.cpp C API prefill s {['%.3f' % x for x in lcj['prefill_s']]}, decode s {['%.3f' % x for x in lcj['decode_s']]}; "
          f"llama.cpp pp {lpp:.1f}±{lpp_sd:.1f}, tg {ltg:.2f}±{ltg_sd:.2f} tok/s "
          f"(llama-bench: pp{lpp_rec['n_prompt']}@d{lpp_rec.get('n_depth', 0)}, tg{ltg_rec['n_gen']}@d{ltg_rec.get('n_depth', 0)}, "
          f"{len(ltg_rec['samples_ts'])} reps after its warm-up); Ternion peak RSS {tnx.get('peak_rss_mb', 0):.0f} MB")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
