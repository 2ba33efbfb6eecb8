#!/usr/bin/python3
"""Train (or fine-tune) one Ternion fixture model on the King James Bible and export it.

  /usr/bin/python3 scripts/models/build_model.py NAME [--steps N] [--out test/models]

NAME: llama | bitnet | draft | draft-bytes | llama-long | llama-medium (12M parameters, not
committed: --out build/models). bitnet and llama-long start from
llama's checkpoint (work dir). Intermediate files (corpus, tokenizer, checkpoints) go to
$TERNION_MODELS_WORK (default /tmp/ternion-models-work). Fixed seeds; one torch thread.
"""
import os
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")  # one thread: 2-core machine shared with builds
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.dont_write_bytecode = True  # no __pycache__ in the repo
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tmodels import Config, Llama, LlamaKV, BitLinear, weight_quant_ternary, count_params  # noqa: E402
import onnx_utils  # noqa: E402

WORK = os.environ.get("TERNION_MODELS_WORK", "/tmp/ternion-models-work")
SEED = 1234
VAL_EVERY = 30  # chapter index % VAL_EVERY == VAL_OFFSET -> validation
VAL_OFFSET = 7
PROMPTS = ["In the beginning God created", "And the LORD spake unto Moses, saying,",
           "Blessed are the", "Jesus answered and said unto them,"]
N_NEW = 64

# name -> (config, training recipe)
MODELS = {
    "llama": (Config(vocab_size=2048, dim=256, n_layers=4, n_heads=8, n_kv_heads=2, ffn_dim=512, context=512),
              dict(tokenizer="spm2048", init=None, steps=500, batch=8, lr=3e-3, warmup=50)),
    "bitnet": (Config(vocab_size=2048, dim=256, n_layers=4, n_heads=8, n_kv_heads=2, ffn_dim=512, context=512, bitnet=True),
               dict(tokenizer="spm2048", init="llama", steps=300, batch=8, lr=1.5e-3, warmup=20)),
    "llama-long": (Config(vocab_size=2048, dim=256, n_layers=4, n_heads=8, n_kv_heads=2, ffn_dim=512, context=2048),
                   dict(tokenizer="spm2048", init="llama", steps=80, batch=2, lr=5e-4, warmup=10)),
    # Not a committed fixture (its weights are ~48 MB): the larger model the quantization
    # quality table needs (docs/quantization.md); --out build/models, about an hour.
    "llama-medium": (Config(vocab_size=2048, dim=384, n_layers=6, n_heads=6, n_kv_heads=2, ffn_dim=1024, context=512),
                     dict(tokenizer="spm2048", init=None, steps=300, batch=8, lr=2e-3, warmup=30)),
    "draft": (Config(vocab_size=2048, dim=128, n_layers=2, n_heads=4, n_kv_heads=2, ffn_dim=256, context=512),
              dict(tokenizer="spm2048", init=None, steps=600, batch=8, lr=4e-3, warmup=50)),
    "draft-bytes": (Config(vocab_size=260, dim=128, n_layers=3, n_heads=4, n_kv_heads=2, ffn_dim=384, context=512),
                    dict(tokenizer="bytes", init=None, steps=700, batch=8, lr=4e-3, warmup=50)),
}

BYTES_SPEC = {"type": "bytes", "vocab_size": 260, "description":
              "byte-level: token id = UTF-8 byte value (0-255); verses separated by byte 10 (newline)",
              "bos_id": 256, "eos_id": 257, "pad_id": 258, "unk_id": 259, "newline_id": 10}


# ---------------------------------------------------------------- corpus and tokenizers
def corpus():
    """Returns (train_verses, val_verses) from the bible-kjv(-text) Debian packages."""
    os.makedirs(WORK, exist_ok=True)
    tr, va = os.path.join(WORK, "kjv_train.txt"), os.path.join(WORK, "kjv_val.txt")
    if not os.path.exists(va):
        txt = subprocess.run(["bible", "-l100000", "Gen1:1-Rev22:21"], capture_output=True, text=True,
                             check=True, cwd="/tmp").stdout
        train, val, chapter = [], [], -1
        for line in txt.split("\n"):
            if not line.strip():
                continue
            if line.startswith(" "):
                verse = line.strip().split(" ", 1)[1].strip()
                (val if chapter % VAL_EVERY == VAL_OFFSET else train).append(verse)
            else:
                chapter += 1
        assert chapter + 1 == 1189 and len(train) + len(val) == 31102, (chapter, len(train), len(val))
        tmp = f".tmp{os.getpid()}"
        with open(tr + tmp, "w") as f:
            f.write("\n".join(train) + "\n")
        with open(va + tmp, "w") as f:
            f.write("\n".join(val) + "\n")
        os.replace(tr + tmp, tr)
        os.replace(va + tmp, va)
    with open(tr) as f:
        train = f.read().split("\n")[:-1]
    with open(va) as f:
        val = f.read().split("\n")[:-1]
    return train, val


