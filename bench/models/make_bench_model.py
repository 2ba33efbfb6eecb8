#!/usr/bin/python3
"""Generate a benchmark-size LLaMA-style model with random weights (fixed seed), never committed.

  /usr/bin/python3 bench/models/make_bench_model.py OUT_DIR [--bitnet] [--dim 768 --layers 12 ...]

Writes OUT_DIR/model.onnx (input_ids -> logits), OUT_DIR/model-kv.onnx (HF Optimum KV-cache
convention) and one shared OUT_DIR/weights.bin (ONNX external data, both graphs point at the
same offsets), plus OUT_DIR/config.json. Same architecture and export code as the fixtures in
test/models (scripts/models/tmodels.py, build_model.export). Default: dim 768, 12 layers,
12 heads / 4 KV heads, SwiGLU 2560, vocab 4096, context 2048: ~96M parameters (~385 MB fp32).
--bitnet exports the BitNet b1.58 deploy form (int8 ternary weights + scale, int8 activations).
--preset tinyllama: TinyLlama-1.1B's shape (dim 2048, 22 layers, 32/4 heads, SwiGLU 5632, vocab
32000): ~1.1B parameters, 4.4 GB of f32 weights. Models over 1 GB of weights are exported
streaming (build_model.export(streaming=True)): peak memory about 3x the weights, for torch's
export; ~10 GB of scratch disk.
"""
import os
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")
import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "models"))
import torch  # noqa: E402
from tmodels import Config, Llama, count_params  # noqa: E402
import build_model  # noqa: E402


PRESETS = {
    "tinyllama": {"dim": 2048, "layers": 22, "heads": 32, "kv_heads": 4, "ffn": 5632, "vocab": 32000},
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--dim", type=int, default=768)
    ap.add_argument("--layers", type=int, default=12)
    ap.add_argument("--heads", type=int, default=12)
    ap.add_argument("--kv-heads", type=int, default=4)
    ap.add_argument("--ffn", type=int, default=2560)
    ap.add_argument("--vocab", type=int, default=4096)
    ap.add_argument("--context", type=int, default=2048)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--bitnet", action="store_true")
    ap.add_argument("--streaming", action="store_true", help="export streaming at any size")
    ap.add_argument("--preset", choices=sorted(PRESETS), help="a published model's shape")
    a = ap.parse_args()
    for key, value in PRESETS.get(a.preset, {}).items():
        setattr(a, key, value)
    t0 = time.time()
    torch.manual_seed(a.seed)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    cfg = Config(vocab_size=a.vocab, dim=a.dim, n_layers=a.layers, n_heads=a.heads, n_kv_heads=a.kv_heads,
                 ffn_dim=a.ffn, context=a.context, bitnet=a.bitnet)
    m = Llama(cfg).eval()
    for mod in m.modules():  # random but non-trivial norm weights
        if type(mod).__name__ == "RMSNorm":
            torch.nn.init.normal_(mod.weight, mean=1.0, std=0.1)
    ternary = build_model.to_deploy(m) if a.bitnet else None
    os.makedirs(a.out, exist_ok=True)
    streaming = a.streaming or count_params(m) * 4 > 1 << 30
    wbytes, nblobs = build_model.export(m, cfg, a.out, ternary, streaming=streaming)
    info = {"preset": a.preset, "config": cfg.to_dict(), "params": count_params(m), "seed": a.seed, "random_weights": True,
            "files": {"model": "model.onnx", "model_kv": "model-kv.onnx", "weights": "weights.bin"},
            "weights_bin_bytes": wbytes, "generated_in_s": round(time.time() - t0, 1)}
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(info, f, indent=1)
    print(f"{info['params'] / 1e6:.1f}M params, weights.bin {wbytes / 1e6:.0f} MB, {info['generated_in_s']}s -> {a.out}")


if __name__ == "__main__":
    main()
