#!/usr/bin/env python3
"""Generates the numeric run tests of the compute lowerings
(test/Conversion/{reduction,contraction,normalization,quantization,attention}-run.mlir):
tern ops on constant inputs, lowered with --tern-lower-to-llvm and run by
mlir-runner; the CHECK lines are computed here with numpy, independently of
the compiler. Usage: /usr/bin/python3 gen_compute_run_tests.py test/Conversion
"""
import sys

import numpy as np

MLIR_TYPE = {np.float32: "f32", np.int64: "i64", np.int32: "i32", np.int8: "i8", np.uint8: "ui8"}


def ty(dtype):
    return MLIR_TYPE[np.dtype(dtype).type]


def tensor_type(shape, dtype):
    return "tensor<" + "".join(f"{d}x" for d in shape) + ty(dtype) + ">"


def literal(a):
    if a.dtype == np.float32:
        fmt = lambda v: repr(float(v)) if np.isfinite(v) else ("0xFF800000" if v < 0 else "0x7F800000")
    else:
        fmt = lambda v: str(int(v))
    def rec(x):
        if x.ndim == 0:
            return fmt(x)
        return "[" + ", ".join(rec(e) for e in x) + "]"
    return "dense<" + rec(a) + ">"


def float_regex(v):
    if np.isnan(v):
        return "-?nan"
    if np.isinf(v):
        return "-inf" if v < 0 else "inf"
    s = "%.6g" % v
    if "e" in s:
        mant, exp = s.split("e")
        return mant[:4].replace(".", "\\.") + "[0-9.]*e" + exp.replace("+", "\\+")
    # Keep 4 significant digits; the rest may differ (rounding), but the
    # magnitude may not.
    out, sig, truncated, int_digits_left = "", 0, False, 0
    int_part = s.split(".")[0].lstrip("-")
    for i, ch in enumerate(s):
        if ch.isdigit():
            if sig == 0 and ch == "0":
                out += ch
                continue
            if sig >= 4:
                truncated = True
                if "." not in out:
                    int_digits_left = len(int_part) - len(out.lstrip("-"))
                break
            sig += 1
        out += "\\." if ch == "." else ch
    if out in ("0", "-0"):
        return "-?0"
    if not truncated:
        return out + ("[0-9]*" if "." in out else "(\\.[0-9]+)?")
    if int_digits_left:
        return out + "[0-9]{%d}(\\.[0-9]+)?" % int_digits_left
    return out + "[0-9]*"


def check_lines(a):
    a = np.asarray(a)
    lines = [f"// CHECK: rank = {a.ndim} offset = 0 sizes = [{', '.join(map(str, a.shape))}]"]
    rows = a.reshape(-1, a.shape[-1]) if a.ndim > 0 else a.reshape(1, 1)
    for row in rows:
        if a.dtype.kind == "f":
            vals = [float_regex(float(v)) for v in row]
        else:
            vals = [str(int(v)) for v in row]
        lines.append("// CHECK-NEXT: {{^ *\\[*}}{{" + ", +".join(vals) + "}}{{\\]+,? *$}}")
    return lines


