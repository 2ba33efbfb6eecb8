#!/usr/bin/env python3
"""Writes the binary members of the malformed-input corpus (test/Malformed).

Each file is a small ONNX model broken in one way that ONNX's text format
cannot express (negative dims, short initializers, external data, deep
nesting, flipped bytes). The files are committed; rerun this with Debian's
/usr/bin/python3 (onnx, numpy) only to change them:

    /usr/bin/python3 test/Malformed/Inputs/make_malformed.py test/Malformed/Inputs
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def model(nodes, inputs, outputs, initializers=(), opset=17):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(initializers))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


def linear(weight):
    """y = x @ w with w an initializer: the smallest model with a weight."""
    return model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
                 [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                 [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])],
                 [weight])


def raw_tensor(dims, raw, dtype=TensorProto.FLOAT, name="w"):
    t = TensorProto()
    t.name = name
    t.data_type = dtype
    t.dims.extend(dims)
    t.raw_data = raw
    return t


def external_tensor(location, offset=None, length=None, dims=(4, 4)):
    t = TensorProto()
    t.name = "w"
    t.data_type = TensorProto.FLOAT
    t.dims.extend(dims)
    t.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", offset), ("length", length)):
        if value is not None:
            entry = t.external_data.add()
            entry.key, entry.value = key, str(value)
    return t


def write(out, name, m):
    data = m if isinstance(m, bytes) else m.SerializeToString()
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


def main(out):
    os.makedirs(out, exist_ok=True)
    good = linear(numpy_helper.from_array(np.eye(4, dtype=np.float32), "w"))
    write(out, "good-linear.onnx", good)

    # Shapes.
    write(out, "negative-dim.onnx", model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")],
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [-3, 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 2])]))
    write(out, "untyped-input.onnx", model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")],
        [helper.make_empty_tensor_value_info("x")],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])]))
    seq = helper.make_tensor_sequence_value_info("x", TensorProto.FLOAT, [2])
    write(out, "sequence-input.onnx", model(
        [helper.make_node("Identity", ["x"], ["y"], name="id")], [seq],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])]))

    # Initializers.
    write(out, "init-short-raw.onnx", linear(raw_tensor([4, 4], b"\0" * 8)))
    short = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[4, 4],
                        float_data=[1.0, 2.0, 3.0])
    write(out, "init-short-typed.onnx", linear(short))
    write(out, "init-negative-dim.onnx", linear(raw_tensor([-1, 4], b"")))
    write(out, "init-overflow.onnx", linear(raw_tensor([1 << 40, 1 << 40, 1 << 40], b"")))
    strings = TensorProto(name="w", data_type=TensorProto.STRING, dims=[2],
                          string_data=[b"a", b"b"])
    write(out, "init-string.onnx", linear(strings))

    # External data: the lit test places these next to weights.bin (64
    # bytes, a 4x4 f32 weight) and outside.bin one folder up.
    write(out, "ext-ok.onnx", linear(external_tensor("weights.bin")))
    write(out, "ext-missing.onnx", linear(external_tensor("missing.bin")))
    write(out, "ext-parent.onnx", linear(external_tensor("../outside.bin")))
    write(out, "ext-absolute.onnx", linear(external_tensor("/etc/passwd")))
    write(out, "ext-symlink.onnx", linear(external_tensor("link.bin")))
    write(out, "ext-short.onnx", linear(external_tensor("weights.bin", 32)))
    write(out, "ext-long.onnx", linear(external_tensor("weights.bin", 0, 128)))
    write(out, "ext-offset-past-end.onnx", linear(external_tensor("weights.bin", 4096)))
    write(out, "ext-bad-offset.onnx", linear(external_tensor("weights.bin", "12abc")))
    write(out, "ext-negative-length.onnx", linear(external_tensor("weights.bin", 0, -64)))
    write(out, "ext-no-location.onnx", linear(external_tensor("")))

    # Nesting deeper than the parser's recursion limit (64): a graph input
    # typed sequence(sequence(...(tensor))) 200 deep.
    deep = helper.make_tensor_type_proto(TensorProto.FLOAT, [2])
    for _ in range(200):
        deep = helper.make_sequence_type_proto(deep)
    deep_model = model([helper.make_node("Identity", ["x"], ["y"], name="id")],
                       [helper.make_value_info("x", deep)],
                       [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])])
    write(out, "deep-nesting.onnx", deep_model)

    # Flipped bytes in the good model: the graph's field tag and a length
    # that then claims more bytes than the file has.
    data = bytearray(good.SerializeToString())
    graph_tag = data.index(bytes([0x3A]))  # ModelProto.graph, field 7, LEN
    flipped = bytearray(data)
    flipped[graph_tag] ^= 0x04  # 0x3E: field 7 with wire type 6, which is invalid
    write(out, "bitflip-wire-type.onnx", bytes(flipped))
    flipped = bytearray(data)
    flipped[graph_tag + 1] |= 0x7F  # the graph's length now runs past the end
    write(out, "bitflip-length.onnx", bytes(flipped))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
