#!/usr/bin/python3
"""NumPy reference for tern-quantize (RTN and SINQ), written from the paper's algorithm.

  quantizer_reference.py emit CASE OUT.mlir      write a function with one linear layer
  quantizer_reference.py check CASE METHOD BITS GROUP QUANTIZED.mlir
                                                 compare the pass's codes, scales, zeros
                                                 and column scales with NumPy's

CASE: random (48 x 200: a partial last group, outlier columns and rows) or
real:MODEL_DIR (the llama fixture's first up_proj weight, [512, 256]).
"""
import os
import re
import sys

import numpy as np


def weight(case):
    if case == "random":
        rng = np.random.default_rng(7)
        w = rng.standard_normal((48, 200)) * 0.05
        w[:, 3] *= 12.0    # an outlier column
        w[5, :] *= 6.0     # an outlier row
        return w.astype(np.float32)
    if case.startswith("real:"):
        import onnx
        from onnx import numpy_helper
        graph = onnx.load(os.path.join(case[5:], "model.onnx")).graph
        inits = {i.name: i for i in graph.initializer}
        mats = [n.input[1] for n in graph.node if n.op_type == "MatMul" and n.input[1] in inits]
        return numpy_helper.to_array(inits[mats[5]]).T.astype(np.float32).copy()  # layer 0 up_proj
    sys.exit(f"unknown case {case}")


def emit(case, out):
    w = weight(case)
    n, k = w.shape
    blob = "0x04000000" + w.astype("<f4").tobytes().hex().upper()
    with open(out, "w") as f:
        f.write(f"""func.func @layer(%x: tensor<?x{k}xf32>) -> tensor<?x{n}xf32> {{
  %w = tern.constant dense_resource<weight> : tensor<{n}x{k}xf32>
  %y = tern.linear %x, %w : (tensor<?x{k}xf32>, tensor<{n}x{k}xf32>) -> tensor<?x{n}xf32>
  return %y : tensor<?x{n}xf32>
}}
{{-#
  dialect_resources: {{ builtin: {{ weight: "{blob}" }} }}
#-}}
""")


def std(a, axis):
    return a.std(axis=axis, ddof=1)


def sinkhorn(m, steps=16):
    """The paper's balancing: returns (column scales, row scales) of least imbalance."""
    clip = lambda s: np.clip(s, 1e-3, 1e3)  # noqa: E731

    def imbalance(a):
        s1, s2 = std(a, 1), std(a, 0)
        return max(s1.max(), s2.max()) / max(min(s1.min(), s2.min()), 1e-12)

    target = min(clip(std(m, 1)).min(), clip(std(m, 0)).min()) + 1e-6
    log_col = np.zeros(m.shape[1])
    log_row = np.zeros((m.shape[0], 1))
    best = imbalance(m)
    col, row = np.ones(m.shape[1]), np.ones((m.shape[0], 1))
    gate = 0.0
    for _ in range(steps):
        cur = m / np.exp(log_col) / np.exp(log_row)
        ib = imbalance(cur)
        if ib <= best:
            best, col, row = ib, np.exp(log_col), np.exp(log_row)
        if ib > best:
            gate = 1.0
        g = 1.0 - gate
        log_col = np.clip(log_col + np.log(np.clip(clip(std(cur, 0)) / target, 0.7, 2.0)) * g, -0.3, 10.0)
        log_row = np.clip(log_row + np.log(np.clip(clip(std(cur, 1))[:, None] / target, 0.7, 2.0)) * g, -0.3, 10.0)
    return col, row[:, 0]


