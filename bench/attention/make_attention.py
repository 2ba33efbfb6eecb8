#!/usr/bin/env python3
"""Writes the attention benchmark's IR (bench/attention/run.sh): one
function per pattern, every head with that pattern, at budgets sized for
CONTEXT tokens to compute about an eighth of the causal keys:

  dense            tern.attention without sparsity (the flash-attention kernel)
  a_shape          sink 128, local CONTEXT/16
  vertical_slash   CONTEXT/64 columns, 100 + CONTEXT/1024 diagonals (the 100
                   local ones merge into one range; each other costs a 64-key
                   range per query block)
  block_sparse     CONTEXT/1024 blocks of 64 per query block
  full             every causal key through the sparse kernel (its per-key
                   speed against the dense kernel's)
  probe_*          the same kernel work with and without an estimate (the
                   diagonal block; block 0 and the diagonal), whose difference
                   is the estimate's time

usage: make_attention.py CONTEXT HEADS KV_HEADS HEAD_DIM > attention.mlir
"""
import sys

context, heads, kv_heads, dim = (int(a) for a in sys.argv[1:5])
patterns = {
    "dense": None,
    "a_shape": f"#tern.a_shape<sink = 128, local = {context // 16}>",
    "vertical_slash": f"#tern.vertical_slash<vertical = {context // 64}, slash = {100 + context // 1024}>",
    "block_sparse": f"#tern.block_sparse<blocks = {max(2, context // 1024)}>",
    "full": f"#tern.a_shape<sink = 0, local = {context}>",
    "probe_diagonal": "#tern.a_shape<sink = 0, local = 1>",
    "probe_vertical_slash": "#tern.vertical_slash<vertical = 0, slash = 1>",
    "probe_sink_diagonal": "#tern.a_shape<sink = 64, local = 1>",
    "probe_block_sparse": "#tern.block_sparse<blocks = 2>",
}
q = f"tensor<1x{heads}x?x{dim}xf32>"
kv = f"tensor<1x{kv_heads}x?x{dim}xf32>"
scale = dim ** -0.5
print(f"// make_attention.py {context} {heads} {kv_heads} {dim}")
for name, pattern in patterns.items():
    attrs = f"scale = {scale:.8e} : f32, causal = true"
    if pattern:
        attrs += (f", sparsity = #tern.sparse_attention<min_tokens = 1024, heads = ["
                  + ", ".join([pattern] * heads) + "]>")
    print(f"func.func @{name}(%q: {q}, %k: {kv}, %v: {kv}) -> {q} {{")
    print(f"  %y = tern.attention %q, %k, %v {{{attrs}}} : ({q}, {kv}, {kv}) -> {q}")
    print(f"  return %y : {q}")
    print("}")