class RunTest:
    def __init__(self, header):
        self.header = header
        self.body = []
        self.checks = []
        self.n = 0

    def value(self, a, dynamic=()):
        """Constant for `a`; dims in `dynamic` become ? through tensor.cast."""
        a = np.asarray(a)
        name = f"%v{self.n}"
        self.n += 1
        t = tensor_type(a.shape, a.dtype)
        self.body.append(f"  {name} = arith.constant {literal(a)} : {t}")
        if dynamic:
            shape = ["?" if i in dynamic else d for i, d in enumerate(a.shape)]
            dt = tensor_type(shape, a.dtype)
            self.body.append(f"  {name}d = tensor.cast {name} : {t} to {dt}")
            return name + "d", dt
        return name, t

    def op(self, title, text, expected, result_type, extra_results=()):
        """`text` is the op with {r} for the result name; prints result 0
        (and `extra_results`: list of (index, expected, type))."""
        r = f"%r{self.n}"
        self.n += 1
        self.body.append(f"  // {title}")
        self.body.append("  " + text.replace("{r}", r))
        self.checks.append(f"// {title}")
        results = [(r if not extra_results else f"{r}#0", expected, result_type)]
        for idx, exp, t in extra_results:
            results.append((f"{r}#{idx}", exp, t))
        for name, exp, t in results:
            self.print(name, np.asarray(exp), t)
            self.checks += check_lines(np.asarray(exp))

    def print(self, name, exp, t):
        elem = t[t.rindex("x") + 1:-1] if "x" in t else t[7:-1]
        shape_part = t[len("tensor<"):t.rindex(elem)]
        if elem in ("ui8", "i8"):
            # Widen for printing (exercises the unsigned-aware tern.cast).
            t32 = f"tensor<{shape_part}i32>"
            c = f"%p{self.n}"
            self.n += 1
            self.body.append(f"  {c} = tern.cast {name} {{to = i32}} : ({t}) -> {t32}")
            name, t, elem = c, t32, "i32"
        m = f"%m{self.n}"
        u = f"%u{self.n}"
        self.n += 1
        mt = "memref<" + shape_part + elem + ">"
        self.body.append(f"  {m} = bufferization.to_buffer {name} : {t} to {mt}")
        self.body.append(f"  {u} = memref.cast {m} : {mt} to memref<*x{elem}>")
        fn = {"f32": "printMemrefF32", "i64": "printMemrefI64", "i32": "printMemrefI32"}[elem]
        self.body.append(f"  func.call @{fn}({u}) : (memref<*x{elem}>) -> ()")

    def emit(self, path):
        out = [self.header.rstrip(), ""]
        out += ["func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}",
                "func.func private @printMemrefI64(memref<*xi64>) attributes {llvm.emit_c_interface}",
                "func.func private @printMemrefI32(memref<*xi32>) attributes {llvm.emit_c_interface}",
                "", "func.func @main() {"]
        out += self.body
        out += ["  return", "}", ""]
        out += self.checks
        open(path, "w").write("\n".join(out) + "\n")


OUT = sys.argv[1]

# ----------------------------------------------------------------- reduction

HEADER = """// Numeric run test of the reduction lowerings (ReduceSum/Mean/Max, ArgMax,
// CumSum) through the whole CPU pipeline; expected values from numpy
// (generated by Inputs/gen_compute_run_tests.py).
// RUN: ternion-opt %s --tern-lower-to-llvm | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
"""
t = RunTest(HEADER)
x = np.array([[[1.5, -2.0, 3.25, 0.5], [4.0, 4.0, -1.0, 2.0], [0.25, 7.0, -3.5, 1.0]],
              [[-1.0, 2.5, 2.5, -0.75], [3.0, -6.0, 1.5, 1.5], [2.0, 0.0, 5.5, -2.25]]], np.float32)
xv, xt = t.value(x, dynamic=(0,))

def red(op, attrs, ref, rshape_dyn):
    out = ref(x)
    rt = tensor_type(["?" if i in rshape_dyn else d for i, d in enumerate(out.shape)], np.float32)
    t.op(f"{op} {attrs}", f"{{r}} = tern.{op} {xv} {attrs} : ({xt}) -> {rt}", out, rt)

red("reduce_sum", "{axes = [-1]}", lambda a: a.sum(axis=-1, keepdims=True), (0,))
red("reduce_mean", "{axes = [0, 2], keepdims = false}", lambda a: a.mean(axis=(0, 2)), ())
red("reduce_max", "", lambda a: a.max(keepdims=True), ())
red("reduce_max", "{axes = [1], keepdims = false}", lambda a: a.max(axis=1), (0,))
red("reduce_sum", "{noop_with_empty_axes = true}", lambda a: a, (0,))
red("reduce_mean", "{axes = [], keepdims = false}", lambda a: a.mean(), ())

