#!/usr/bin/python3
"""Writes the linear layers of the LLM benchmark model, and only them, into OUT_DIR.

  /usr/bin/python3 bench/gemm/make_llm_layers.py OUT_DIR

llm_layers.onnx has the shapes of bench/models/make_bench_model.py's model (dim 768,
12 layers, 4 kv heads of 64, ffn 2560, vocab 4096): per layer q, k, v (k and v are
graph outputs), o after q, gate and up after o, their sum, down; then the LM head.
Every weight is distinct (370 MB in all), so each arrives from memory as in the LLM,
unlike the one-matrix cases of make_models.py, whose weights stay cached between
repetitions. Weights are uniform with unit-variance outputs (sqrt(3 / K); down's halved
for the sum of two), and gate and up are added rather than multiplied, so that without
the model's norms the activations stay near 1 over the 12 layers instead of vanishing
into subnormals (whose arithmetic is many times slower) and then zeros. ONNX Gemm with transB=1 (torch's nn.Linear export), the same file for
Ternion and ONNX Runtime. Adds case `llm_layers` (kind `layers`, M = 512, the
multiply-adds per row in the 7th field) to OUT_DIR/cases.tsv for ternion-bench-gemm,
replacing an earlier line of it.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(0)
layers, dim, kv, ffn, vocab = 12, 768, 256, 2560, 4096
nodes, weights, extra_outputs = [], [], []
macs = 0


def linear(x, n, k, name, gain=1.0):
    global macs
    w = (rng.uniform(-1, 1, (n, k)) * np.sqrt(3 * gain / k)).astype(np.float32)
    weights.append(numpy_helper.from_array(w, f"w_{name}"))
    nodes.append(helper.make_node("Gemm", [x, f"w_{name}"], [name], transB=1))
    macs += n * k
    return name


x = "X"
for i in range(layers):
    q = linear(x, dim, dim, f"q{i}")
    extra_outputs += [linear(x, kv, dim, f"k{i}"), linear(x, kv, dim, f"v{i}")]
    o = linear(q, dim, dim, f"o{i}")
    gate, up = linear(o, ffn, dim, f"gate{i}"), linear(o, ffn, dim, f"up{i}")
    nodes.append(helper.make_node("Add", [gate, up], [f"h{i}"]))
    x = linear(f"h{i}", dim, ffn, f"down{i}", gain=0.5)
nodes.append(helper.make_node("Gemm", [x, "w_head"], ["Y"], transB=1))
weights.append(numpy_helper.from_array(
    (rng.uniform(-1, 1, (vocab, dim)) * np.sqrt(3 / dim)).astype(np.float32), "w_head"))
macs += vocab * dim


def value(name, cols):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, ["M", cols])


graph = helper.make_graph(nodes, "llm_layers", [value("X", dim)],
                          [value("Y", vocab)] + [value(n, kv) for n in extra_outputs], weights)
model = helper.make_model(graph)
model.opset_import[0].version = 17
onnx.save(model, f"{out}/llm_layers.onnx")
cases = f"{out}/cases.tsv"
lines = open(cases).read().splitlines() if os.path.exists(cases) else []
lines = [line for line in lines if not line.startswith("llm_layers\t")]
lines.append(f"llm_layers\tllm_layers\tlayers\t512\t{vocab}\t{dim}\t{macs}")
with open(cases, "w") as f:
    f.write("\n".join(lines) + "\n")
