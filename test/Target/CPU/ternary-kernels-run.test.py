# Writes the model and the exact numpy references of ternary-kernels-run.test:
# tern.ternary_linear functions whose K and N leave remainders in every
# block (64-lane i2 blocks are 256 weights, base3 blocks up to 320), register
# tile (4 x 4) and output tile (64 x 64), run for M = 1, 3, 17 and 70 rows;
# one row of zeros (the eps clamp) and rows with values that land on .5
# after scaling (round half to even). The reference is computed in numpy in
# the op's own order, f32 at every step and the sum exact in integers, so a
# correct kernel matches it bit for bit (--atol 0 --rtol 0). The codes are
# packed here independently of Ternion's TernaryCodes.cpp.
import sys

import numpy as np

out = sys.argv[1]
rng = np.random.default_rng(17)
f32 = np.float32


def pack(t, packing):
    """[N, K] in {-1, 0, 1} -> [N, bytes] uint8, #tern.ternary<packing> (lanes = 1)."""
    per = 4 if packing == "i2" else 5
    n, k = t.shape
    kp = -(-k // per) * per
    digits = np.ones((n, kp), np.int64)
    digits[:, :k] = t + 1
    digits = digits.reshape(n, kp // per, per)
    if packing == "i2":
        weights = np.array([1, 4, 16, 64])
    else:
        weights = np.array([1, 3, 9, 27, 81])
    return (digits * weights).sum(-1).astype(np.uint8)


def reference(x, t, scale, eps, bias=None):
    x2 = x.reshape(-1, x.shape[-1])
    amax = np.abs(x2).max(-1)
    s = f32(127) * (f32(1) / np.maximum(amax, f32(eps)))
    q = np.clip(np.rint(x2 * s[:, None]), -128, 127).astype(np.int64)
    acc = q @ t.T.astype(np.int64)
    y = (acc.astype(f32) * f32(scale)) / s[:, None]
    if bias is not None:
        y = y + bias
    return y.astype(f32).reshape(*x.shape[:-1], t.shape[0])


def ttype(shape, element="f32"):
    return "tensor<" + "x".join("?" if d is None else str(d) for d in shape) + "x" + element + ">"


def dense_i8(a):
    return "dense<[" + ", ".join("[" + ", ".join(str(int(v)) for v in row.view(np.int8)) + "]"
                                 for row in a) + "]>"


def dense_f32(a):
    return "dense<[" + ", ".join(f"{v:.9e}" for v in a) + "]>"


layers = {
    # name: (input shape with None for M, N, packing, bias, eps)
    "t_small": ((None, 19), 5, "i2", False, 1e-5),
    "t_3d": ((2, None, 300), 67, "i2", False, 1e-5),
    "t_bias": ((None, 1000), 130, "i2", True, 1e-3),
    "t_base3": ((None, 333), 37, "base3", False, 1e-5),
    "t_base3_wide": ((None, 2048), 70, "base3", True, 1e-5),
}
if len(sys.argv) > 2 and sys.argv[2] == "lut":
    # ternary-lut-kernels-run.test: i2 codes whose N tiles in 16, 32 or 64
    # rows (the lookup-table layout); K with a partial pair, a partial byte,
    # and code columns past one i16 chunk (K = 2050: 513 columns); t_odd's
    # N = 70 keeps the multiply-add kernel.
    layers = {
        "t_small": ((None, 19), 16, "i2", False, 1e-5),
        "t_3d": ((2, None, 301), 48, "i2", False, 1e-5),
        "t_bias": ((None, 1000), 160, "i2", True, 1e-3),
        "t_wide": ((None, 2050), 192, "i2", True, 1e-5),
        "t_odd": ((None, 64), 70, "i2", False, 1e-5),
    }

with open(f"{out}/ternary.mlir", "w") as f:
    for name, (shape, n, packing, has_bias, eps) in layers.items():
        k = shape[-1]
        t = rng.integers(-1, 2, (n, k))
        scale = f32(rng.uniform(0.01, 0.1))
        bias = rng.uniform(-1, 1, n).astype(f32) if has_bias else None
        codes = pack(t, packing)
        out_shape = shape[:-1] + (n,)
        args = f"%x: {ttype(shape)}"
        body = f"  %c = tern.constant {dense_i8(codes)} : {ttype(codes.shape, 'i8')}\n"
        operands = "%x, %c"
        types = f"{ttype(shape)}, {ttype(codes.shape, 'i8')}"
        if has_bias:
            body += f"  %b = tern.constant {dense_f32(bias)} : {ttype((n,))}\n"
            operands += ", %b"
            types += f", {ttype((n,))}"
        body += (f"  %y = tern.ternary_linear {operands} {{weight_format = #tern.ternary<{packing}>, "
                 f"weight_scale = {scale:.9e} : f32, input_eps = {eps:.9e} : f32}} : "
                 f"({types}) -> {ttype(out_shape)}\n")
        f.write(f"func.func @{name}({args}) -> {ttype(out_shape)} {{\n{body}"
                f"  return %y : {ttype(out_shape)}\n}}\n")
        for m in (1, 3, 17, 70):
            x = rng.uniform(-2, 2, [m if d is None else d for d in shape]).astype(f32)
            flat = x.reshape(-1, k)
            if flat.shape[0] >= 3:
                flat[1] = 0  # all zero: s = 127 / eps, q = 0
                # amax = 127 makes s = 1: halves round to even.
                flat[2, :] = rng.integers(-60, 60, k) + f32(0.5)
                flat[2, 0] = 127
            np.save(f"{out}/{name}_m{m}_in.npy", x)
            np.save(f"{out}/{name}_m{m}_out.npy",
                    reference(x, t, scale, f32(eps), bias))