xi = np.array([[3, -7, 3, 1], [-2, -9, -2, -5], [8, 8, 0, 8]], np.int64)
iv, it = t.value(xi, dynamic=(0,))
out = xi.max(axis=0, keepdims=True)
t.op("reduce_max i64", f"{{r}} = tern.reduce_max {iv} {{axes = [0]}} : ({it}) -> tensor<1x4xi64>", out, "tensor<1x4xi64>")
out = xi.sum(axis=1)
t.op("reduce_sum i64", f"{{r}} = tern.reduce_sum {iv} {{axes = [1], keepdims = false}} : ({it}) -> tensor<?xi64>", out, "tensor<?xi64>")

# ArgMax: ties pick the first index unless select_last_index.
def argmax(a, axis, keepdims, last):
    if last:
        r = a.shape[axis] - 1 - np.argmax(np.flip(a, axis), axis=axis)
    else:
        r = np.argmax(a, axis=axis)
    return np.expand_dims(r, axis) if keepdims else r
for axis, kd, last in [(1, True, False), (-1, False, True), (0, True, True), (-1, False, False)]:
    out = argmax(xi, axis, kd, last).astype(np.int64)
    shape = list(out.shape)
    # Dim 0 stays dynamic unless it is the reduced axis.
    rt = tensor_type(["?" if (i == 0 and (axis % 2) != 0) else d for i, d in enumerate(shape)], np.int64)
    attrs = f"{{axis = {axis} : i64, keepdims = {str(kd).lower()}, select_last_index = {str(last).lower()}}}"
    t.op(f"arg_max {attrs}", f"{{r}} = tern.arg_max {iv} {attrs} : ({it}) -> {rt}", out, rt)
out = argmax(x, 1, True, False)
t.op("arg_max f32", f"{{r}} = tern.arg_max {xv} {{axis = 1 : i64}} : ({xt}) -> tensor<?x1x4xi64>", out, "tensor<?x1x4xi64>")

# CumSum
def cumsum(a, axis, exclusive, reverse):
    a = np.flip(a, axis) if reverse else a
    c = np.cumsum(a, axis=axis)
    if exclusive:
        c = c - a
    return np.flip(c, axis) if reverse else c
for axis, ex, rev in [(2, False, False), (1, True, False), (-1, False, True), (2, True, True)]:
    out = cumsum(x, axis, ex, rev).astype(np.float32)
    attrs = f"{{axis = {axis} : i64, exclusive = {str(ex).lower()}, reverse = {str(rev).lower()}}}"
    t.op(f"cumsum {attrs}", f"{{r}} = tern.cumsum {xv} {attrs} : ({xt}) -> {xt}", out, xt)
out = cumsum(xi, 0, False, False)
t.op("cumsum i64", f"{{r}} = tern.cumsum {iv} {{axis = 0 : i64}} : ({it}) -> {it}", out, it)
t.emit(OUT + "/reduction-run.mlir")

RUN = "// RUN: ternion-opt %s --tern-lower-to-llvm | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s\n"
rng = np.random.default_rng(7)
def rnd(*shape, scale=1.0):
    # Multiples of 1/8 keep the inputs exact in the test file.
    return (np.round(rng.standard_normal(shape) * scale * 8) / 8).astype(np.float32)
def dyn(shape, dims, dtype):
    return tensor_type(["?" if i in dims else d for i, d in enumerate(shape)], dtype)

