"""Model definitions for Ternion's test fixtures (LLaMA-style decoder, BitNet b1.58
variant, GPT-2-style tiny model).

Written so that torch 1.13's ONNX exporter (opset 17) produces "plain" graphs:
RMSNorm as Pow/ReduceMean/Add/Sqrt/Div/Mul, RoPE computed from position ids
(Hugging Face rotate_half form), GQA via the HF `repeat_kv` form
(unsqueeze/expand/reshape), causal mask from torch.triu (ONNX Trilu), scores
divided by sqrt(head_dim), SwiGLU MLP.
"""
import math
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F

NEG = float(torch.finfo(torch.float32).min)


@dataclass
class Config:
    vocab_size: int = 2048
    dim: int = 256
    n_layers: int = 4
    n_heads: int = 8
    n_kv_heads: int = 2
    ffn_dim: int = 512
    context: int = 512
    rope_theta: float = 10000.0
    norm_eps: float = 1e-5
    bitnet: bool = False

    @property
    def head_dim(self):
        return self.dim // self.n_heads

    def to_dict(self):
        d = asdict(self)
        d["head_dim"] = self.head_dim
        return d


# ---------------------------------------------------------------- BitNet b1.58
def weight_quant_ternary(w):
    """Per-tensor absmean ternary quantization: returns (int values in {-1,0,1}, scale)."""
    scale = w.abs().mean().clamp(min=1e-5)
    q = (w / scale).round().clamp(-1, 1)
    return q, scale


def act_quant_int8(x):
    """Per-token absmax int8: returns (integer-valued float tensor in [-128,127], 127/absmax)."""
    s = 127.0 / x.abs().max(dim=-1, keepdim=True)[0].clamp(min=1e-5)
    return (x * s).round().clamp(-128, 127), s


class BitLinear(nn.Linear):
    """Training form: fake-quantized weights and activations with a straight-through estimator.
    mode "deploy" is used for export: the weight buffer holds the dequantized ternary weight
    (q*scale) so that the exporter folds it into one initializer, which the exporter script then
    rewrites to int8 {-1,0,+1} + Cast + Mul(scale)."""

    def __init__(self, in_f, out_f):
        super().__init__(in_f, out_f, bias=False)
        self.deploy = False

    def forward(self, x):
        if self.deploy:
            xq, s = act_quant_int8(x)
            return F.linear(xq, self.weight) / s
        q, ws = weight_quant_ternary(self.weight)
        w = self.weight + (q * ws - self.weight).detach()
        xq, s = act_quant_int8(x)
        xd = x + (xq / s - x).detach()
        return F.linear(xd, w)


def make_linear(cfg, i, o):
    return BitLinear(i, o) if cfg.bitnet else nn.Linear(i, o, bias=False)


