#!/usr/bin/python3
"""Summarize one run of bench/llm/run_quantized.sh.

  /usr/bin/python3 bench/llm/report_quantized.py RESULTS_DIR WORK_DIR ARTIFACTS_DIR

Every number printed comes from the files run_quantized.sh wrote. The decode bound of each
runtime is the bytes one decode step reads (its weights but the embedding table, of which one
row is read, plus the KV cache at 512 tokens) over the measured read bandwidth.
"""
import json
import os
import sys

import numpy as np

from bench_results import llama_row, load, print_conditions, read_bandwidth


def main():
    res, work, art = sys.argv[1:4]
    print_conditions(res)
    with open(os.path.join(work, "model", "config.json")) as f:
        info = json.load(f)
    cfg = info["config"]
    bw = read_bandwidth(res)
    embed = cfg["vocab_size"] * cfg["dim"] * 4
    kv = 2 * cfg["n_layers"] * cfg["n_kv_heads"] * cfg["head_dim"] * 512 * 4
    names = ("sinq4", "rtn4", "f32")
    tnx = {a: load(os.path.join(res, f"ternion-{a}.json")) for a in names}
    sizes = {a: os.path.getsize(os.path.join(art, f"{a}.tnx", "weights.bin")) for a in names}

    ref = np.fromfile(os.path.join(res, "ternion-f32.logits"), dtype="<f4")
    print("Check (last-position prefill logits of the 512-token prompt; random weights):")
    for a in ("sinq4", "rtn4"):
        got = np.fromfile(os.path.join(res, f"ternion-{a}.logits"), dtype="<f4")
        print(f"  Ternion {a} vs f32: max|diff| {float(np.max(np.abs(got - ref))):.3e}, "
              f"correlation {float(np.corrcoef(got, ref)[0, 1]):.6f}")

    rows = []
    for a, label in (("sinq4", "Ternion SINQ 4-bit, group 64"), ("rtn4", "Ternion RTN 4-bit, group 64"),
                     ("f32", "Ternion f32")):
        rows.append((label, tnx[a]["prefill_tok_s"], tnx[a]["decode_tok_s"], sizes[a] - embed + kv, sizes[a]))
    for q in ("Q4_0", "Q4_K_M"):
        pp, _, _ = llama_row(os.path.join(res, f"llama-{q}-pp.json"), "pp")
        tg, _, _ = llama_row(os.path.join(res, f"llama-{q}-tg.json"), "tg")
        gguf = os.path.getsize(os.path.join(work, "model", f"model-{q}.gguf"))
        rows.append((f"llama.cpp {q} (llama-bench, f16 KV)", pp, tg, gguf - embed + kv // 2, gguf))
    print()
    print(f"Model: {info['params'] / 1e6:.1f}M parameters (dim {cfg['dim']}, {cfg['n_layers']} layers, ffn "
          f"{cfg['ffn_dim']}, vocab {cfg['vocab_size']}); embedding f32 everywhere")
    print(f"Read bandwidth: {bw:.1f} GB/s (best of before and after)")
    print()
    print("| runtime | weights file | read per decode step | prefill 512 tok/s | decode tok/s (128 after 512) | decode bound | % of bound |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, pp, tg, streamed, size in rows:
        bound = bw * 1e9 / streamed
        print(f"| {label} | {size / 1e6:.1f} MB | {streamed / 1e6:.1f} MB | {pp:,.1f} | {tg:,.1f} | "
              f"{bound:,.1f} | {100 * tg / bound:.0f}% |")
    sinq, f32, q40, q4k = rows[0], rows[2], rows[3], rows[4]
    print()
    print("| ratio | prefill | decode | target |")
    print("|---|---:|---:|---|")
    print(f"| Ternion SINQ 4-bit / llama.cpp Q4_0 | {sinq[1] / q40[1]:.2f}x | {sinq[2] / q40[2]:.2f}x | "
          f"decode >= 1.2x, prefill >= 1.0x |")
    print(f"| Ternion SINQ 4-bit / llama.cpp Q4_K_M | {sinq[1] / q4k[1]:.2f}x | {sinq[2] / q4k[2]:.2f}x | |")
    print(f"| Ternion SINQ 4-bit / Ternion f32 | {sinq[1] / f32[1]:.2f}x | {sinq[2] / f32[2]:.2f}x | decode >= 3x |")
    times = {a: float(open(os.path.join(res, f"compile-{a}.txt")).read().split()[-1])
             for a in ("sinq4", "rtn4", "f32") if os.path.exists(os.path.join(res, f"compile-{a}.txt"))}
    if "sinq4" in times and "rtn4" in times:
        print()
        print(f"Compile time: --quantize=sinq {times['sinq4']:.1f} s, --quantize=rtn {times['rtn4']:.1f} s "
              f"({times['sinq4'] / times['rtn4']:.2f}x), no quantization {times.get('f32', float('nan')):.1f} s")
        for a in ("sinq4", "rtn4"):
            log = os.path.join(res, f"compile-{a}.log")
            spent = sum(float(line.split(" in ")[1].split()[0]) for line in open(log) if line.startswith("tern-quantize: layer"))
            print(f"  time in the quantizer ({a}): {spent:.2f} s")


if __name__ == "__main__":
    main()