# ---------------------------------------------------------------- contraction
t = RunTest("""// Numeric run test of Gemm, MatMulInteger and Clip through the whole CPU
// pipeline; expected values from numpy (Inputs/gen_compute_run_tests.py).
""" + RUN)
a = rnd(4, 3); b = rnd(5, 4); c = rnd(5)
av, at = t.value(a, dynamic=(1,)); bv, bt = t.value(b); cv, ct = t.value(c)
out = 0.5 * a.T @ b.T + 2.0 * c
t.op("gemm transA transB alpha beta C[N]", f"{{r}} = tern.gemm {av}, {bv}, {cv} {{alpha = 0.5 : f32, beta = 2.0 : f32, trans_a = true, trans_b = true}} : ({at}, {bt}, {ct}) -> tensor<?x5xf32>", out, "tensor<?x5xf32>")
a2 = rnd(3, 4); a2v, a2t = t.value(a2, dynamic=(0,)); b2 = rnd(4, 2); b2v, b2t = t.value(b2)
c2 = rnd(3, 1); c2v, c2t = t.value(c2)
t.op("gemm C[M,1]", f"{{r}} = tern.gemm {a2v}, {b2v}, {c2v} : ({a2t}, {b2t}, {c2t}) -> tensor<?x2xf32>", a2 @ b2 + c2, "tensor<?x2xf32>")
t.op("gemm no C", f"{{r}} = tern.gemm {a2v}, {b2v} {{alpha = -1.5 : f32}} : ({a2t}, {b2t}) -> tensor<?x2xf32>", -1.5 * (a2 @ b2), "tensor<?x2xf32>")
ai = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]], np.int64); bi = np.array([[1, -1], [2, 0], [0, 3], [-2, 1]], np.int64)
aiv, ait = t.value(ai, dynamic=(0,)); biv, bit = t.value(bi); ci = np.array([100, -100], np.int64); civ, cit = t.value(ci)
t.op("gemm i64 beta 3", f"{{r}} = tern.gemm {aiv}, {biv}, {civ} {{beta = 3.0 : f32}} : ({ait}, {bit}, {cit}) -> tensor<?x2xi64>", ai @ bi + 3 * ci, "tensor<?x2xi64>")

qa = np.array([[11, 7, 3], [10, 6, 2], [9, 5, 1], [8, 4, 255]], np.uint8)
qb = np.array([[1, 4], [-2, 5], [3, -128]], np.int8)
qav, qat = t.value(qa, dynamic=(0,)); qbv, qbt = t.value(qb)
azp = np.array(12, np.uint8); bzp = np.array([0, -3], np.int8)
azv, azt = t.value(azp); bzv, bzt = t.value(bzp)
ref = (qa.astype(np.int32) - 12) @ (qb.astype(np.int32) - bzp.astype(np.int32))
t.op("matmul_integer ui8 x i8, per-column b zero point", f"{{r}} = tern.matmul_integer {qav}, {qbv} a_zero_point {azv} b_zero_point {bzv} : ({qat}, {qbt}, {azt}, {bzt}) -> tensor<?x2xi32>", ref, "tensor<?x2xi32>")
qa3 = rng.integers(-128, 128, (2, 3, 4)).astype(np.int8); qb3 = rng.integers(0, 256, (4, 2)).astype(np.uint8)
qa3v, qa3t = t.value(qa3, dynamic=(1,)); qb3v, qb3t = t.value(qb3)
t.op("matmul_integer batched, no zero points", f"{{r}} = tern.matmul_integer {qa3v}, {qb3v} : ({qa3t}, {qb3t}) -> tensor<2x?x2xi32>", qa3.astype(np.int32) @ qb3.astype(np.int32), "tensor<2x?x2xi32>")

x = rnd(2, 5, scale=3); xv, xt = t.value(x, dynamic=(1,))
lo = np.array(-1.0, np.float32); hi = np.array(2.0, np.float32)
lov, lot = t.value(lo); hiv, hit = t.value(hi)
t.op("clip min max", f"{{r}} = tern.clip {xv} min {lov} max {hiv} : ({xt}, {lot}, {hit}) -> {xt}", np.clip(x, lo, hi), xt)
t.op("clip max only", f"{{r}} = tern.clip {xv} max {lov} : ({xt}, {lot}) -> {xt}", np.minimum(x, lo), xt)
t.op("clip min > max", f"{{r}} = tern.clip {xv} min {hiv} max {lov} : ({xt}, {hit}, {lot}) -> {xt}", np.minimum(np.maximum(x, hi), lo), xt)
xi8 = np.array([-128, -5, 0, 7, 127], np.int8); xi8v, xi8t = t.value(xi8, dynamic=(0,))
lo8 = np.array(-6, np.int8); lo8v, lo8t = t.value(lo8)
t.op("clip i8 min only", f"{{r}} = tern.clip {xi8v} min {lo8v} : ({xi8t}, {lo8t}) -> {xi8t}", np.maximum(xi8, lo8), xi8t)
xu8 = np.array([0, 5, 100, 200, 255], np.uint8); xu8v, xu8t = t.value(xu8, dynamic=(0,))
lou = np.array(10, np.uint8); hiu = np.array(150, np.uint8); louv, lout = t.value(lou); hiuv, hiut = t.value(hiu)
t.op("clip ui8", f"{{r}} = tern.clip {xu8v} min {louv} max {hiuv} : ({xu8t}, {lout}, {hiut}) -> {xu8t}", np.clip(xu8, lou, hiu), xu8t)
t.emit(OUT + "/contraction-run.mlir")

