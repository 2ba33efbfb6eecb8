"""Writes f16.onnx and bf16.onnx (y = relu(x @ W + b) with 16-bit W and b behind
Cast nodes), x.npy, and the numpy outputs computed from the same 16-bit values."""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
rng = np.random.default_rng(16)
k, n = 64, 128
w = rng.standard_normal((k, n)).astype(np.float32) * 0.1
b = rng.standard_normal(n).astype(np.float32)
# Values that exercise the conversion: zero, a subnormal, the largest f16.
w[0, :3] = [0.0, 2.0 ** -24, 65504.0 / 1024]
x = rng.standard_normal((5, k)).astype(np.float32)
np.save(os.path.join(out, "x.npy"), x)


def bf16_bits(a):
    """Round-to-nearest-even f32 -> bf16 bits, and their f32 values."""
    u = a.view(np.uint32)
    bits = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)
    return bits, (bits.astype(np.uint32) << 16).view(np.float32)


def model(path, w_tensor, b_tensor):
    nodes = [
        helper.make_node("Cast", ["w16"], ["w"], to=TensorProto.FLOAT),
        helper.make_node("Cast", ["b16"], ["b"], to=TensorProto.FLOAT),
        helper.make_node("MatMul", ["x", "w"], ["xw"]),
        helper.make_node("Add", ["xw", "b"], ["z"]),
        helper.make_node("Relu", ["z"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "half_weights",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", n])],
        [w_tensor, b_tensor])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(m)
    onnx.save(m, path)


w16, b16 = w.astype(np.float16), b.astype(np.float16)
model(os.path.join(out, "f16.onnx"), numpy_helper.from_array(w16, "w16"),
      numpy_helper.from_array(b16, "b16"))
y = np.maximum(x @ w16.astype(np.float32) + b16.astype(np.float32), 0)
np.save(os.path.join(out, "y-f16.npy"), y.astype(np.float32))

wbits, wvals = bf16_bits(w)
bbits, bvals = bf16_bits(b)
model(os.path.join(out, "bf16.onnx"),
      helper.make_tensor("w16", TensorProto.BFLOAT16, w.shape, wbits.tobytes(), raw=True),
      helper.make_tensor("b16", TensorProto.BFLOAT16, b.shape, bbits.tobytes(), raw=True))
y = np.maximum(x @ wvals + bvals, 0)
np.save(os.path.join(out, "y-bf16.npy"), y.astype(np.float32))
