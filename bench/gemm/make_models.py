#!/usr/bin/python3
"""Writes the models of the GEMM/GEMV benchmark into OUT_DIR (never committed).

  /usr/bin/python3 bench/gemm/make_models.py OUT_DIR

Every model has a symbolic row count M, so one model serves the GEMM (M = 512)
and the GEMV (M = 1) cases of its shape. Each is written twice, as ONNX for ONNX
Runtime and as tern .mlir for Ternion (ternion-compile does not run tern-optimize
on ONNX input today, so a Gemm would not become tern.linear; see
docs/performance.md); both hold the same weights:
  linear_K_N       Y[M, N] = X[M, K] W[N, K]^T, W a constant: ONNX Gemm with
                   transB=1 (torch's nn.Linear export), tern.linear with a
                   dense_resource weight (moved to weights.bin); the LLM case.
  matmul_K_N       Y = A[M, K] @ B[K, N], both inputs: MatMul, tern.matmul.
Also writes linear_K_N.wt.bin (W, [N, K] f32, for the C++ baseline and the
error check) and OUT_DIR/cases.tsv: name, model, kind, M, N, K for the driver.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(0)


def save(model, path):
    model.opset_import[0].version = 17
    onnx.checker.check_model(model)
    onnx.save(model, path)


def linear(k, n):
    w = rng.uniform(-1, 1, (n, k)).astype(np.float32) / np.sqrt(k)
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["X", "W"], ["Y"], transB=1)], f"linear_{k}_{n}",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["M", k])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["M", n])],
        [numpy_helper.from_array(w, "W")])
    save(helper.make_model(graph), f"{out}/linear_{k}_{n}.onnx")
    with open(f"{out}/linear_{k}_{n}.mlir", "w") as f:
        f.write(f"""func.func @main(%x: tensor<?x{k}xf32> {{tern.name = "X", tern.dim_params = ["M", ""]}}) -> (tensor<?x{n}xf32> {{tern.name = "Y"}}) {{
  %w = tern.constant dense_resource<W> : tensor<{n}x{k}xf32>
  %y = tern.linear %x, %w : (tensor<?x{k}xf32>, tensor<{n}x{k}xf32>) -> tensor<?x{n}xf32>
  return %y : tensor<?x{n}xf32>
}}
{{-#
  dialect_resources: {{ builtin: {{ W: "0x04000000{w.tobytes().hex()}" }} }}
#-}}
""")
    # The weight as tern.linear keeps it ([N, K]), for the driver's baseline.
    w.tofile(f"{out}/linear_{k}_{n}.wt.bin")
    return f"linear_{k}_{n}"


def matmul(k, n):
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["A", "B"], ["Y"])], f"matmul_{k}_{n}",
        [helper.make_tensor_value_info("A", TensorProto.FLOAT, ["M", k]),
         helper.make_tensor_value_info("B", TensorProto.FLOAT, [k, n])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["M", n])])
    save(helper.make_model(graph), f"{out}/matmul_{k}_{n}.onnx")
    with open(f"{out}/matmul_{k}_{n}.mlir", "w") as f:
        f.write(f"""func.func @main(%a: tensor<?x{k}xf32> {{tern.name = "A", tern.dim_params = ["M", ""]}}, %b: tensor<{k}x{n}xf32> {{tern.name = "B"}}) -> (tensor<?x{n}xf32> {{tern.name = "Y"}}) {{
  %y = tern.matmul %a, %b : (tensor<?x{k}xf32>, tensor<{k}x{n}xf32>) -> tensor<?x{n}xf32>
  return %y : tensor<?x{n}xf32>
}}
""")
    return f"matmul_{k}_{n}"


cases = []
for s in (256, 512, 1024):
    cases.append((f"gemm_sq{s}", matmul(s, s), "gemm", s, s, s))
for k, n in ((768, 2048), (768, 768), (2048, 768)):
    model = linear(k, n)
    cases.append((f"gemm_m512_k{k}_n{n}", model, "gemm", 512, n, k))
    cases.append((f"gemv_k{k}_n{n}", model, "gemv", 1, n, k))
model = linear(4096, 4096)
cases.append(("gemv_k4096_n4096", model, "gemv", 1, 4096, 4096))
with open(f"{out}/cases.tsv", "w") as f:
    for case in cases:
        f.write("\t".join(map(str, case)) + "\n")
