# Random inputs and numpy references for flash-attention.test: lengths that
# span several 64-query tiles and 64-key blocks, with partial last blocks.
import sys

import numpy as np

out = sys.argv[1]
rng = np.random.default_rng(7)


def attention(q, k, v, mask, scale, causal=True):
    group = q.shape[1] // k.shape[1]
    k = np.repeat(k, group, axis=1)
    v = np.repeat(v, group, axis=1)
    s = scale * (q.astype(np.float64) @ k.transpose(0, 1, 3, 2))
    S, T = q.shape[2], k.shape[2]
    if mask is not None:
        s = s + mask
    if causal:
        future = np.arange(T)[None, :] > (np.arange(S)[:, None] + (T - S))
        s = np.where(future, -np.inf, s)
    s = s - s.max(axis=-1, keepdims=True)
    p = np.exp(s)
    return ((p / p.sum(axis=-1, keepdims=True)) @ v).astype(np.float32)


def case(name, S, T, with_mask):
    q = rng.standard_normal((1, 4, S, 16), dtype=np.float32)
    k = rng.standard_normal((1, 2, T, 16), dtype=np.float32)
    v = rng.standard_normal((1, 2, T, 8), dtype=np.float32)
    arrays = {"q": q, "k": k, "v": v}
    mask = None
    if with_mask:
        # Finite penalties plus fully blocked keys (-inf), as padding masks do.
        mask = rng.uniform(-2, 0, (1, 1, S, T)).astype(np.float32)
        mask[..., 5:9] = -np.inf
        arrays["mask"] = mask
    for key, value in arrays.items():
        np.save(f"{out}/{name}_{key}.npy", value)
    np.save(f"{out}/{name}_y.npy", attention(q, k, v, mask, 0.25))


def graph_mask_case(name, S, T, padding, batch=1, forbid=None):
    # How exported models pass causality: no causal flag, a mask holding the
    # lowest f32 (or `forbid`) above the diagonal and on `padding[b]`
    # left-padded keys of batch b (whose own query rows are then fully
    # masked: the unfused graph averages V over every key there, and so must
    # the lowering that skips blocks). With batch > 1 the mask is per batch
    # and per head ([B, H, S, T]; head h also forbids keys 40h .. 40h + 9).
    q = rng.standard_normal((batch, 4, S, 16), dtype=np.float32)
    k = rng.standard_normal((batch, 2, T, 16), dtype=np.float32)
    v = rng.standard_normal((batch, 2, T, 8), dtype=np.float32)
    lowest = np.finfo(np.float32).min if forbid is None else forbid
    future = np.arange(T)[None, :] > (np.arange(S)[:, None] + (T - S))
    if batch == 1:
        mask = np.where(future, lowest, 0).astype(np.float32)
        mask[:, :padding] = lowest
        mask = mask[None, None]
    else:
        mask = np.zeros((batch, 4, S, T), np.float32)
        mask[:, :, future] = lowest
        for b in range(batch):
            mask[b, :, :, :padding[b]] = lowest
            for h in range(4):
                mask[b, h, :, 40 * h + 10:40 * h + 20] = lowest
    arrays = {"q": q, "k": k, "v": v, "mask": mask}
    for key, value in arrays.items():
        np.save(f"{out}/{name}_{key}.npy", value)
    # In float32, s + lowest rounds to lowest: a fully masked row is uniform.
    s = (0.25 * (q @ np.repeat(k, 2, axis=1).transpose(0, 1, 3, 2)) + mask).astype(np.float32)
    s = s - s.max(axis=-1, keepdims=True)
    p = np.exp(s.astype(np.float64))
    y = (p / p.sum(axis=-1, keepdims=True)) @ np.repeat(v, 2, axis=1)
    np.save(f"{out}/{name}_y.npy", y.astype(np.float32))


case("prefill", 150, 150, False)   # full sequence: 5 query tiles, 3 key blocks
case("step", 40, 170, True)        # a KV-cache step with a mask
case("decode", 1, 200, True)       # one query: the decode tiling
case("decode_long", 1, 1100, True)  # decode over two full 512-key blocks and a tail
graph_mask_case("graph", 200, 200, 3)       # 7 query tiles, 4 key blocks, 3 padding rows
graph_mask_case("graph_step", 40, 170, 0)   # a KV-cache step: the diagonal mid-block
graph_mask_case("graph_inf", 150, 150, 0, forbid=-np.inf)          # -inf instead of lowest
graph_mask_case("graph_batch", 130, 130, [0, 5], batch=2)          # per batch and head
