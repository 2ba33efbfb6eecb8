"""Writes a BitNet deploy-form graph (the bitnet fixture's, or the ternary bench model's) in the other forms a QAT
model reaches ONNX in, from the same checkpoint (its deploy-form int8 codes
and scales), for bitnet-export-forms.test:

  model-folded.onnx    Cast and Mul constant-folded: float weights t * scale.
  model-training.onnx  latent float weights L = t * scale / mean|t| with
                       BitNet's absmean quantization in the graph:
                       s = Clip(ReduceMean(Abs(L)), 1e-5),
                       W = Clip(Round(L / s), -1, 1) * s, then Transpose (the
                       exporter's W^T) into the MatMul. Round(+-1.5) = +-2
                       clips to +-1, so W is exactly t * s, with s = mean|L|
                       as the graph computes it.

  bitnet_export_forms.py MODEL.onnx OUT_DIR [folded|training ...]

writes OUT_DIR/<MODEL stem>-folded.onnx and -training.onnx (or the forms named); weights
inline, or as external data <stem>-<form>.onnx.data when over 1 GB of protobuf.
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

model_path, out_dir = sys.argv[1:3]
forms = sys.argv[3:] or ["folded", "training"]
stem = model_path.rsplit("/", 1)[-1].removesuffix(".onnx")
model = onnx.load(model_path)  # external data loaded
graph = model.graph
inits = {i.name: i for i in graph.initializer}


def rewrite(form):
    m = onnx.ModelProto()
    m.CopyFrom(model)
    g = m.graph
    nodes = list(g.node)
    keep, extra_inits = [], []
    dead_inits = set()
    by_output = {o: n for n in nodes for o in n.output}
    for node in nodes:
        # The deploy form: Mul(Cast(codes), scale) -> the MatMul's weight.
        if node.op_type != "Mul" or not node.input[0].endswith("_as_float"):
            keep.append(node)
            continue
        cast = by_output[node.input[0]]
        codes = numpy_helper.to_array(inits[cast.input[0]]).astype(np.float32)  # [K, N]
        scale = numpy_helper.to_array(inits[node.input[1]]).astype(np.float32)
        dead_inits.update({cast.input[0], node.input[1]})
        keep.remove(cast)
        name = node.output[0]
        if form == "folded":
            extra_inits.append(numpy_helper.from_array((codes * scale).astype(np.float32), name))
            continue
        latent = (codes.T * (scale / np.abs(codes).mean())).astype(np.float32)  # [N, K]
        l, p = name + "_latent", name + "_q"
        extra_inits += [numpy_helper.from_array(latent, l),
                        numpy_helper.from_array(np.array(1e-5, np.float32), p + "_eps"),
                        numpy_helper.from_array(np.array(-1, np.float32), p + "_lo"),
                        numpy_helper.from_array(np.array(1, np.float32), p + "_hi")]
        keep += [
            helper.make_node("Abs", [l], [p + "_abs"]),
            helper.make_node("ReduceMean", [p + "_abs"], [p + "_mean"], keepdims=1),
            helper.make_node("Clip", [p + "_mean", p + "_eps", ""], [p + "_s"]),
            helper.make_node("Div", [l, p + "_s"], [p + "_div"]),
            helper.make_node("Round", [p + "_div"], [p + "_round"]),
            helper.make_node("Clip", [p + "_round", p + "_lo", p + "_hi"], [p + "_t"]),
            helper.make_node("Mul", [p + "_t", p + "_s"], [p + "_w"]),
            helper.make_node("Transpose", [p + "_w"], [name], perm=[1, 0]),
        ]
    # Nodes in topological order: the weight subgraphs first (they read
    # only initializers), then the graph as it was.
    weight_nodes = [n for n in keep if n not in nodes]
    del g.node[:]
    g.node.extend(weight_nodes + [n for n in keep if n in nodes])
    kept_inits = [i for i in g.initializer if i.name not in dead_inits]
    del g.initializer[:]
    g.initializer.extend(kept_inits + extra_inits)
    for init in g.initializer:
        init.ClearField("external_data")
        init.data_location = onnx.TensorProto.DEFAULT
    out = f"{out_dir}/{stem}-{form}.onnx"
    if m.ByteSize() < (1 << 30):
        onnx.checker.check_model(m)
        onnx.save(m, out)
    else:
        onnx.save(m, out, save_as_external_data=True, all_tensors_to_one_file=True,
                  location=f"{stem}-{form}.onnx.data", size_threshold=1024)
        onnx.checker.check_model(out)


for form in forms:
    rewrite(form)