class SPTok:
    def __init__(self, path):
        import sentencepiece as spm
        self.path = path
        self.sp = spm.SentencePieceProcessor(model_file=path)
        self.nl = self.sp.piece_to_id("\n")
        assert self.nl != self.sp.unk_id(), "newline piece missing"
        self.vocab_size = self.sp.get_piece_size()

    def encode(self, s):
        return self.sp.encode(s)

    def decode(self, ids):
        return self.sp.decode([int(i) for i in ids])

    def stream(self, verses):
        out = []
        for ids in self.sp.encode(verses):
            out += ids + [self.nl]
        return out

    def info(self):
        return {"type": "sentencepiece", "file": "tokenizer.model", "model_type": "bpe",
                "vocab_size": self.vocab_size, "unk_id": self.sp.unk_id(), "bos_id": self.sp.bos_id(),
                "eos_id": self.sp.eos_id(), "pad_id": self.sp.pad_id(), "newline_id": self.nl,
                "verse_separator": "newline piece '\\n' (user-defined symbol)", "add_bos": False}


class ByteTok:
    vocab_size = 260

    def encode(self, s):
        return list(s.encode("utf-8"))

    def decode(self, ids):
        return bytes([i for i in ids if i < 256]).decode("utf-8", errors="replace")

    def stream(self, verses):
        return list(("\n".join(verses) + "\n").encode("utf-8"))

    def info(self):
        return dict(BYTES_SPEC, file="tokenizer.json", add_bos=False)


def tokenizer(kind, train):
    if kind == "bytes":
        return ByteTok()
    import sentencepiece as spm
    path = os.path.join(WORK, "spm2048.model")
    if not os.path.exists(path):
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(train), model_prefix=os.path.join(WORK, "spm2048"), vocab_size=2048,
            model_type="bpe", character_coverage=1.0, byte_fallback=True, user_defined_symbols=["\n"],
            num_threads=1, minloglevel=2)
    return SPTok(path)


def unigram_ppl(train_ids, val_ids, vocab):
    counts = np.bincount(np.asarray(train_ids), minlength=vocab).astype(np.float64) + 1.0
    p = counts / counts.sum()
    return float(np.exp(-np.mean(np.log(p[np.asarray(val_ids)]))))


# ---------------------------------------------------------------- training / eval
@torch.no_grad()
def val_ppl(model, val_ids, ctx, bs=4):
    model.eval()
    v = torch.tensor(val_ids, dtype=torch.long)
    n = (len(v) - 1) // ctx
    xs = v[: n * ctx].view(n, ctx)
    ys = v[1: n * ctx + 1].view(n, ctx)
    tot, cnt = 0.0, 0
    for i in range(0, n, bs):
        lg = model(xs[i:i + bs])
        tot += F.cross_entropy(lg.reshape(-1, lg.shape[-1]), ys[i:i + bs].reshape(-1), reduction="sum").item()
        cnt += ys[i:i + bs].numel()
    model.train()
    return math.exp(tot / cnt), cnt


def train(model, train_ids, recipe, ctx, log):
    g = torch.Generator().manual_seed(SEED + 1)
    data = torch.tensor(train_ids, dtype=torch.long)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=recipe["lr"], betas=(0.9, 0.95))
    steps, warm, B = recipe["steps"], recipe["warmup"], recipe["batch"]
    curve, acc, t0 = [], [], time.time()
    model.train()
    for step in range(steps):
        lr = recipe["lr"] * min(1.0, (step + 1) / warm) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / steps)))
        for grp in opt.param_groups:
            grp["lr"] = lr
        ix = torch.randint(0, len(data) - ctx - 1, (B,), generator=g)
        x = torch.stack([data[i:i + ctx] for i in ix])
        y = torch.stack([data[i + 1:i + ctx + 1] for i in ix])
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        acc.append(loss.item())
        if (step + 1) % 10 == 0 or step == steps - 1:
            curve.append([step + 1, round(float(np.mean(acc)), 4)])
            acc = []
            log(f"step {step + 1}/{steps} loss {curve[-1][1]:.4f} lr {lr:.2e} {time.time() - t0:.0f}s")
    return curve, time.time() - t0


