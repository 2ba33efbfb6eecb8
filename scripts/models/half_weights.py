#!/usr/bin/python3
"""Store a model's float weights in 16 bits, as models are published.

  /usr/bin/python3 scripts/models/half_weights.py SRC_DIR DST_DIR [--dtype f16|bf16]

Reads SRC_DIR/model.onnx and SRC_DIR/model-kv.onnx (external data in one shared file, as
make_bench_model.py writes them) and writes DST_DIR/ with the same graphs, where every f32
initializer of 256 elements or more is stored as f16 (round to nearest) or bf16 (round to
nearest even) and read through a Cast to float: the weight-only 16-bit form, compute in f32.
Tensors are converted one at a time (peak memory: one tensor), deduplicated by content into
DST_DIR/weights.bin. config.json is copied with "weights_dtype" added.
"""
import argparse
import json
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_utils import INLINE_MAX_BYTES, WeightsFileWriter, read_initializer  # noqa: E402

MIN_ELEMENTS = 256


def to_16_bits(raw, dtype):
    a = np.frombuffer(raw, dtype=np.float32)
    if dtype == "f16":
        return a.astype(np.float16).tobytes()
    u = a.view(np.uint32)
    return ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16).tobytes()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--dtype", choices=["f16", "bf16"], default="f16")
    a = ap.parse_args()
    os.makedirs(a.dst, exist_ok=True)
    onnx_type = TensorProto.FLOAT16 if a.dtype == "f16" else TensorProto.BFLOAT16
    converted = 0
    with open(os.path.join(a.dst, "weights.bin"), "wb") as f:
        writer = WeightsFileWriter(f, "weights.bin")
        for name in ("model.onnx", "model-kv.onnx"):
            path = os.path.join(a.src, name)
            if not os.path.exists(path):
                continue
            m = onnx.load(path, load_external_data=False)
            casts = []
            for t in m.graph.initializer:
                raw = read_initializer(t, a.src)
                count = int(np.prod(t.dims)) if len(t.dims) else 1
                if t.data_type == TensorProto.FLOAT and count >= MIN_ELEMENTS:
                    raw = to_16_bits(raw, a.dtype)
                    wide_name = t.name
                    t.name = wide_name + "_" + a.dtype
                    t.data_type = onnx_type
                    casts.append(helper.make_node("Cast", [t.name], [wide_name], to=TensorProto.FLOAT,
                                                  name="widen_" + wide_name))
                    converted += 1
                if len(raw) >= INLINE_MAX_BYTES:
                    writer.place(t, raw)
                    continue
                for field in ("raw_data", "float_data", "int32_data", "int64_data", "double_data", "uint64_data"):
                    t.ClearField(field)
                del t.external_data[:]
                t.data_location = TensorProto.DEFAULT
                t.raw_data = raw
            nodes = list(m.graph.node)
            del m.graph.node[:]
            m.graph.node.extend(casts + nodes)
            onnx.save(m, os.path.join(a.dst, name))
            onnx.checker.check_model(os.path.join(a.dst, name))
    config = os.path.join(a.src, "config.json")
    if os.path.exists(config):
        info = json.load(open(config))
        info["weights_dtype"] = a.dtype
        info["weights_bin_bytes"] = writer.size
        json.dump(info, open(os.path.join(a.dst, "config.json"), "w"), indent=1)
    for extra in ("tokenizer.model",):
        if os.path.exists(os.path.join(a.src, extra)):
            shutil.copy(os.path.join(a.src, extra), a.dst)
    print(f"{converted} initializers in {a.dtype}, weights.bin {writer.size / 1e6:.0f} MB -> {a.dst}")


if __name__ == "__main__":
    main()
