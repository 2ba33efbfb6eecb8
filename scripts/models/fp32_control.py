#!/usr/bin/python3
"""Control run for the bitnet-vs-llama comparison in docs/models.md (not part of make_all.sh,
writes nothing to the repo): continue llama's checkpoint for bitnet's recipe (300 steps) in
fp32 and print the validation perplexity. Needs $TERNION_MODELS_WORK/llama.pt (make_all.sh).

  /usr/bin/python3 scripts/models/fp32_control.py        # ~10 min, one thread
"""
import os
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")
import sys  # noqa: E402

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
import build_model as bm  # noqa: E402
from tmodels import Llama  # noqa: E402


def main():
    torch.set_num_threads(1)
    torch.manual_seed(bm.SEED)
    cfg, _ = bm.MODELS["llama"]
    _, recipe = bm.MODELS["bitnet"]
    train_v, val_v = bm.corpus()
    tok = bm.tokenizer("spm2048", train_v)
    m = Llama(cfg)
    m.load_state_dict(torch.load(os.path.join(bm.WORK, "llama.pt")))
    _, t = bm.train(m, tok.stream(train_v), recipe, cfg.context, lambda s: None)
    print(f"fp32 control (llama + {recipe['steps']} steps, bitnet recipe): val ppl "
          f"{bm.val_ppl(m, tok.stream(val_v), cfg.context)[0]:.4f}, {t:.0f}s")


if __name__ == "__main__":
    main()
