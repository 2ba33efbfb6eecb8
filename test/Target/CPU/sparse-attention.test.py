# Inputs and numpy references for sparse-attention.test. The reference
# implements the patterns' rules (docs/sparse-attention.md) on its own, in
# float64: per block of 64 queries, the keys a head's pattern keeps, then
# causal softmax attention over those keys only.
import sys

import numpy as np

out = sys.argv[1]
rng = np.random.default_rng(11)
BLOCK = 64
SCALE = 0.25
# The patterns of @sparse in Inputs/sparse-attention.mlir.
PATTERNS = [("a_shape", 64, 128), ("vertical_slash", 40, 102), ("block_sparse", 4, 0),
            ("dense", 0, 0)]
FORCED_VERTICAL, FORCED_SLASH, LAST_QUERIES = 30, 100, 64


def top_k(scores, k):
    """Ascending indices of the k largest entries; -inf never, ties low."""
    order = np.argsort(-scores, kind="stable")
    return np.sort([i for i in order if scores[i] > -np.inf][:k]).astype(int)


def softmax_rows(s):
    s = s - s.max(axis=-1, keepdims=True)
    p = np.exp(s)
    return p / p.sum(axis=-1, keepdims=True)


def estimate_vertical_slash(q, k, nv, ns, offset, mask):
    S, T = q.shape[0], k.shape[0]
    last = min(LAST_QUERIES, S)
    positions = np.arange(S - last, S) + offset
    s = SCALE * q[S - last:] @ k.T + mask[S - last:]
    s[np.arange(T)[None, :] > positions[:, None]] = -np.inf
    a = softmax_rows(s)
    vertical = a.sum(axis=0)
    slash = np.zeros(T)
    for r, p in enumerate(positions):
        slash[p - np.arange(p + 1)] += a[r, :p + 1]
    vertical[:min(FORCED_VERTICAL, nv)] = np.inf
    slash[:min(FORCED_SLASH, ns)] = np.inf
    return top_k(vertical, nv), top_k(slash, ns)