# ------------------------------------------------------------- normalization
t = RunTest("""// Numeric run test of Softmax, LogSoftmax and LayerNormalization through the
// whole CPU pipeline; expected values from numpy (Inputs/gen_compute_run_tests.py).
""" + RUN)
def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True)); return e / e.sum(axis=axis, keepdims=True)
def log_softmax(x, axis):
    m = x - x.max(axis=axis, keepdims=True); return m - np.log(np.exp(m).sum(axis=axis, keepdims=True))
x = rnd(2, 3, 4, scale=2); xv, xt = t.value(x, dynamic=(1,))
t.op("softmax axis -1", f"{{r}} = tern.softmax {xv} : ({xt}) -> {xt}", softmax(x, -1), xt)
t.op("softmax axis 1 (dynamic)", f"{{r}} = tern.softmax {xv} {{axis = 1 : i64}} : ({xt}) -> {xt}", softmax(x, 1), xt)
big = np.array([[1000.0, 1001.0, 1002.0, 1003.0], [-1000.0, 0.0, 1000.0, 1000.0]], np.float32)
bv, btp = t.value(big, dynamic=(0,))
t.op("softmax large numbers", f"{{r}} = tern.softmax {bv} : ({btp}) -> {btp}", softmax(big.astype(np.float64), -1), btp)
t.op("log_softmax axis 0", f"{{r}} = tern.log_softmax {xv} {{axis = 0 : i64}} : ({xt}) -> {xt}", log_softmax(x, 0), xt)
t.op("log_softmax large numbers", f"{{r}} = tern.log_softmax {bv} : ({btp}) -> {btp}", log_softmax(big.astype(np.float64), -1), btp)
def layer_norm(x, scale, bias, axis, eps):
    axes = tuple(range(axis % x.ndim, x.ndim))
    mean = x.mean(axis=axes, keepdims=True); var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(var + eps) * scale
    return y + bias if bias is not None else y
sc = rnd(4); bi = rnd(4); scv, sct = t.value(sc); biv, bit = t.value(bi)
t.op("layer_norm axis -1 with bias", f"{{r}} = tern.layer_norm {xv}, {scv}, {biv} : ({xt}, {sct}, {bit}) -> {xt}", layer_norm(x, sc, bi, -1, 1e-5), xt)
sc2 = rnd(3, 4); sc2v, sc2t = t.value(sc2)
t.op("layer_norm axis 1 epsilon 0.5 no bias", f"{{r}} = tern.layer_norm {xv}, {sc2v} {{axis = 1 : i64, epsilon = 0.5 : f32}} : ({xt}, {sc2t}) -> {xt}", layer_norm(x, sc2, None, 1, 0.5), xt)
sc3 = np.array([2.0], np.float32); sc3v, sc3t = t.value(sc3)
t.op("layer_norm axis 0, broadcast scale", f"{{r}} = tern.layer_norm {xv}, {sc3v} {{axis = 0 : i64}} : ({xt}, {sc3t}) -> {xt}", layer_norm(x, sc3, None, 0, 1e-5), xt)
t.emit(OUT + "/normalization-run.mlir")

# -------------------------------------------------------------- quantization
t = RunTest("""// Numeric run test of QuantizeLinear, DequantizeLinear and
// DynamicQuantizeLinear through the whole CPU pipeline; expected values from
// numpy (Inputs/gen_compute_run_tests.py). Quantized results print as i32.
""" + RUN)
def quantize(x, scale, zp, lo, hi):
    return np.clip(np.rint(x / scale) + zp, lo, hi)
