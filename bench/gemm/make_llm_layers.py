#!/usr/bin/python3
"""Writes the linear layers of the LLM benchmark model, and only them, into OUT_DIR.

  /usr/bin/python3 bench/gemm/make_llm_layers.py OUT_DIR

llm_layers.onnx has the shapes of bench/models/make_bench_model.py's model (dim 768,
12 layers, 4 kv heads of 64, ffn 2560, vocab 4096): per layer q, k, v (k and v are
graph outputs), o after q, gate and up after o, their product, down; then the LM head.
Every weight is distinct (370 MB in all), so each arrives from memory as in the LLM,
unlike the one-matrix cases of make_models.py, whose weights stay cached between
repetitions. ONNX Gemm with transB=1 (torch's nn.Linear export), the same file for
Ternion and ONNX Runtime. Appends case `llm_layers` (kind `layers`, M = 512, the
multiply-adds per row in the 7th field) to OUT_DIR/cases.tsv for ternion-bench-gemm.
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


def linear(x, n, k, name):
    global macs
    w = (rng.uniform(-1, 1, (n, k)) / np.sqrt(k)).astype(np.float32)
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
    nodes.append(helper.make_node("Mul", [gate, up], [f"h{i}"]))
    x = linear(f"h{i}", dim, ffn, f"down{i}")
nodes.append(helper.make_node("Gemm", [x, "w_head"], ["Y"], transB=1))
weights.append(numpy_helper.from_array(
    (rng.uniform(-1, 1, (vocab, dim)) / np.sqrt(dim)).astype(np.float32), "w_head"))
macs += vocab * dim


def value(name, cols):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, ["M", cols])


graph = helper.make_graph(nodes, "llm_layers", [value("X", dim)],
                          [value("Y", vocab)] + [value(n, kv) for n in extra_outputs], weights)
model = helper.make_model(graph)
model.opset_import[0].version = 17
onnx.save(model, f"{out}/llm_layers.onnx")
with open(f"{out}/cases.tsv", "a") as f:
    f.write(f"llm_layers\tllm_layers\tlayers\t512\t{vocab}\t{dim}\t{macs}\n")