def to_deploy(model):
    """BitNet: freeze weights to their ternary values; returns [(q int8 [out,in], scale)] in module order."""
    tern = []
    for mod in model.modules():
        if isinstance(mod, BitLinear):
            q, s = weight_quant_ternary(mod.weight.data)
            mod.weight.data = q * s
            mod.deploy = True
            tern.append((q.to(torch.int8).numpy(), float(s)))
    return tern


@torch.no_grad()
def greedy(model, ids, n_new):
    kv = [(torch.zeros(1, model.cfg.n_kv_heads, 0, model.cfg.head_dim),) * 2 for _ in model.layers]
    x = torch.tensor([ids])
    out, past_len = [], 0
    for _ in range(n_new):
        t = x.shape[1]
        am = torch.ones(1, past_len + t, dtype=torch.long)
        pos = torch.arange(past_len, past_len + t)[None]
        logits, kv = model.forward_kv(x, am, pos, kv)
        nxt = int(logits[0, -1].argmax())
        out.append(nxt)
        past_len += t
        x = torch.tensor([[nxt]])
    return out


# ---------------------------------------------------------------- export
def export(model, cfg, outdir, ternary=None, streaming=False):
    """Writes outdir/model.onnx and outdir/model-kv.onnx over one shared weights.bin.
    streaming: for models too large to hold twice in memory (over ~1 GB of weights): each graph
    is exported into its own scratch folder, then its tensors are moved into weights.bin one at
    a time (onnx_utils.merge_external_data_streaming)."""
    model.eval()
    if streaming:
        assert ternary is None, "the BitNet rewrite loads whole models; use it below 1 GB"
        scratch = {name: os.path.join(outdir, ".export-" + name[:-5]) for name in ("model.onnx", "model-kv.onnx")}
        for d in scratch.values():
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
        exported = {name: os.path.join(d, name) for name, d in scratch.items()}
        _export_graphs(model, cfg, exported["model.onnx"], exported["model-kv.onnx"])
        result = onnx_utils.merge_external_data_streaming(exported, outdir)
        for d in scratch.values():
            shutil.rmtree(d)
        return result
    full, kvp = os.path.join(outdir, "model.onnx"), os.path.join(outdir, "model-kv.onnx")
    _export_graphs(model, cfg, full, kvp)
    if ternary is not None:
        for p in (full, kvp):
            onnx_utils.ternarize_initializers(p, ternary)
    return onnx_utils.share_external_data([full, kvp])


def _export_graphs(model, cfg, full, kvp):
    ids = torch.randint(0, cfg.vocab_size, (1, 7))
    with torch.no_grad():
        torch.onnx.export(model, (ids,), full, input_names=["input_ids"], output_names=["logits"],
                          dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"}},
                          opset_version=17, do_constant_folding=True)
        ins, outs, dyn = onnx_utils.optimum_kv_io(cfg.n_layers)
        past = []
        for _ in range(cfg.n_layers):
            past += [torch.randn(1, cfg.n_kv_heads, 5, cfg.head_dim), torch.randn(1, cfg.n_kv_heads, 5, cfg.head_dim)]
        args = (torch.randint(0, cfg.vocab_size, (1, 3)), torch.ones(1, 8, dtype=torch.long),
                torch.arange(5, 8)[None], *past)
        torch.onnx.export(LlamaKV(model), args, kvp, input_names=ins, output_names=outs, dynamic_axes=dyn,
                          opset_version=17, do_constant_folding=True)