x = np.array([[0.0, 1.0, 2.5, 3.5, -2.5, 1000.0], [-1000.0, 0.5, 1.5, 254.0, -0.5, 7.25]], np.float32)
xv, xt = t.value(x, dynamic=(0,))
s = np.array(1.0, np.float32); sv, st = t.value(s)
z = np.array(3, np.uint8); zv, zt = t.value(z)
t.op("quantize_linear ui8 per tensor (half to even, saturation)", f"{{r}} = tern.quantize_linear {xv}, {sv}, {zv} : ({xt}, {st}, {zt}) -> tensor<?x6xui8>", quantize(x, 1.0, 3, 0, 255).astype(np.uint8), "tensor<?x6xui8>")
s2 = np.array([0.5, 2.0, 1.0, 0.25, 1.0, 4.0], np.float32); z2 = np.array([-1, 0, 5, -128, 127, 2], np.int8)
s2v, s2t = t.value(s2); z2v, z2t = t.value(z2)
t.op("quantize_linear i8 per axis 1", f"{{r}} = tern.quantize_linear {xv}, {s2v}, {z2v} {{axis = 1 : i64}} : ({xt}, {s2t}, {z2t}) -> tensor<?x6xi8>", quantize(x, s2, z2, -128, 127).astype(np.int8), "tensor<?x6xi8>")
s3 = np.array([2.0], np.float32); s3v, s3t = t.value(s3)
t.op("quantize_linear no zero point (ui8)", f"{{r}} = tern.quantize_linear {xv}, {s3v} : ({xt}, {s3t}) -> tensor<?x6xui8>", quantize(x, 2.0, 0, 0, 255).astype(np.uint8), "tensor<?x6xui8>")
q = np.array([[0, 3, 128, 255], [10, 20, 30, 40]], np.uint8); qv, qt = t.value(q, dynamic=(1,))
ds = np.array(0.5, np.float32); dz = np.array(128, np.uint8); dsv, dst = t.value(ds); dzv, dzt = t.value(dz)
t.op("dequantize_linear ui8 per tensor", f"{{r}} = tern.dequantize_linear {qv}, {dsv}, {dzv} : ({qt}, {dst}, {dzt}) -> tensor<2x?xf32>", (q.astype(np.float32) - 128) * 0.5, "tensor<2x?xf32>")
qi = np.array([[-128, -1, 0, 127], [5, 6, 7, 8]], np.int8); qiv, qit = t.value(qi, dynamic=(1,))
ds2 = np.array([0.25, 3.0], np.float32); dz2 = np.array([-128, 4], np.int8); ds2v, ds2t = t.value(ds2); dz2v, dz2t = t.value(dz2)
t.op("dequantize_linear i8 per axis 0", f"{{r}} = tern.dequantize_linear {qiv}, {ds2v}, {dz2v} {{axis = 0 : i64}} : ({qit}, {ds2t}, {dz2t}) -> tensor<2x?xf32>", (qi.astype(np.float32) - dz2[:, None]) * ds2[:, None], "tensor<2x?xf32>")
q32 = np.array([-100000, 0, 3, 123456], np.int32); q32v, q32t = t.value(q32, dynamic=(0,))
t.op("dequantize_linear i32 no zero point", f"{{r}} = tern.dequantize_linear {q32v}, {dsv} : ({q32t}, {dst}) -> tensor<?xf32>", q32.astype(np.float32) * 0.5, "tensor<?xf32>")
def dql(x):
    mx = np.float32(max(0.0, x.max())); mn = np.float32(min(0.0, x.min()))
    scale = np.float32((mx - mn) if mx != mn else 1.0) / np.float32(255)
    zp = np.clip(np.rint(np.float32(0) - mn / scale), 0, 255)
    y = np.clip(np.rint(x / scale) + zp, 0, 255)
    return y.astype(np.uint8), np.float32(scale), zp.astype(np.uint8)