def estimate_block_sparse(q, k, budget, offset):
    S, T = q.shape[0], k.shape[0]
    pool = lambda x: np.stack([x[i:i + BLOCK].mean(axis=0) for i in range(0, len(x), BLOCK)])
    scores = pool(q) @ pool(k).T
    chosen = []
    for row in range(scores.shape[0]):
        p0 = row * BLOCK + offset
        p1 = min(row * BLOCK + BLOCK, S) - 1 + offset
        r = scores[row].copy()
        cols = np.arange(len(r))
        r[(cols == 0) | (cols >= p0 // BLOCK)] = np.inf
        r[cols > p1 // BLOCK] = -np.inf
        chosen.append(top_k(r, budget))
    return chosen


def allowed_keys(pattern, q, k, offset, mask):
    """[S, T] booleans: the keys each query attends to."""
    kind, first, second = pattern
    S, T = q.shape[0], k.shape[0]
    allowed = np.zeros((S, T), bool)
    if kind == "vertical_slash":
        verticals, slashes = estimate_vertical_slash(q, k, first, second, offset, mask)
    if kind == "block_sparse":
        blocks = estimate_block_sparse(q, k, first, offset)
    for row in range(0, S, BLOCK):
        rows = slice(row, min(row + BLOCK, S))
        p0, p1 = row + offset, min(row + BLOCK, S) - 1 + offset
        keep = np.zeros(T, bool)
        if kind == "dense":
            keep[:p1 + 1] = True
        elif kind == "a_shape":
            keep[:min(first, p1 + 1)] = True
            keep[max(0, p0 - second + 1):p1 + 1] = True
        elif kind == "block_sparse":
            for b in blocks[row // BLOCK]:
                keep[b * BLOCK:min(b * BLOCK + BLOCK, p1 + 1)] = True
        else:
            for d in slashes:
                keep[max(0, p0 - d):max(0, p1 - d + 1)] = True
            keep[verticals[verticals <= p1]] = True
        allowed[rows] = keep
    causal = np.arange(T)[None, :] <= (np.arange(S)[:, None] + offset)
    return allowed & causal


def attention(q, k, v, patterns, mask=None):
    S, T = q.shape[2], k.shape[2]
    group = q.shape[1] // k.shape[1]
    mask = np.zeros((S, T)) if mask is None else mask[0, 0].astype(np.float64)
    y = np.zeros(q.shape[:3] + (v.shape[3],))
    for h, pattern in enumerate(patterns):
        qh, kh, vh = (x.astype(np.float64) for x in (q[0, h], k[0, h // group], v[0, h // group]))
        allowed = allowed_keys(pattern, qh, kh, T - S, mask)
        s = np.where(allowed, SCALE * qh @ kh.T + mask, -np.inf)
        y[0, h] = softmax_rows(s) @ vh
    return y.astype(np.float32)


def inputs(S, T):
    # Structure for the estimates to find, on top of noise: a direction u
    # (coordinate 0) that every query has, some key columns of kv head 0 and
    # some key blocks of kv head 1 strongly along u (verticals, blocks), and
    # keys of kv head 0 that repeat head 1's queries 150 and 300 positions
    # later (slashes).
    q = rng.standard_normal((1, 4, S, 16)).astype(np.float32)
    k = rng.standard_normal((1, 2, T, 16)).astype(np.float32)
    v = rng.standard_normal((1, 2, T, 8)).astype(np.float32)
    q[..., 0], k[..., 0] = 4.0, 0.0
    for column in rng.choice(np.arange(40, T), 10, replace=False):
        k[0, 0, column, 0] = 4.0
    for block, strength in [(2, 3.0), (5, 2.0), (7, 1.0)]:
        k[0, 1, block * BLOCK:(block + 1) * BLOCK, 0] = strength
    offset = T - S
    for lag in (150, 300):
        for key in range(T):
            p = key + lag - offset
            if 0 <= p < S:
                direction = q[0, 1, p, 1:] / np.linalg.norm(q[0, 1, p, 1:])
                k[0, 0, key, 1:] = 0.3 * k[0, 0, key, 1:] + 4.0 * direction
    return q, k, v


def case(name, S, T, sparse=True):
    q, k, v = inputs(S, T)
    for key, value in {"q": q, "k": k, "v": v}.items():
        np.save(f"{out}/{name}_{key}.npy", value)
    dense = attention(q, k, v, [("dense", 0, 0)] * 4)
    y = attention(q, k, v, PATTERNS) if sparse else dense
    if sparse:
        # Every sparse head must change the answer, or the test proves nothing.
        changed = np.abs(y - dense).max(axis=(0, 2, 3))
        assert (changed[:3] > 1e-3).all() and changed[3] == 0, changed
    np.save(f"{out}/{name}_y.npy", y)
    return dense


np.save(f"{out}/dense_y.npy", case("prompt", 640, 640))   # 10 query blocks


def masked_case(name, S, T):
    # The exported form: the lowest float above the diagonal, and a few
    # keys forbidden to everyone (-inf), as padding would be.
    q, k, v = inputs(S, T)
    future = np.arange(T)[None, :] > (np.arange(S)[:, None] + (T - S))
    mask = np.where(future, np.finfo(np.float32).min, 0).astype(np.float32)
    mask[:, 70:75] = -np.inf
    mask = mask[None, None]
    for key, value in {"q": q, "k": k, "v": v, "mask": mask}.items():
        np.save(f"{out}/{name}_{key}.npy", value)
    np.save(f"{out}/{name}_y.npy", attention(q, k, v, PATTERNS, mask))


masked_case("masked", 640, 640)
np.save(f"{out}/step_dense_y.npy", case("step", 200, 640))  # queries at 440..639
case("short", 100, 100, sparse=False)                       # below min_tokens: dense
