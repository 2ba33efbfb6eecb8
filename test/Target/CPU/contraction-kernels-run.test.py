# Writes the model and the numpy references of contraction-kernels-run.test:
# linear and matmul functions whose N and K are not multiples of the kernel
# tiles (16-lane vectors, 4x4 and 8x32 register tiles, 128x32 output tiles,
# 1024-deep (linear) and 256-deep (matmul) K blocks), each run for M = 1, 2,
# 5, 7, 33 and 130 rows.
import sys

import numpy as np

out = sys.argv[1]
rng = np.random.default_rng(7)


def rand(*shape):
    return rng.uniform(-1, 1, shape).astype(np.float32)


def dense(a):
    return "dense<[" + ", ".join(
        "[" + ", ".join(f"{v:.8e}" for v in row) + "]" for row in a.reshape(a.shape[0], -1)
    ) + "]>" if a.ndim == 2 else "dense<[" + ", ".join(f"{v:.8e}" for v in a) + "]>"


def ttype(shape):
    return "tensor<" + "x".join("?" if d is None else str(d) for d in shape) + "xf32>"


w_bias, b_bias = rand(67, 19), rand(67)
w_3d = rand(130, 100)
w_long = rand(20, 1030)
b_big = rand(300, 130)
b_3d = rand(40, 70)
w_pbias, b_pbias = rand(64, 19), rand(64)
w_p3d = rand(192, 301)
w_pk1 = rand(64, 1)
functions = {
    # tern.linear with a bias: N = 67, K = 19 (tails in M, N and K).
    "lin_bias": ([(None, 19)], lambda x: x @ w_bias.T + b_bias, f"""
  %w = tern.constant {dense(w_bias)} : {ttype((67, 19))}
  %b = tern.constant {dense(b_bias)} : {ttype((67,))}
  %y = tern.linear %x0, %w, %b : ({ttype((None, 19))}, {ttype((67, 19))}, {ttype((67,))}) -> {ttype((None, 67))}"""),
    # 3-D input (flattened leading dims), N = 130, K = 100.
    "lin_3d": ([(2, None, 100)], lambda x: x @ w_3d.T, f"""
  %w = tern.constant {dense(w_3d)} : {ttype((130, 100))}
  %y = tern.linear %x0, %w : ({ttype((2, None, 100))}, {ttype((130, 100))}) -> {ttype((2, None, 130))}"""),
    # K = 1030: a full 1024-deep K block, then a block of only the tail.
    "lin_long": ([(None, 1030)], lambda x: x @ w_long.T, f"""
  %w = tern.constant {dense(w_long)} : {ttype((20, 1030))}
  %y = tern.linear %x0, %w : ({ttype((None, 1030))}, {ttype((20, 1030))}) -> {ttype((None, 20))}"""),
    # The weight as an input; every size a multiple of the tiles except M.
    "lin_exact": ([(None, 64), (64, 64)], lambda x, w: x @ w.T, f"""
  %y = tern.linear %x0, %x1 : ({ttype((None, 64))}, {ttype((64, 64))}) -> {ttype((None, 64))}"""),
    # Weights ternion-compile packs in panels of 64 (N a multiple of 64): one
    # panel with a bias, K = 19; three panels, a 3-D input with K = 301
    # (three K blocks under panel-tile-k=128 in the .test; K ranges with a
    # tail); K = 1. M = 130 runs 6-row and 4-row register tiles, M = 7 and
    # 33 single rows after them, M = 1 the decode tiles (two panels and a
    # partial tile of one, or a lone panel, K split in ranges).
    "lin_panel_bias": ([(None, 19)], lambda x: x @ w_pbias.T + b_pbias, f"""
  %w = tern.constant {dense(w_pbias)} : {ttype((64, 19))}
  %b = tern.constant {dense(b_pbias)} : {ttype((64,))}
  %y = tern.linear %x0, %w, %b : ({ttype((None, 19))}, {ttype((64, 19))}, {ttype((64,))}) -> {ttype((None, 64))}"""),
    "lin_panel_3d": ([(2, None, 301)], lambda x: x @ w_p3d.T, f"""
  %w = tern.constant {dense(w_p3d)} : {ttype((192, 301))}
  %y = tern.linear %x0, %w : ({ttype((2, None, 301))}, {ttype((192, 301))}) -> {ttype((2, None, 192))}"""),
    "lin_panel_k1": ([(None, 1)], lambda x: x @ w_pk1.T, f"""
  %w = tern.constant {dense(w_pk1)} : {ttype((64, 1))}
  %y = tern.linear %x0, %w : ({ttype((None, 1))}, {ttype((64, 1))}) -> {ttype((None, 64))}"""),
    # MatMul: N = 67 (masked column vectors), K = 19.
    "mm_small": ([(None, 19), (19, 67)], lambda a, b: a @ b, f"""
  %y = tern.matmul %x0, %x1 : ({ttype((None, 19))}, {ttype((19, 67))}) -> {ttype((None, 67))}"""),
    # MatMul with K = 300 > one K block, N = 130.
    "mm_big": ([(None, 300)], lambda a: a @ b_big, f"""
  %b = tern.constant {dense(b_big)} : {ttype((300, 130))}
  %y = tern.matmul %x0, %b : ({ttype((None, 300))}, {ttype((300, 130))}) -> {ttype((None, 130))}"""),
    # MatMul of a 3-D activation and a 2-D weight (rows collapse to 2-D).
    "mm_3d": ([(3, None, 40)], lambda a: a @ b_3d, f"""
  %b = tern.constant {dense(b_3d)} : {ttype((40, 70))}
  %y = tern.matmul %x0, %b : ({ttype((3, None, 40))}, {ttype((40, 70))}) -> {ttype((3, None, 70))}"""),
}

with open(f"{out}/kernels.mlir", "w") as f:
    for name, (inputs, ref, body) in functions.items():
        args = ", ".join(f"%x{i}: {ttype(s)}" for i, s in enumerate(inputs))
        result = body.strip().splitlines()[-1].split("-> ")[-1]
        f.write(f"func.func @{name}({args}) -> {result} {{{body}\n  return %y : {result}\n}}\n")
        for m in (1, 2, 5, 7, 33, 130):
            values = [rand(*[m if d is None else d for d in s]) for s in inputs]
            for i, v in enumerate(values):
                np.save(f"{out}/{name}_m{m}_in{i}.npy", v)
            np.save(f"{out}/{name}_m{m}_out.npy", ref(*values).astype(np.float32))