def quantize(w, method, bits, group):
    w = w.astype(np.float64)
    n, k = w.shape
    groups = -(-k // group)
    max_code = 2 ** bits - 1
    codes = np.zeros((n, groups * group), dtype=np.int64)
    scales = np.zeros((n, groups), dtype=np.float16)
    zeros = np.zeros((n, groups), dtype=np.float16)
    t = np.ones(k, dtype=np.float32)
    for g in range(groups):
        tile = w[:, g * group:(g + 1) * group]
        if method == "sinq":
            col, row = sinkhorn(tile)
        else:
            col, row = np.ones(tile.shape[1]), np.ones(n)
        t[g * group:g * group + tile.shape[1]] = col.astype(np.float32)
        norm = tile / col / row[:, None]
        lo, hi = norm.min(1), norm.max(1)
        scale = np.maximum(hi - lo, 1e-4) / max_code
        zero = -np.round(lo / scale)
        scales[:, g] = (scale * row).astype(np.float32).astype(np.float16)
        zeros[:, g] = zero.astype(np.float32).astype(np.float16)
        s = scales[:, g].astype(np.float64)[:, None]
        z = zeros[:, g].astype(np.float64)[:, None]
        v = tile / t[g * group:g * group + tile.shape[1]].astype(np.float64)
        codes[:, g * group:g * group + tile.shape[1]] = np.clip(np.round(v / s + z), 0, max_code)
    return codes[:, :k], scales, zeros, t


def dequantize(codes, scales, zeros, t, group):
    g = np.arange(codes.shape[1]) // group
    return scales.astype(np.float64)[:, g] * (codes - zeros.astype(np.float64)[:, g]) * t


def unpack(raw, n, row_bytes, k, bits):
    rows = np.frombuffer(raw, dtype=np.uint8).reshape(n, row_bytes)
    bitstream = np.unpackbits(rows, axis=1, bitorder="little")
    weights = 2 ** np.arange(bits)
    return (bitstream[:, :k * bits].reshape(n, k, bits) * weights).sum(-1)


def resources(path):
    text = open(path).read()
    blobs = dict(re.findall(r'(\w+): "0x([0-9A-Fa-f]+)"', text))
    # 4 bytes of alignment come first.
    return {name: bytes.fromhex(h)[4:] for name, h in blobs.items()}


def check(case, method, bits, group, path):
    bits, group = int(bits), int(group)
    w = weight(case)
    n, k = w.shape
    want_codes, want_scales, want_zeros, want_t = quantize(w, method, bits, group)
    blobs = resources(path)
    groups = -(-k // group)
    row_bytes = groups * group * bits // 8
    got_codes = unpack(blobs["quantized"], n, row_bytes, k, bits)
    got_scales = np.frombuffer(blobs["scales"], dtype=np.float16).reshape(n, groups)
    got_zeros = np.frombuffer(blobs["zeros"], dtype=np.float16).reshape(n, groups)
    if method == "sinq":
        got_t = np.frombuffer(blobs["column_scales"], dtype=np.float32)
        t_err = float(np.abs(got_t / want_t - 1).max())
    else:
        if "column_scales" in blobs:
            sys.exit("rtn wrote column scales")
        got_t, t_err = np.ones(k, dtype=np.float32), 0.0
    codes_equal = float((got_codes == want_codes).mean())
    scales_equal = float((got_scales == want_scales).mean())
    zeros_equal = float((got_zeros == want_zeros).mean())
    got_w = dequantize(got_codes, got_scales, got_zeros, got_t, group)
    want_w = dequantize(want_codes, want_scales, want_zeros, want_t, group)
    err_got = float(np.sqrt(((got_w - w) ** 2).mean() / (w.astype(np.float64) ** 2).mean()))
    err_want = float(np.sqrt(((want_w - w) ** 2).mean() / (w.astype(np.float64) ** 2).mean()))
    rtn_w = dequantize(*quantize(w, "rtn", bits, group), group)
    err_rtn = float(np.sqrt(((rtn_w - w) ** 2).mean() / (w.astype(np.float64) ** 2).mean()))
    print(f"{case} {method} {bits}-bit group {group}: codes equal {codes_equal:.5f}, scales equal "
          f"{scales_equal:.5f}, zeros equal {zeros_equal:.5f}, column scales rel err {t_err:.2e}; "
          f"relative RMS error {err_got:.5f} (NumPy {err_want:.5f}, NumPy RTN {err_rtn:.5f})")
    ok = (codes_equal >= 0.999 and scales_equal >= 0.999 and zeros_equal >= 0.999 and t_err < 1e-5
          and abs(err_got - err_want) <= 1e-3 * err_want)
    print("MATCH" if ok else "MISMATCH")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    if sys.argv[1] == "emit":
        emit(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "check":
        check(*sys.argv[2:7])
    else:
        sys.exit(__doc__)