@torch.no_grad()
def write_references(model, cfg, outdir, sample_ids):
    """Full graph: set 0 = [1,16], set 1 = [2,8]. KV graph (under kv/): set 0 = past 8 + 8 new,
    set 1 = past 15 + 1 new (a decode step), both batch 1, attention_mask all ones."""
    model.eval()
    s = torch.tensor(sample_ids[:32], dtype=torch.long)
    full_sets = [s[:16][None], torch.stack([s[:8], s[16:24]])]
    for k, x in enumerate(full_sets):
        onnx_utils.write_test_set(os.path.join(outdir, f"test_data_set_{k}"), [("input_ids", x.numpy())],
                                  [("logits", model(x).numpy())])
    ins, outs, _ = onnx_utils.optimum_kv_io(cfg.n_layers)
    for k, (p, t) in enumerate([(8, 8), (15, 1)]):
        seq = s[: p + t][None]
        empty = [(torch.zeros(1, cfg.n_kv_heads, 0, cfg.head_dim),) * 2 for _ in range(cfg.n_layers)]
        _, past = model.forward_kv(seq[:, :p], torch.ones(1, p, dtype=torch.long), torch.arange(p)[None], empty)
        am = torch.ones(1, p + t, dtype=torch.long)
        pos = torch.arange(p, p + t)[None]
        logits, pres = model.forward_kv(seq[:, p:], am, pos, past)
        flat_in = [seq[:, p:], am, pos] + [a for kv in past for a in kv]
        flat_out = [logits] + [a for kv in pres for a in kv]
        onnx_utils.write_test_set(os.path.join(outdir, "kv", f"test_data_set_{k}"),
                                  [(n, a.numpy()) for n, a in zip(ins, flat_in)],
                                  [(n, a.numpy()) for n, a in zip(outs, flat_out)])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("name", choices=sorted(MODELS) + ["prepare"],
                    help="'prepare' only extracts the corpus and trains the SentencePiece tokenizer")
    ap.add_argument("--steps", type=int, default=None)
    ap.add_argument("--export-only", action="store_true",
                    help="skip training: reuse the checkpoint and loss curve in the work dir")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "models"))
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    if a.name == "prepare":
        tokenizer("spm2048", corpus()[0])
        print(f"[prepare] corpus and tokenizer in {WORK}")
        return
    cfg, recipe = MODELS[a.name]
    recipe = dict(recipe)
    if a.steps:
        recipe["steps"] = a.steps
    outdir = os.path.abspath(os.path.join(a.out, a.name))
    logf = open(os.path.join(WORK, f"{a.name}.log"), "w") if os.path.isdir(WORK) else None

    def log(msg):
        print(f"[{a.name}] {msg}", flush=True)
        if logf:
            logf.write(msg + "\n")
            logf.flush()

    t_start = time.time()
    train_v, val_v = corpus()
    tok = tokenizer(recipe["tokenizer"], train_v)
    train_ids, val_ids = tok.stream(train_v), tok.stream(val_v)
    log(f"train tokens {len(train_ids)} val tokens {len(val_ids)}")
    model = Llama(cfg)
    if recipe["init"] and not a.export_only:
        sd = torch.load(os.path.join(WORK, recipe["init"] + ".pt"))
        model.load_state_dict(sd)
        log(f"initialized from {recipe['init']}")
    ckpt, tjson = os.path.join(WORK, a.name + ".pt"), os.path.join(WORK, a.name + ".train.json")
    if a.export_only:
        model.load_state_dict(torch.load(ckpt))
        with open(tjson) as f:
            tj = json.load(f)
        init_ppl, curve, train_time, recipe = tj["init_ppl"], tj["curve"], tj["train_time"], tj["recipe"]
    else:
        init_ppl = val_ppl(model, val_ids, cfg.context)[0] if recipe["init"] else None
        curve, train_time = train(model, train_ids, recipe, cfg.context, log)
        torch.save(model.state_dict(), ckpt)
        with open(tjson, "w") as f:
            json.dump({"init_ppl": init_ppl, "curve": curve, "train_time": train_time, "recipe": recipe}, f)
    ternary = to_deploy(model) if cfg.bitnet else None
    ppl, nval = val_ppl(model, val_ids, cfg.context)  # bitnet: measured on the deploy form
    ppl512 = val_ppl(model, val_ids, 512)[0] if cfg.context != 512 else ppl
    uni = unigram_ppl(train_ids, val_ids, cfg.vocab_size)
    log(f"val ppl {ppl:.3f} (ctx {cfg.context}), at ctx 512 {ppl512:.3f}, unigram ppl {uni:.3f}")

    if os.path.isdir(outdir):
        shutil.rmtree(outdir)
    os.makedirs(outdir)
    wbytes, nblobs = export(model, cfg, outdir, ternary)
    if isinstance(tok, SPTok):
        shutil.copy(tok.path, os.path.join(outdir, "tokenizer.model"))
    else:
        with open(os.path.join(outdir, "tokenizer.json"), "w") as f:
            json.dump(BYTES_SPEC, f, indent=1)
    write_references(model, cfg, outdir, val_ids[:64])
    prompts = []
    for p in PROMPTS:
        ids = tok.encode(p)
        g = greedy(model, ids, N_NEW)
        prompts.append({"text": p, "ids": ids, "greedy_ids": g, "greedy_text": tok.decode(g)})
        log(f"{p!r} -> {tok.decode(g)!r}")
    tern_info = None
    if ternary is not None:
        allq = np.concatenate([q.ravel() for q, _ in ternary])
        tern_info = {"linear_layers": len(ternary), "weights": int(allq.size),
                     "fraction": {"-1": float((allq == -1).mean()), "0": float((allq == 0).mean()),
                                  "+1": float((allq == 1).mean())},
                     "weight_quant": "per-tensor absmean: scale = mean|W|, q = clip(round(W/scale), -1, 1)",
                     "activation_quant": "per-token absmax int8: s = 127/max(|x|,1e-5), xq = clip(round(x*s), -128, 127), y = (xq @ (q*scale)^T) / s",
                     "lm_head_and_embedding": "full precision fp32"}
    ref = {
        "name": a.name,
        "architecture": "llama (RMSNorm, RoPE, SwiGLU, GQA repeat_kv, triu causal mask, untied lm_head)"
                        + (", BitNet b1.58 linear layers" if cfg.bitnet else ""),
        "config": cfg.to_dict(),
        "params": count_params(model),
        "files": {"model": "model.onnx", "model_kv": "model-kv.onnx", "weights": "weights.bin",
                  "tokenizer": tok.info()["file"]},
        "weights_bin_bytes": wbytes,
        "tokenizer": tok.info(),
        "corpus": {"source": "King James Bible, Debian packages bible-kjv-text + bible-kjv (`bible -l100000 Gen1:1-Rev22:21`)",
                   "split": f"chapter index % {VAL_EVERY} == {VAL_OFFSET} -> validation (chapters counted from Genesis 1 = 0)",
                   "train_tokens": len(train_ids), "val_tokens": len(val_ids)},
        "val_ppl": round(ppl, 4),
        "val_ppl_context": cfg.context,
        "val_ppl_ctx512": round(ppl512, 4),
        "val_scored_tokens": nval,
        "unigram_ppl": round(uni, 4),
        "init_from": recipe["init"],
        "val_ppl_before_finetune": round(init_ppl, 4) if init_ppl else None,
        "training": {"steps": recipe["steps"], "batch": recipe["batch"], "seq_len": cfg.context, "lr": recipe["lr"],
                     "warmup": recipe["warmup"], "schedule": "linear warmup, cosine to 10%", "optimizer": "AdamW(0.9,0.95) wd 0.1",
                     "seed": SEED, "torch_threads": 1, "train_time_s": round(train_time, 1),
                     "total_time_s": None},
        "loss_curve": curve,
        "prompts": prompts,
        "greedy_new_tokens": N_NEW,
        "ternary": tern_info,
        "test_data": {
            "full": {"dirs": ["test_data_set_0", "test_data_set_1"], "shapes": ["input_ids [1,16]", "input_ids [2,8]"]},
            "kv": {"dirs": ["kv/test_data_set_0", "kv/test_data_set_1"],
                   "shapes": ["past 8 + sequence 8, batch 1", "past 15 + sequence 1, batch 1"]},
            "source": "first validation tokens; references computed by torch (bitnet: deploy form)"},
        "ort_tolerance": {"atol": 2e-2, "rtol": 1e-3} if cfg.bitnet else {"atol": 1e-3, "rtol": 1e-3},
        "ops": {"model.onnx": onnx_utils.op_counts(os.path.join(outdir, "model.onnx")),
                "model-kv.onnx": onnx_utils.op_counts(os.path.join(outdir, "model-kv.onnx"))},
        "io": {"model.onnx": onnx_utils.io_summary(os.path.join(outdir, "model.onnx")),
               "model-kv.onnx": onnx_utils.io_summary(os.path.join(outdir, "model-kv.onnx"))},
    }
    ref["training"]["total_time_s"] = round(time.time() - t_start, 1)
    with open(os.path.join(outdir, "reference.json"), "w") as f:
        json.dump(ref, f, indent=1)
    log(f"done in {time.time() - t_start:.0f}s: {outdir}")


if __name__ == "__main__":
    main()
