#!/usr/bin/python3
"""Write the bench model (bench/models/make_bench_model.py) as an f32 GGUF for llama.cpp.

  PYTHONPATH=<llama.cpp>/gguf-py /usr/bin/python3 bench/llm/to_gguf.py [--f16] MODEL_DIR OUT.gguf [TOKENIZER]

--f16 stores the 2-D weights (linear layers, embedding) as F16, as convert_hf_to_gguf.py
--outtype f16 does, norms staying f32: the peer of ternion-compile --weights-dtype=f16.

Reads MODEL_DIR/model-kv.onnx (initializers stored as external data in weights.bin) and
MODEL_DIR/config.json (or a trained fixture's reference.json) and maps them to llama.cpp's LLaMA tensor names and hyper-parameters with
llama.cpp's own GGUF writer (gguf-py from the same llama.cpp source). Every tensor stays f32;
a --bitnet model's int8 codes times their scale become f32 ternary weights, for llama-quantize's
TQ1_0 / TQ2_0 (bench/llm/run_ternary.sh).

Mapping (what the ONNX export looks like -> what llama.cpp expects):
  - RMSNorm weights and the embedding keep their names in the ONNX graph (m.layers.N...).
  - Linear layers are exported as MatMul(x, W^T) with anonymous initializers (onnx::MatMul_*),
    so they are found through the MatMul node that consumes them (/layers.N/self_attn/q_proj/
    MatMul, /lm_head/MatMul, ...) and transposed back to the PyTorch [out, in] layout, which is
    GGUF's ne = [in, out].
  - The model uses Hugging Face's rotate_half RoPE (NeoX style). llama.cpp's "llama"
    architecture rotates interleaved pairs, so the rows of q_proj/k_proj are permuted exactly as
    convert_hf_to_gguf.py does (LlamaModel.permute): per head, rows [0..hd/2) and [hd/2..hd)
    are interleaved.
  - Tokenizer: the bench model has random weights and no trained tokenizer. llama.cpp needs a
    vocabulary of vocab_size entries (llama-bench draws random ids below it), so the GGUF gets a
    synthetic SentencePiece-style ("llama") vocabulary: <unk>, <s>, </s>, the 256 byte pieces
    <0x00>..<0xFF>, then placeholder pieces. add_bos is off: benchmarks feed token ids.
    A trained model's SentencePiece TOKENIZER (tokenizer.model) is written instead when given,
    with its pieces, scores and types, so that llama.cpp tokenizes text prompts as the model
    was trained (bench/speculative/run.sh).
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

try:
    import gguf
except ImportError:
    sys.exit("to_gguf.py: cannot import gguf; set PYTHONPATH=<llama.cpp>/gguf-py")


def permute_rope(w, n_head):
    """HF rotate_half rows -> llama.cpp interleaved rows (convert_hf_to_gguf.py's permute)."""
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def load_initializers(model_dir):
    m = onnx.load(os.path.join(model_dir, "model-kv.onnx"), load_external_data=False)
    raw = np.memmap(os.path.join(model_dir, "weights.bin"), dtype=np.uint8, mode="r")
    inits = {}
    dtypes = {onnx.TensorProto.FLOAT: "<f4", onnx.TensorProto.INT8: "i1"}
    for t in m.graph.initializer:
        ext = {e.key: e.value for e in t.external_data}
        if t.data_type not in dtypes:
            sys.exit(f"to_gguf.py: initializer {t.name} is neither f32 nor int8")
        if ext:
            off, n = int(ext.get("offset", 0)), int(ext["length"])
            a = np.frombuffer(raw[off:off + n], dtype=dtypes[t.data_type]).reshape(tuple(t.dims))
        else:
            a = numpy_helper.to_array(t)
        inits[t.name] = a
    # A --bitnet model's weights are Mul(Cast(int8 codes), scale) (the BitNet b1.58 deploy
    # form): the f32 weight is codes * scale, exactly the ternary values the graph multiplies by.
    produced = {}
    nodes = {o: n for n in m.graph.node for o in n.output}
    for node in m.graph.node:
        if node.op_type == "Mul" and node.input[0] in nodes and node.input[1] in inits:
            cast = nodes[node.input[0]]
            if cast.op_type == "Cast" and cast.input[0] in inits:
                produced[node.output[0]] = (inits[cast.input[0]].astype(np.float32)
                                            * inits[node.input[1]].astype(np.float32))
    # MatMul weights: name the initializer after the node that consumes it.
    by_node = {}
    for node in m.graph.node:
        if node.op_type == "MatMul" and len(node.input) == 2:
            w = inits.get(node.input[1], produced.get(node.input[1]))
            if w is not None:
                by_node[node.name] = w
    # The parameters: the scalar scales of the deploy form are folded into their weights.
    params = sum(a.size for a in inits.values() if a.ndim > 0)
    return inits, by_node, params


def main():
    args = sys.argv[1:]
    f16 = "--f16" in args
    args = [a for a in args if a != "--f16"]
    if len(args) not in (2, 3):
        sys.exit(__doc__)
    model_dir, out = args[0], args[1]
    tokenizer = args[2] if len(args) == 3 else None
    config = os.path.join(model_dir, "config.json")
    if not os.path.exists(config):
        config = os.path.join(model_dir, "reference.json")
    with open(config) as f:
        cfg = json.load(f)["config"]
    n_layers, n_head, n_kv = cfg["n_layers"], cfg["n_heads"], cfg["n_kv_heads"]
    dim, ffn, vocab, hd = cfg["dim"], cfg["ffn_dim"], cfg["vocab_size"], cfg["head_dim"]
    inits, mm, params = load_initializers(model_dir)

    def linear(node):
        if node not in mm:
            sys.exit(f"to_gguf.py: no MatMul node named {node} with a weight initializer")
        return np.ascontiguousarray(mm[node].T)  # ONNX [in, out] -> [out, in]

    def named(name):
        return np.ascontiguousarray(inits[name], dtype=np.float32)

    tensors = [("token_embd.weight", named("m.embed_tokens.weight"))]
    for i in range(n_layers):
        p = f"/layers.{i}"
        q = permute_rope(linear(f"{p}/self_attn/q_proj/MatMul"), n_head)
        k = permute_rope(linear(f"{p}/self_attn/k_proj/MatMul"), n_kv)
        tensors += [
            (f"blk.{i}.attn_norm.weight", named(f"m.layers.{i}.input_layernorm.weight")),
            (f"blk.{i}.attn_q.weight", np.ascontiguousarray(q)),
            (f"blk.{i}.attn_k.weight", np.ascontiguousarray(k)),
            (f"blk.{i}.attn_v.weight", linear(f"{p}/self_attn/v_proj/MatMul")),
            (f"blk.{i}.attn_output.weight", linear(f"{p}/self_attn/o_proj/MatMul")),
            (f"blk.{i}.ffn_norm.weight", named(f"m.layers.{i}.post_attention_layernorm.weight")),
            (f"blk.{i}.ffn_gate.weight", linear(f"{p}/mlp/gate_proj/MatMul")),
            (f"blk.{i}.ffn_up.weight", linear(f"{p}/mlp/up_proj/MatMul")),
            (f"blk.{i}.ffn_down.weight", linear(f"{p}/mlp/down_proj/MatMul")),
        ]
    tensors += [("output_norm.weight", named("m.norm.weight")), ("output.weight", linear("/lm_head/MatMul"))]
    expect = {"attn_q": (n_head * hd, dim), "attn_k": (n_kv * hd, dim), "attn_v": (n_kv * hd, dim),
              "attn_output": (dim, n_head * hd), "ffn_gate": (ffn, dim), "ffn_up": (ffn, dim),
              "ffn_down": (dim, ffn)}
    for name, a in tensors:
        kind = name.split(".")[-2] if name.startswith("blk.") else None
        if kind in expect and a.shape != expect[kind]:
            sys.exit(f"to_gguf.py: {name} has shape {a.shape}, expected {expect[kind]}")
    used = sum(a.size for _, a in tensors)
    if used != params:
        sys.exit(f"to_gguf.py: mapped {used} parameters but the ONNX graph has {params}")

    w = gguf.GGUFWriter(out, "llama")
    w.add_name("ternion-bench-llama")
    w.add_context_length(cfg["context"])
    w.add_embedding_length(dim)
    w.add_block_count(n_layers)
    w.add_feed_forward_length(ffn)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_kv)
    w.add_rope_dimension_count(hd)
    w.add_rope_freq_base(float(cfg["rope_theta"]))
    w.add_layer_norm_rms_eps(float(cfg["norm_eps"]))
    w.add_vocab_size(vocab)
    w.add_file_type(gguf.LlamaFileType.MOSTLY_F16 if f16 else gguf.LlamaFileType.ALL_F32)
    scores = [0.0] * vocab
    if tokenizer:
        import sentencepiece
        sp = sentencepiece.SentencePieceProcessor(model_file=tokenizer)
        if sp.get_piece_size() != vocab:
            sys.exit(f"to_gguf.py: {tokenizer} has {sp.get_piece_size()} pieces, the model {vocab}")
        toks = [sp.id_to_piece(i) for i in range(vocab)]
        scores = [sp.get_score(i) for i in range(vocab)]
        types = [gguf.TokenType.CONTROL if sp.is_control(i) else gguf.TokenType.UNKNOWN if sp.is_unknown(i)
                 else gguf.TokenType.BYTE if sp.is_byte(i) else gguf.TokenType.NORMAL for i in range(vocab)]
    else:
        # Synthetic SentencePiece vocabulary (see the docstring).
        toks, types = ["<unk>", "<s>", "</s>"], [gguf.TokenType.UNKNOWN, gguf.TokenType.CONTROL, gguf.TokenType.CONTROL]
        toks += [f"<0x{b:02X}>" for b in range(256)]
        types += [gguf.TokenType.BYTE] * 256
        toks += [f"\u2581t{i}" for i in range(len(toks), vocab)]
        types += [gguf.TokenType.NORMAL] * (vocab - len(types))
    w.add_tokenizer_model("llama")
    w.add_token_list(toks[:vocab])
    w.add_token_scores(scores)
    w.add_token_types(types[:vocab])
    w.add_unk_token_id(0)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_add_bos_token(False)
    for name, a in tensors:
        w.add_tensor(name, a.astype(np.float16 if f16 and a.ndim == 2 else np.float32, copy=False))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    print(f"{out}: {len(tensors)} tensors, {used / 1e6:.1f}M parameters, {'f16' if f16 else 'f32'} "
          f"({os.path.getsize(out) / 1e6:.0f} MB)")


if __name__ == "__main__":
    main()