# ---------------------------------------------------------------- LLaMA blocks
class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        var = x.pow(2).mean(-1, keepdim=True)
        return self.weight * (x * torch.rsqrt(var + self.eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    x1 = x[..., :h]
    x2 = x[..., h:]
    return torch.cat((-x2, x1), dim=-1)


def repeat_kv(x, n_rep):
    b, kvh, s, hd = x.shape
    if n_rep == 1:
        return x
    x = x[:, :, None, :, :].expand(b, kvh, n_rep, s, hd)
    return x.reshape(b, kvh * n_rep, s, hd)


class Attention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        hd = cfg.head_dim
        self.q_proj = make_linear(cfg, cfg.dim, cfg.n_heads * hd)
        self.k_proj = make_linear(cfg, cfg.dim, cfg.n_kv_heads * hd)
        self.v_proj = make_linear(cfg, cfg.dim, cfg.n_kv_heads * hd)
        self.o_proj = make_linear(cfg, cfg.n_heads * hd, cfg.dim)

    def forward(self, x, cos, sin, mask, past_k=None, past_v=None):
        c = self.cfg
        b, t = x.shape[0], x.shape[1]
        hd = c.head_dim
        q = self.q_proj(x).view(b, t, c.n_heads, hd).transpose(1, 2)
        k = self.k_proj(x).view(b, t, c.n_kv_heads, hd).transpose(1, 2)
        v = self.v_proj(x).view(b, t, c.n_kv_heads, hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        present = (k, v)
        n_rep = c.n_heads // c.n_kv_heads
        k = repeat_kv(k, n_rep)
        v = repeat_kv(v, n_rep)
        s = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(hd)
        s = s + mask
        p = F.softmax(s, dim=-1)
        o = torch.matmul(p, v)
        o = o.transpose(1, 2).reshape(b, t, c.n_heads * hd)
        return self.o_proj(o), present


class MLP(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.gate_proj = make_linear(cfg, cfg.dim, cfg.ffn_dim)
        self.up_proj = make_linear(cfg, cfg.dim, cfg.ffn_dim)
        self.down_proj = make_linear(cfg, cfg.ffn_dim, cfg.dim)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.input_layernorm = RMSNorm(cfg.dim, cfg.norm_eps)
        self.self_attn = Attention(cfg)
        self.post_attention_layernorm = RMSNorm(cfg.dim, cfg.norm_eps)
        self.mlp = MLP(cfg)

    def forward(self, x, cos, sin, mask, past_k=None, past_v=None):
        a, present = self.self_attn(self.input_layernorm(x), cos, sin, mask, past_k, past_v)
        x = x + a
        x = x + self.mlp(self.post_attention_layernorm(x))
        return x, present


class Llama(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.embed_tokens = nn.Embedding(cfg.vocab_size, cfg.dim)
        self.layers = nn.ModuleList([Block(cfg) for _ in range(cfg.n_layers)])
        self.norm = RMSNorm(cfg.dim, cfg.norm_eps)
        self.lm_head = nn.Linear(cfg.dim, cfg.vocab_size, bias=False)  # kept full precision
        hd = cfg.head_dim
        inv_freq = 1.0 / (cfg.rope_theta ** (torch.arange(0, hd, 2).float() / hd))
        self.register_buffer("inv_freq", inv_freq, persistent=False)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)

    def rope(self, position_ids):
        freqs = position_ids[:, :, None].float() * self.inv_freq[None, None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos()[:, None, :, :], emb.sin()[:, None, :, :]

    def forward(self, input_ids):
        """Full-sequence form: input_ids [b, t] -> logits [b, t, vocab]."""
        t = input_ids.shape[1]
        pos = torch.arange(t, dtype=torch.int64, device=input_ids.device)[None, :]
        cos, sin = self.rope(pos)
        mask = torch.full((t, t), NEG, device=input_ids.device).triu(1)[None, None, :, :]
        x = self.embed_tokens(input_ids)
        for layer in self.layers:
            x, _ = layer(x, cos, sin, mask)
        return self.lm_head(self.norm(x))

    def forward_kv(self, input_ids, attention_mask, position_ids, past):
        """KV-cache form (HF Optimum convention). past: list of (key, value) with shape
        [b, kv_heads, past_len, head_dim]. attention_mask: [b, past_len + t] (1 = attend)."""
        t = input_ids.shape[1]
        total = attention_mask.shape[1]
        cos, sin = self.rope(position_ids)
        causal = torch.full((total, total), NEG, device=input_ids.device).triu(1)
        causal = causal[total - t:, :][None, None, :, :]
        pad = (1.0 - attention_mask[:, None, None, :].float()) * NEG
        mask = torch.clamp(causal + pad, min=NEG)
        x = self.embed_tokens(input_ids)
        presents = []
        for i, layer in enumerate(self.layers):
            x, pr = layer(x, cos, sin, mask, past[i][0], past[i][1])
            presents.append(pr)
        return self.lm_head(self.norm(x)), presents


class LlamaKV(nn.Module):
    """Flat-argument wrapper for ONNX export of the KV-cache graph."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask, position_ids, *past_flat):
        past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(len(past_flat) // 2)]
        logits, presents = self.m.forward_kv(input_ids, attention_mask, position_ids, past)
        out = [logits]
        for k, v in presents:
            out += [k, v]
        return tuple(out)


def count_params(m):
    return sum(p.numel() for p in m.parameters())


# ---------------------------------------------------------------- GPT-2 style (tiny, untrained)
@dataclass
class GPT2Config:
    vocab_size: int = 64
    n_positions: int = 32
    n_embd: int = 32
    n_layer: int = 2
    n_head: int = 2
    n_inner: int = 64
    layer_norm_epsilon: float = 1e-5

    def to_dict(self):
        d = asdict(self)
        d["head_dim"] = self.n_embd // self.n_head
        return d


class Conv1D(nn.Module):
    """HF GPT-2 Conv1D: y = x @ W + b with W [in, out]."""

    def __init__(self, nf, nx):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(nx, nf) * 0.02)
        self.bias = nn.Parameter(torch.randn(nf) * 0.02)

    def forward(self, x):
        return torch.matmul(x, self.weight) + self.bias


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class GPT2Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        n = c.n_positions
        self.register_buffer("bias", torch.tril(torch.ones((n, n), dtype=torch.bool)).view(1, 1, n, n))
        self.c_attn = Conv1D(3 * c.n_embd, c.n_embd)
        self.c_proj = Conv1D(c.n_embd, c.n_embd)

    def split_heads(self, x):
        b, t = x.shape[0], x.shape[1]
        return x.view(b, t, self.c.n_head, self.c.n_embd // self.c.n_head).permute(0, 2, 1, 3)

    def forward(self, x, attention_mask=None, past_k=None, past_v=None):
        q, k, v = self.c_attn(x).split(self.c.n_embd, dim=2)
        q, k, v = self.split_heads(q), self.split_heads(k), self.split_heads(v)
        if past_k is not None:
            k = torch.cat((past_k, k), dim=-2)
            v = torch.cat((past_v, v), dim=-2)
        present = (k, v)
        w = torch.matmul(q, k.transpose(-1, -2))
        w = w / torch.tensor(v.size(-1) ** 0.5, dtype=w.dtype)
        ql, kl = q.size(-2), k.size(-2)
        causal = self.bias[:, :, kl - ql: kl, :kl]
        w = torch.where(causal, w, torch.tensor(NEG, dtype=w.dtype))
        if attention_mask is not None:
            w = w + attention_mask
        w = F.softmax(w, dim=-1)
        o = torch.matmul(w, v)
        b, t = o.shape[0], o.shape[2]
        o = o.permute(0, 2, 1, 3).reshape(b, t, self.c.n_embd)
        return self.c_proj(o), present


class GPT2Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.ln_1 = nn.LayerNorm(c.n_embd, eps=c.layer_norm_epsilon)
        self.attn = GPT2Attention(c)
        self.ln_2 = nn.LayerNorm(c.n_embd, eps=c.layer_norm_epsilon)
        self.c_fc = Conv1D(c.n_inner, c.n_embd)
        self.c_proj = Conv1D(c.n_embd, c.n_inner)

    def forward(self, x, attention_mask=None, past_k=None, past_v=None):
        a, present = self.attn(self.ln_1(x), attention_mask, past_k, past_v)
        x = x + a
        x = x + self.c_proj(gelu_new(self.c_fc(self.ln_2(x))))
        return x, present


class GPT2(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.wte = nn.Embedding(c.vocab_size, c.n_embd)
        self.wpe = nn.Embedding(c.n_positions, c.n_embd)
        nn.init.normal_(self.wte.weight, std=0.02)
        nn.init.normal_(self.wpe.weight, std=0.01)
        self.h = nn.ModuleList([GPT2Block(c) for _ in range(c.n_layer)])
        self.ln_f = nn.LayerNorm(c.n_embd, eps=c.layer_norm_epsilon)
        for m in self.modules():  # LayerNorm params not identity, so the test is non-trivial
            if isinstance(m, nn.LayerNorm):
                nn.init.normal_(m.weight, mean=1.0, std=0.1)
                nn.init.normal_(m.bias, std=0.05)

    def logits(self, x):
        return torch.matmul(self.ln_f(x), self.wte.weight.t())  # tied head, as GPT-2

    def forward(self, input_ids):
        t = input_ids.shape[1]
        pos = torch.arange(0, t, dtype=torch.int64)[None, :]
        x = self.wte(input_ids) + self.wpe(pos)
        for blk in self.h:
            x, _ = blk(x)
        return self.logits(x)

    def forward_kv(self, input_ids, attention_mask, position_ids, past):
        x = self.wte(input_ids) + self.wpe(position_ids)
        am = (1.0 - attention_mask[:, None, None, :].float()) * NEG
        presents = []
        for i, blk in enumerate(self.h):
            x, pr = blk(x, am, past[i][0], past[i][1])
            presents.append(pr)
        return self.logits(x), presents
