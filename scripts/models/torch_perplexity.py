#!/usr/bin/python3
"""PyTorch's perplexity of a llama-architecture fixture on a text, the reference for
`ternion-run --perplexity`.

  /usr/bin/python3 scripts/models/torch_perplexity.py MODEL_DIR TEXT [--context N] [--chunks K]
      [--weights-from ONNX]

The model is rebuilt from MODEL_DIR/reference.json's config (tmodels.Llama) with the weights of
MODEL_DIR/model.onnx (or of --weights-from, e.g. a model whose weights were quantized and
dequantized): named initializers by name, the anonymous MatMul weights in graph order. Before
scoring, the rebuilt model must reproduce the logits of MODEL_DIR/test_data_set_0.

The text is tokenized whole with the fixture's SentencePiece model (no BOS) and scored in
windows of N tokens, each position predicting the next token (the last one the next window's
first): floor((T-1)/N) windows, N scores each. Prints "perplexity: P over M tokens".
"""
import argparse
import json
import math
import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import onnx  # noqa: E402
from onnx import numpy_helper  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tmodels import Config, Llama  # noqa: E402

LINEARS = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
           "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]


def load_model(model_dir, weights_from=None):
    ref = json.load(open(os.path.join(model_dir, "reference.json")))
    cfg = ref["config"]
    if cfg.get("bitnet"):
        sys.exit("torch_perplexity: bitnet fixtures are not rebuilt here")
    model = Llama(Config(**{k: v for k, v in cfg.items() if k != "head_dim"}))
    path = weights_from or os.path.join(model_dir, "model.onnx")
    graph = onnx.load(path).graph
    inits = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    state = {}
    matmuls = [n.input[1] for n in graph.node if n.op_type == "MatMul" and n.input[1] in inits]
    names = [f"layers.{l}.{m}.weight" for l in range(cfg["n_layers"]) for m in LINEARS]
    names.append("lm_head.weight")
    if len(matmuls) != len(names):
        sys.exit(f"torch_perplexity: {path}: {len(matmuls)} MatMul weights, expected {len(names)}")
    for name, init in zip(names, matmuls):
        state[name] = torch.from_numpy(inits[init].T.copy())
    for name, value in inits.items():
        if name.endswith("weight") and name not in matmuls:
            state[name] = torch.from_numpy(value.copy())
    missing = model.load_state_dict(state, strict=False)
    if missing.missing_keys:
        sys.exit(f"torch_perplexity: {path}: no weights for {missing.missing_keys}")
    model.eval()
    return model, ref


def self_check(model, model_dir):
    data = os.path.join(model_dir, "test_data_set_0")
    ids = numpy_helper.to_array(onnx.load_tensor(os.path.join(data, "input_0.pb")))
    want = numpy_helper.to_array(onnx.load_tensor(os.path.join(data, "output_0.pb")))
    with torch.no_grad():
        got = model(torch.from_numpy(ids)).numpy()
    err = float(np.abs(got - want).max())
    if err > 1e-3:
        sys.exit(f"torch_perplexity: the rebuilt model misses test_data_set_0 by {err}")


def perplexity(model, ids, context, chunks=0, batch=4):
    v = torch.tensor(ids, dtype=torch.long)
    n = (len(v) - 1) // context
    if chunks:
        n = min(n, chunks)
    xs = v[: n * context].view(n, context)
    ys = v[1: n * context + 1].view(n, context)
    total = 0.0
    with torch.no_grad():
        for i in range(0, n, batch):
            lg = model(xs[i:i + batch]).double()
            total += F.cross_entropy(lg.reshape(-1, lg.shape[-1]), ys[i:i + batch].reshape(-1),
                                     reduction="sum").item()
    return math.exp(total / (n * context)), n * context


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model_dir")
    ap.add_argument("text")
    ap.add_argument("--context", type=int, default=512)
    ap.add_argument("--chunks", type=int, default=0)
    ap.add_argument("--weights-from")
    args = ap.parse_args()
    torch.set_num_threads(1)
    model, ref = load_model(args.model_dir, args.weights_from)
    if not args.weights_from:
        self_check(model, args.model_dir)
    import sentencepiece as spm
    sp = spm.SentencePieceProcessor(model_file=os.path.join(args.model_dir, ref["files"]["tokenizer"]))
    ids = sp.encode(open(args.text, encoding="utf-8").read())
    ppl, scored = perplexity(model, ids, args.context, args.chunks)
    print(f"perplexity: {ppl:.4f} over {scored} tokens")


if __name__ == "__main__":
    main()
