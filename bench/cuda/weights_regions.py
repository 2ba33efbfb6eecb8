#!/usr/bin/python3
"""The CUDA benchmark's weights: a bench-size weights.bin cannot travel to the GPU machine
(the carry is 64 MiB), so it is regenerated there. Timing does not depend on the values of
float weights, but integer tables (indices, positions) must stay exact or kernels would read
out of bounds. So:

  weights_regions.py split  GPU_STAGE.mlir WEIGHTS.bin OUT_DIR   (here)
      reads every `memref.view` of the weights argument in the gpu-stage IR
      (ternion-compile --target=cuda --emit=gpu), and writes OUT_DIR/regions.json (offset,
      bytes, element type of each region) and OUT_DIR/exact.bin (the bytes of every region
      that is not floating point, back to back)
  weights_regions.py fill   OUT_DIR WEIGHTS.bin SIZE            (there)
      writes SIZE bytes: float regions from a seeded generator (uniform in +-0.05, seed 0),
      the other regions from exact.bin, gaps zero

The artifact is then opened with --no-verify-weights (the checksum is of the real file).
Only numpy is needed.
"""
import json
import os
import re
import sys

import numpy as np

VIEW = re.compile(r"memref\.view %\w+\[%c(\d+)(?:_\d+)?\]\[[^]]*\] : memref<\?xi8> to "
                  r"memref<((?:\d+x)*)(\w+)>")
BYTES = {"f64": 8, "f32": 4, "f16": 2, "bf16": 2, "i64": 8, "i32": 4, "i16": 2, "i8": 1, "i1": 1}


def split(ir_path, weights_path, out_dir):
    regions = {}
    with open(ir_path) as ir:
        for line in ir:
            for offset, dims, element in VIEW.findall(line):
                if element not in BYTES:
                    sys.exit(f"weights_regions: unknown element type {element} in: {line.strip()}")
                count = 1
                for d in dims.rstrip("x").split("x") if dims else []:
                    count *= int(d)
                size = count * BYTES[element]
                key = int(offset)
                if key in regions and regions[key]["bytes"] != size:
                    size = max(size, regions[key]["bytes"])  # one constant, several views
                regions[key] = {"offset": key, "bytes": size, "type": element}
    weights = np.memmap(weights_path, dtype=np.uint8, mode="r")
    ordered = sorted(regions.values(), key=lambda r: r["offset"])
    os.makedirs(out_dir, exist_ok=True)
    exact_bytes = 0
    with open(os.path.join(out_dir, "exact.bin"), "wb") as exact:
        for region in ordered:
            if region["offset"] + region["bytes"] > len(weights):
                sys.exit(f"weights_regions: region {region} is past the end of {weights_path}")
            if not region["type"].startswith(("f", "bf")):
                exact.write(weights[region["offset"]:region["offset"] + region["bytes"]].tobytes())
                exact_bytes += region["bytes"]
    with open(os.path.join(out_dir, "regions.json"), "w") as f:
        json.dump({"size": len(weights), "regions": ordered}, f)
    floats = sum(r["bytes"] for r in ordered if r["type"].startswith(("f", "bf")))
    print(f"weights_regions: {len(ordered)} regions, {floats} float bytes regenerated, "
          f"{exact_bytes} exact bytes carried, of {len(weights)}")


def fill(out_dir, weights_path, size):
    with open(os.path.join(out_dir, "regions.json")) as f:
        layout = json.load(f)
    if layout["size"] != size:
        sys.exit(f"weights_regions: the manifest says {size} bytes, regions.json {layout['size']}")
    data = np.zeros(size, dtype=np.uint8)
    rng = np.random.default_rng(0)
    with open(os.path.join(out_dir, "exact.bin"), "rb") as exact:
        for region in layout["regions"]:
            start, end, kind = region["offset"], region["offset"] + region["bytes"], region["type"]
            if kind.startswith(("f", "bf")):
                dtype = {"f64": np.float64, "f32": np.float32, "f16": np.float16}.get(kind)
                if dtype is None:  # bf16: the high half of f32
                    values = rng.uniform(-0.05, 0.05, (end - start) // 2).astype(np.float32)
                    data[start:end] = values.view(np.uint16).reshape(-1, 2)[:, 1].view(np.uint8)
                else:
                    count = (end - start) // np.dtype(dtype).itemsize
                    data[start:end] = rng.uniform(-0.05, 0.05, count).astype(dtype).view(np.uint8)
            else:
                data[start:end] = np.frombuffer(exact.read(end - start), dtype=np.uint8)
    data.tofile(weights_path)
    print(f"weights_regions: wrote {size} bytes to {weights_path}")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "split":
        split(*sys.argv[2:5])
    elif len(sys.argv) == 5 and sys.argv[1] == "fill":
        fill(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(__doc__)