for name, arr in [("dynamic_quantize_linear mixed signs", np.array([[0.0, 2.0, -3.0, -2.5], [1.34, 0.5, -1.0, 1.0]], np.float32)),
                  ("dynamic_quantize_linear all positive", np.array([[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]], np.float32)),
                  ("dynamic_quantize_linear all zero", np.zeros((2, 4), np.float32))]:
    av, at = t.value(arr, dynamic=(0,))
    y, sc, zp = dql(arr)
    t.op(name, f"{{r}}:3 = tern.dynamic_quantize_linear {av} : ({at}) -> (tensor<?x4xui8>, tensor<f32>, tensor<ui8>)", y, "tensor<?x4xui8>",
         extra_results=[(1, np.array(sc, np.float32), "tensor<f32>"), (2, np.array(zp, np.uint8), "tensor<ui8>")])
t.emit(OUT + "/quantization-run.mlir")

# ----------------------------------------------------------------- attention
t = RunTest("""// Numeric run test of the reference tern.attention lowering through the
// whole CPU pipeline: grouped-query (Hq = 4, Hkv = 2), causal with S < T
// (a KV-cache step), an additive mask, dynamic sequence lengths; expected
// values from numpy (Inputs/gen_compute_run_tests.py).
""" + RUN)
def attention(q, k, v, mask, scale, causal):
    B, Hq, S, D = q.shape; Hkv, T = k.shape[1], k.shape[2]
    g = Hq // Hkv
    kk = np.repeat(k, g, axis=1).astype(np.float64); vv = np.repeat(v, g, axis=1).astype(np.float64)
    s = scale * np.einsum("bhsd,bhtd->bhst", q.astype(np.float64), kk)
    if mask is not None:
        s = s + mask
    if causal:
        allowed = np.arange(T)[None, :] <= (np.arange(S)[:, None] + T - S)
        s = np.where(allowed, s, -np.inf)
    s = s - s.max(-1, keepdims=True); p = np.exp(s); p /= p.sum(-1, keepdims=True)
    return np.einsum("bhst,bhte->bhse", p, vv)
q = rnd(1, 4, 3, 4); k = rnd(1, 2, 5, 4); v = rnd(1, 2, 5, 3)
qv, qt = t.value(q, dynamic=(2,)); kv, kt = t.value(k, dynamic=(2,)); vv, vt = t.value(v, dynamic=(2,))
mask = rnd(1, 1, 3, 5); mv, mt = t.value(mask)
mask_dyn = "tensor<1x1x?x?xf32>"
t.body.append(f"  %maskd = tensor.cast {mv} : {mt} to {mask_dyn}")
rt = "tensor<1x4x?x3xf32>"
t.op("attention GQA causal S<T with mask", f"{{r}} = tern.attention {qv}, {kv}, {vv} mask %maskd {{scale = 0.5 : f32, causal = true}} : ({qt}, {kt}, {vt}, {mask_dyn}) -> {rt}", attention(q, k, v, mask, 0.5, True), rt)
t.op("attention GQA, no mask, not causal", f"{{r}} = tern.attention {qv}, {kv}, {vv} {{scale = 0.5 : f32}} : ({qt}, {kt}, {vt}) -> {rt}", attention(q, k, v, None, 0.5, False), rt)
q2 = rnd(2, 2, 3, 4); k2 = rnd(2, 2, 3, 4); v2 = rnd(2, 2, 3, 2)
q2v, q2t = t.value(q2, dynamic=(0,)); k2v, k2t = t.value(k2, dynamic=(0,)); v2v, v2t = t.value(v2, dynamic=(0,))
m2 = np.array([0.0, 0.0, -1e9], np.float32); m2v, m2t = t.value(m2)
t.op("attention MHA causal S=T, row mask [T]", f"{{r}} = tern.attention {q2v}, {k2v}, {v2v} mask {m2v} {{scale = 0.5 : f32, causal = true}} : ({q2t}, {k2t}, {v2t}, {m2t}) -> tensor<?x2x3x2xf32>", attention(q2, k2, v2, m2, 0.5, True), "tensor<?x2x3x2xf32>")
t.emit(OUT + "/attention-run.mlir")
