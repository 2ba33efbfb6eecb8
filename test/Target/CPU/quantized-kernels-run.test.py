#!/usr/bin/python3
"""Cases of quantized-kernels-run.test: tern.quantized_linear layers with random codes, f16
scales and zero points (and column scales), for every bit width and both usual group sizes,
with K and N tails, against NumPy's dequantize-then-matmul in float64.

  quantized-kernels-run.py emit DIR            DIR/quantized.mlir and inputs/outputs (.npy)
  quantized-kernels-run.py check DIR ARTIFACT  run every case with ternion-run
"""
import os
import subprocess
import sys
import zlib

import numpy as np

# name: (bits, group, K, N, column scales, bias)
CASES = {
    "b2_g64": (2, 64, 200, 37, True, False),
    "b3_g64": (3, 64, 200, 37, True, True),
    "b4_g64": (4, 64, 200, 37, True, True),
    "b4_g128_rtn": (4, 128, 136, 45, False, True),
    "b5_g128": (5, 128, 136, 37, True, False),
    "b6_g64": (6, 64, 256, 40, True, False),
    "b8_g128": (8, 128, 300, 37, True, True),
    "b2_g128_rtn": (2, 128, 256, 70, False, False),
    # N whole panels (64 with AVX-512, 16 with AVX2): from 16 rows on, dequantized panels
    # and the f32 panel kernel.
    "b4_g64_panels": (4, 64, 200, 128, True, True),
    "b8_g128_panels": (8, 128, 256, 64, False, False),
    "b2_g64_panels": (2, 64, 192, 192, True, False),
    # Bit streams (3, 5, 6 bits) of whole panels: dequantized panels for every row count.
    "b3_g64_panels": (3, 64, 200, 128, True, True),
    "b6_g128_panels": (6, 128, 256, 64, False, False),
    "b5_g64_panels": (5, 64, 136, 64, True, False),
}
ROWS = [1, 3, 17, 70]


def blob(array):
    return "0x04000000" + np.ascontiguousarray(array).tobytes().hex().upper()


def case_data(name):
    bits, group, k, n, columns, bias = CASES[name]
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    groups = -(-k // group)
    row_bytes = groups * group * bits // 8
    codes = rng.integers(0, 2 ** bits, size=(n, groups * group))
    codes[:, k:] = 0
    bitstream = np.zeros((n, row_bytes * 8), dtype=np.uint8)
    for i in range(bits):
        bitstream[:, i::bits] = (codes >> i) & 1
    packed = np.packbits(bitstream, axis=1, bitorder="little")
    scales = (rng.uniform(0.5, 2.0, size=(n, groups)) / 2 ** bits).astype(np.float16)
    zeros = rng.integers(0, 2 ** bits, size=(n, groups)).astype(np.float16)
    t = rng.uniform(0.5, 1.5, size=k).astype(np.float32) if columns else None
    b = rng.standard_normal(n).astype(np.float32) if bias else None
    return bits, group, k, n, packed, codes[:, :k], scales, zeros, t, b


def emit(out):
    funcs, resources = [], []
    for name in CASES:
        bits, group, k, n, packed, codes, scales, zeros, t, b = case_data(name)
        groups = scales.shape[1]
        ops = [f'  %codes = tern.constant dense_resource<{name}_codes> : tensor<{n}x{packed.shape[1]}xi8>',
               f'  %scales = tern.constant dense_resource<{name}_scales> : tensor<{n}x{groups}xf16>',
               f'  %zeros = tern.constant dense_resource<{name}_zeros> : tensor<{n}x{groups}xf16>']
        resources += [f'{name}_codes: "{blob(packed)}"', f'{name}_scales: "{blob(scales)}"',
                      f'{name}_zeros: "{blob(zeros)}"']
        operands, types, extra = "%x, %codes, %scales, %zeros", [f"tensor<?x{k}xf32>", f"tensor<{n}x{packed.shape[1]}xi8>",
                                                                f"tensor<{n}x{groups}xf16>", f"tensor<{n}x{groups}xf16>"], ""
        if t is not None:
            ops.append(f'  %t = tern.constant dense_resource<{name}_t> : tensor<{k}xf32>')
            resources.append(f'{name}_t: "{blob(t)}"')
            extra += " column_scales %t"
            types.append(f"tensor<{k}xf32>")
        if b is not None:
            ops.append(f'  %b = tern.constant dense_resource<{name}_b> : tensor<{n}xf32>')
            resources.append(f'{name}_b: "{blob(b)}"')
            extra += " bias %b"
            types.append(f"tensor<{n}xf32>")
        fmt = f"#tern.group_quantized<bits = {bits}, group = {group}, column_scales = {'true' if t is not None else 'false'}>"
        ops.append(f'  %y = tern.quantized_linear {operands}{extra} {{weight_format = {fmt}}} : '
                   f'({", ".join(types)}) -> tensor<?x{n}xf32>')
        funcs.append(f"func.func @{name}(%x: tensor<?x{k}xf32>) -> tensor<?x{n}xf32> {{\n" + "\n".join(ops) +
                     f"\n  return %y : tensor<?x{n}xf32>\n}}")
        w = (scales.astype(np.float64)[:, np.arange(k) // group] *
             (codes - zeros.astype(np.float64)[:, np.arange(k) // group]))
        if t is not None:
            w = w * t.astype(np.float64)
        rng = np.random.default_rng(1)
        for m in ROWS:
            x = rng.standard_normal((m, k)).astype(np.float32)
            y = x.astype(np.float64) @ w.T
            if b is not None:
                y = y + b
            np.save(os.path.join(out, f"{name}_m{m}_in.npy"), x)
            np.save(os.path.join(out, f"{name}_m{m}_out.npy"), y.astype(np.float32))
    with open(os.path.join(out, "quantized.mlir"), "w") as f:
        f.write("\n\n".join(funcs) + "\n\n{-#\n  dialect_resources: { builtin: {\n    " +
                ",\n    ".join(resources) + "\n  } }\n#-}\n")


def check(out, artifact):
    failures, total = [], 0
    for name in CASES:
        for m in ROWS:
            total += 1
            run = subprocess.run(["ternion-run", artifact, "--function", name,
                                  "--input", os.path.join(out, f"{name}_m{m}_in.npy"),
                                  "--expected", os.path.join(out, f"{name}_m{m}_out.npy"),
                                  "--rtol", "1e-4", "--atol", "1e-4"], capture_output=True, text=True)
            if run.returncode != 0:
                failures.append(f"{name} m={m}: {run.stdout.strip()} {run.stderr.strip()}")
    for f in failures:
        print("FAIL", f)
    print(f"{total - len(failures)}/{total} cases match")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    if sys.argv[1] == "emit":
        emit(sys.argv[2])
    else:
        check(sys.argv[2], sys.argv[3])
