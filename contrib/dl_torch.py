#!/usr/bin/python3
"""dl_torch.py -- dl-train's models and checkpoints in PyTorch.

dl-train builds a network from a JSON spec and saves it as a safetensors checkpoint. This
module builds the same networks as torch.nn.Modules, with the same parameter names, shapes
and initialisation, and reads and writes the same checkpoints, so that a model can move
between the two: train in C and evaluate in torch, or start in torch and --resume in C.

    import dl_torch
    model = dl_torch.build({"type": "gpt", "n_layer": 4, "n_head": 4, "n_embd": 128,
                            "block_size": 128, "vocab_size": 256})
    opt = dl_torch.adamw(model, lr=1e-3, weight_decay=0.1)
    ...
    dl_torch.save_checkpoint("model.safetensors", model.spec, model, opt, step=100)
    spec, model, optim_state, meta = dl_torch.load_checkpoint("model.safetensors")
    opt = dl_torch.adamw(model, lr=1e-3)
    dl_torch.restore_optimizer(opt, model, optim_state)

As a command:
    dl_torch.py info CKPT      prints the metadata, the spec and every tensor's shape
    dl_torch.py selftest       builds each kind of model, trains a step, saves, loads and
                               checks that parameters and moments come back bit for bit

Models (the spec keys; missing optional keys take the defaults shown):
  MLP  {"type": "mlp", "layers": [64, 256, 10], "activation": "relu", "dropout": 0.0,
        "loss": "softmax"}
       Linear i maps layers[i] to layers[i+1] ("layers.{i}.weight" [out, in],
       "layers.{i}.bias"), with the activation (relu, gelu, gelu_tanh or silu) and dropout
       between Linears and nothing after the last; torch.nn.Linear's default init. The loss
       is cross-entropy over classes (softmax), mean squared error (mse) or sigmoid binary
       cross-entropy on logits (bce).
  GPT  {"type": "gpt", "n_layer", "n_head", "n_embd", "block_size", "vocab_size",
        "tie_weights": true, "bias": true, "dropout": 0.0}
       GPT-2 (Radford et al. 2019, "Language Models are Unsupervised Multitask Learners"):
       token and learned position embeddings, pre-LayerNorm blocks (eps 1e-5) of causal
       self-attention (one qkv Linear, q|k|v along its output, heads of n_embd / n_head,
       scores scaled by 1/sqrt(head size)) and an MLP (C -> 4C, tanh-approximated GELU,
       4C -> C), a final LayerNorm and a bias-free lm_head, tied to the token embedding
       when tie_weights. "bias": false removes the bias of every Linear and LayerNorm.
       Init as GPT-2: weights N(0, 0.02), the residual projections (c_proj) N(0, 0.02 /
       sqrt(2 n_layer)), biases 0, LayerNorm weights 1. Loss: mean cross-entropy over the
       targets, -1 ignored.

Checkpoints are safetensors files (8-byte little-endian header length, a JSON header, the
raw data): the parameters as F32 under the names above (a tied lm_head is not stored), the
optimizer's moments as "optim.m.NAME" and "optim.v.NAME" when there is an optimizer, and
string metadata "format": "dl-train", "spec": the spec JSON, "step": the steps done,
"optim": "adamw", "adam" or "sgd" and "optim.step": the optimizer's own step count (what
Adam's bias correction uses; dl-train reads it on --resume). SGD keeps "optim.m." only, and
only with momentum. The reader and writer are written here (Debian's torch
has no safetensors package); the writer lays the file out as the reference writer does.
"""
import json
import math
import os
import signal
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

# ---------------------------------------------------------------------------------------------
# safetensors

_DTYPES = {
    "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8,
    "U8": torch.uint8, "BOOL": torch.bool,
}
_NAMES = {v: k for k, v in _DTYPES.items()}
# numpy has no bfloat16: move the bits of 16-bit floats as int16.
_RAW = {torch.bfloat16: torch.int16, torch.float16: torch.int16}


def st_tensor_bytes(t):
    t = t.detach().contiguous().cpu()
    if t.dtype in _RAW:
        t = t.view(_RAW[t.dtype])
    return t.numpy().tobytes()


def st_dumps(tensors, metadata=None):
    """The bytes of a safetensors file holding tensors (a dict or (name, tensor) pairs, in
    that order) and metadata (str -> str)."""
    items = list(tensors.items()) if isinstance(tensors, dict) else list(tensors)
    head = {}
    if metadata:
        head["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    blobs, off = [], 0
    for name, t in items:
        if name in head:
            raise ValueError("duplicate tensor name %r" % name)
        b = st_tensor_bytes(t)
        head[name] = {"dtype": _NAMES[t.dtype], "shape": list(t.shape),
                      "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(head, separators=(",", ":"), ensure_ascii=False).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + b"".join(blobs)


def st_save(path, tensors, metadata=None):
    """Writes a safetensors file atomically (a temporary name, then rename)."""
    tmp = "%s.tmp%d" % (path, os.getpid())
    with open(tmp, "wb") as f:
        f.write(st_dumps(tensors, metadata))
    os.replace(tmp, path)


def st_loads(buf):
    """Returns ({name: tensor} in header order, metadata or {}); raises ValueError on a
    malformed file."""
    if len(buf) < 8:
        raise ValueError("too short for a safetensors header")
    (n,) = struct.unpack("<Q", buf[:8])
    if n > len(buf) - 8:
        raise ValueError("header length past the end of the file")
    head = json.loads(buf[8:8 + n].decode("utf-8"))
    data = memoryview(buf)[8 + n:]
    meta = head.pop("__metadata__", None) or {}
    out = {}
    for name, info in head.items():
        dt = _DTYPES.get(info.get("dtype"))
        if dt is None:
            raise ValueError("%s: unsupported dtype %r" % (name, info.get("dtype")))
        shape = [int(s) for s in info["shape"]]
        b, e = info["data_offsets"]
        count = math.prod(shape)
        size = torch.tensor([], dtype=dt).element_size()
        if not 0 <= b <= e <= len(data) or e - b != count * size:
            raise ValueError("%s: bad data_offsets" % name)
        if count == 0:
            out[name] = torch.zeros(shape, dtype=dt)
            continue
        base = _RAW.get(dt, dt)
        t = torch.frombuffer(bytearray(data[b:e]), dtype=base)
        if base is not dt:
            t = t.view(dt)
        out[name] = t.reshape(shape)
    return out, meta


def st_load(path):
    with open(path, "rb") as f:
        return st_loads(f.read())

# ---------------------------------------------------------------------------------------------
# models

_ACTS = {
    "relu": F.relu,
    "gelu": F.gelu,
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
    "silu": F.silu,
}


class MLP(nn.Module):
    """Linears with an activation (and dropout) between them; returns logits."""

    def __init__(self, spec):
        super().__init__()
        self.spec = dict(spec)
        sizes = spec["layers"]
        if len(sizes) < 2:
            raise ValueError("mlp: layers needs at least two sizes")
        self.act = _ACTS[spec.get("activation", "relu")]
        self.p = float(spec.get("dropout", 0.0))
        self.layers = nn.ModuleList(nn.Linear(sizes[i], sizes[i + 1])
                                    for i in range(len(sizes) - 1))

    def forward(self, x):
        last = len(self.layers) - 1
        for i, lin in enumerate(self.layers):
            x = lin(x)
            if i < last:
                x = self.act(x)
                if self.p > 0:
                    x = F.dropout(x, self.p, self.training)
        return x

    def loss(self, out, y):
        """The spec's loss (a mean) of outputs out against y: class ids for softmax, targets
        of out's shape for mse and bce."""
        kind = self.spec.get("loss", "softmax")
        if kind == "softmax":
            return F.cross_entropy(out, y.long())
        if kind == "mse":
            return F.mse_loss(out, y.to(out.dtype).view_as(out))
        if kind == "bce":
            return F.binary_cross_entropy_with_logits(out, y.to(out.dtype).view_as(out))
        raise ValueError("mlp: unknown loss %r" % kind)


class LayerNorm(nn.Module):
    """LayerNorm over the last dimension with an optional bias (torch 1.13's nn.LayerNorm
    cannot drop only the bias)."""

    def __init__(self, n, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))
        self.bias = nn.Parameter(torch.zeros(n)) if bias else None

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, 1e-5)


class SelfAttention(nn.Module):
    """Causal multi-head self-attention (Vaswani et al. 2017, sec. 3.2) with one qkv
    projection."""

    def __init__(self, c, nh, block, bias, p):
        super().__init__()
        self.nh, self.p = nh, p
        self.c_attn = nn.Linear(c, 3 * c, bias=bias)
        self.c_proj = nn.Linear(c, c, bias=bias)
        self.register_buffer("mask", torch.tril(torch.ones(block, block, dtype=torch.bool)),
                             persistent=False)

    def forward(self, x):
        b, t, c = x.shape
        hs = c // self.nh
        q, k, v = self.c_attn(x).split(c, dim=2)
        q = q.view(b, t, self.nh, hs).transpose(1, 2)
        k = k.view(b, t, self.nh, hs).transpose(1, 2)
        v = v.view(b, t, self.nh, hs).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))
        att = att.masked_fill(~self.mask[:t, :t], float("-inf"))
        att = F.softmax(att, dim=-1)   # dl-train has no dropout on the probabilities
        y = (att @ v).transpose(1, 2).contiguous().view(b, t, c)
        y = self.c_proj(y)
        if self.p > 0:
            y = F.dropout(y, self.p, self.training)
        return y


class FeedForward(nn.Module):
    def __init__(self, c, bias, p):
        super().__init__()
        self.p = p
        self.c_fc = nn.Linear(c, 4 * c, bias=bias)
        self.c_proj = nn.Linear(4 * c, c, bias=bias)

    def forward(self, x):
        y = self.c_proj(F.gelu(self.c_fc(x), approximate="tanh"))
        if self.p > 0:
            y = F.dropout(y, self.p, self.training)
        return y


class Block(nn.Module):
    def __init__(self, c, nh, block, bias, p):
        super().__init__()
        self.ln_1 = LayerNorm(c, bias)
        self.attn = SelfAttention(c, nh, block, bias, p)
        self.ln_2 = LayerNorm(c, bias)
        self.mlp = FeedForward(c, bias, p)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    """GPT-2 as described at the top. forward(idx [B, T] ints, targets or None) returns
    (logits [B, T, V], mean loss or None)."""

    def __init__(self, spec):
        super().__init__()
        self.spec = dict(spec)
        c, nh, nl = spec["n_embd"], spec["n_head"], spec["n_layer"]
        block, vocab = spec["block_size"], spec["vocab_size"]
        bias = bool(spec.get("bias", True))
        p = float(spec.get("dropout", 0.0))
        if c % nh:
            raise ValueError("gpt: n_embd %d is not a multiple of n_head %d" % (c, nh))
        self.p = p
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(vocab, c),
            wpe=nn.Embedding(block, c),
            h=nn.ModuleList(Block(c, nh, block, bias, p) for _ in range(nl)),
            ln_f=LayerNorm(c, bias),
        ))
        self.lm_head = nn.Linear(c, vocab, bias=False)
        self.tied = bool(spec.get("tie_weights", True))
        if self.tied:
            self.lm_head.weight = self.transformer.wte.weight
        self.reset_parameters()

    @torch.no_grad()
    def reset_parameters(self, generator=None):
        """GPT-2's init, drawn in parameter order from generator (or torch's global one)."""
        std_proj = 0.02 / math.sqrt(2 * self.spec["n_layer"])
        for name, t in self.named_parameters():
            if t.dim() < 2:
                t.fill_(1.0 if name.endswith("ln_1.weight") or name.endswith("ln_2.weight")
                        or name.endswith("ln_f.weight") else 0.0)
            else:
                std = std_proj if name.endswith("c_proj.weight") else 0.02
                t.normal_(0.0, std, generator=generator)

    def forward(self, idx, targets=None):
        b, t = idx.shape
        if t > self.spec["block_size"]:
            raise ValueError("gpt: sequence of %d past block_size %d"
                             % (t, self.spec["block_size"]))
        tr = self.transformer
        pos = torch.arange(t, device=idx.device)
        x = tr.wte(idx.long()) + tr.wpe(pos)
        if self.p > 0:
            x = F.dropout(x, self.p, self.training)
        for blk in tr.h:
            x = blk(x)
        logits = self.lm_head(tr.ln_f(x))
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.reshape(-1).long(),
                                   ignore_index=-1)
        return logits, loss


def build(spec):
    """The model of a spec dict (or JSON string)."""
    if isinstance(spec, str):
        spec = json.loads(spec)
    kind = spec.get("type")
    if kind == "mlp":
        return MLP(spec)
    if kind == "gpt":
        return GPT(spec)
    raise ValueError("unknown model type %r" % kind)


def params(model):
    """[(name, parameter)] in checkpoint order; a tied lm_head appears once, as the token
    embedding."""
    return list(model.named_parameters())

# ---------------------------------------------------------------------------------------------
# optimizers and schedules


def adamw(model, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
    """torch.optim.AdamW with weight decay on tensors of two or more dimensions only (the
    first group) and none on biases and norms (the second), as dl-train does."""
    ps = params(model)
    groups = [{"params": [p for _, p in ps if p.dim() >= 2], "weight_decay": weight_decay},
              {"params": [p for _, p in ps if p.dim() < 2], "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=lr, betas=betas, eps=eps, foreach=False)


def sched_lr(kind, lr, min_lr, warmup, total, s):
    """The learning rate of step s (0-based), as dl_sched_lr in lib/nn/optim.c: a linear
    warmup lr * (s + 1) / warmup, then constant, or a cosine (SGDR without restarts,
    Loshchilov & Hutter 2017) or linear decay from lr to min_lr at step total."""
    if s < warmup:
        return lr * (s + 1) / warmup
    if kind not in ("cosine", "linear"):
        return lr
    if s >= total:
        return min_lr
    t = (s - warmup) / (total - warmup)
    if kind == "cosine":
        return min_lr + 0.5 * (lr - min_lr) * (1.0 + math.cos(math.pi * t))
    return min_lr + (lr - min_lr) * (1.0 - t)


def set_lr(optimizer, lr):
    for g in optimizer.param_groups:
        g["lr"] = lr


def _optim_kind(optimizer):
    if isinstance(optimizer, torch.optim.AdamW):
        return "adamw"
    if isinstance(optimizer, torch.optim.Adam):
        return "adam"
    if isinstance(optimizer, torch.optim.SGD):
        return "sgd"
    raise ValueError("unsupported optimizer %s" % type(optimizer).__name__)


def restore_optimizer(optimizer, model, optim_state):
    """Puts the moments and step count of load_checkpoint's optim_state into a fresh
    optimizer over model's parameters."""
    if optim_state is None:
        return
    step = optim_state["step"]
    for name, p in params(model):
        m = optim_state["m"].get(name)
        if m is None:
            continue
        st = optimizer.state[p]
        if optim_state["kind"] == "sgd":
            st["momentum_buffer"] = m.clone()
        else:
            st["step"] = torch.tensor(float(step))
            st["exp_avg"] = m.clone()
            st["exp_avg_sq"] = optim_state["v"][name].clone()

# ---------------------------------------------------------------------------------------------
# checkpoints


def _optim_step(optimizer, model, default):
    """The optimizer's own step count (Adam's per-parameter "step"), else default."""
    for _, p in params(model):
        st = optimizer.state.get(p, {})
        if "step" in st:
            return int(st["step"])
    return int(default)


def save_checkpoint(path, spec, model, optimizer=None, step=0, extra=None):
    """Writes model (and optimizer's moments) as a dl-train checkpoint, atomically. step is
    the number of training steps done ("step"); the optimizer's own count goes to
    "optim.step", which dl-train --resume reads. extra adds metadata strings."""
    tensors = [(name, p.detach().float()) for name, p in params(model)]
    meta = {"format": "dl-train", "spec": json.dumps(spec, separators=(",", ":")),
            "step": str(int(step))}
    if optimizer is not None:
        kind = _optim_kind(optimizer)
        meta["optim"] = kind
        meta["optim.step"] = str(_optim_step(optimizer, model, step))
        # SGD without momentum keeps no state; Adam and AdamW keep both moments.
        has_m = kind != "sgd" or any(g.get("momentum", 0) != 0 for g in optimizer.param_groups)
        ms, vs = [], []
        for name, p in params(model):
            st = optimizer.state.get(p, {})
            zero = torch.zeros_like(p)
            if kind == "sgd":
                m, v = st.get("momentum_buffer"), None
            else:
                m, v = st.get("exp_avg"), st.get("exp_avg_sq")
            if has_m:
                ms.append(("optim.m." + name, (m if m is not None else zero).float()))
            if kind != "sgd":
                vs.append(("optim.v." + name, (v if v is not None else zero).float()))
        tensors += ms + vs
    if extra:
        meta.update({str(k): str(v) for k, v in extra.items()})
    st_save(path, tensors, meta)


def load_checkpoint(path):
    """Returns (spec, model, optim_state or None, metadata). optim_state is {"kind", "step",
    "m": {name: tensor}, "v": {name: tensor}} (see restore_optimizer)."""
    tensors, meta = st_load(path)
    if "spec" not in meta:
        raise ValueError("%s: no spec in the metadata (not a dl-train checkpoint)" % path)
    spec = json.loads(meta["spec"])
    model = build(spec)
    with torch.no_grad():
        for name, p in params(model):
            t = tensors.get(name)
            if t is None:
                raise ValueError("%s: tensor %s missing" % (path, name))
            if list(t.shape) != list(p.shape):
                raise ValueError("%s: %s has shape %s, the spec says %s"
                                 % (path, name, list(t.shape), list(p.shape)))
            p.copy_(t.float())
    optim_state = None
    m = {k[len("optim.m."):]: t.float() for k, t in tensors.items() if k.startswith("optim.m.")}
    v = {k[len("optim.v."):]: t.float() for k, t in tensors.items() if k.startswith("optim.v.")}
    if m or v:
        step = meta.get("optim.step", meta.get("step", "0"))
        optim_state = {"kind": meta.get("optim", "adamw"), "step": int(step), "m": m, "v": v}
    return spec, model, optim_state, meta


def _info(path):
    tensors, meta = st_load(path)
    for k in sorted(meta):
        if k != "spec":
            print("%s: %s" % (k, meta[k]))
    if "spec" in meta:
        print("spec: %s" % json.dumps(json.loads(meta["spec"]), indent=None))
    total = 0
    for name, t in tensors.items():
        if not name.startswith("optim."):
            total += t.numel()
        print("%-40s %-5s %s" % (name, _NAMES[t.dtype], list(t.shape)))
    print("parameters: %d" % total)


def _selftest():
    import tempfile
    torch.manual_seed(0)
    specs = [
        {"type": "gpt", "n_layer": 2, "n_head": 2, "n_embd": 16, "block_size": 8,
         "vocab_size": 20},
        {"type": "gpt", "n_layer": 1, "n_head": 4, "n_embd": 16, "block_size": 8,
         "vocab_size": 20, "tie_weights": False, "bias": False, "dropout": 0.1},
        {"type": "mlp", "layers": [5, 7, 3], "activation": "gelu_tanh", "loss": "softmax"},
        {"type": "mlp", "layers": [5, 7, 7, 2], "activation": "silu", "dropout": 0.2,
         "loss": "bce"},
    ]
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "ck.safetensors")
        for spec in specs:
            model = build(spec)
            opt = adamw(model, lr=1e-2, weight_decay=0.1)
            if spec["type"] == "gpt":
                idx = torch.randint(0, spec["vocab_size"], (2, 6))
                _, loss = model(idx, idx)
            else:
                x = torch.randn(4, spec["layers"][0])
                y = (torch.randint(0, spec["layers"][-1], (4,)) if spec.get("loss") == "softmax"
                     else torch.rand(4, spec["layers"][-1]))
                loss = model.loss(model(x), y)
            loss.backward()
            opt.step()
            save_checkpoint(path, spec, model, opt, step=1)
            spec2, model2, st, meta = load_checkpoint(path)
            assert spec2 == spec and meta["format"] == "dl-train" and meta["step"] == "1"
            assert meta["optim"] == "adamw" and meta["optim.step"] == "1" and st["step"] == 1
            for (n, p), (n2, p2) in zip(params(model), params(model2)):
                assert n == n2 and torch.equal(p, p2), n
                assert torch.equal(opt.state[p]["exp_avg"], st["m"][n]), n
                assert torch.equal(opt.state[p]["exp_avg_sq"], st["v"][n]), n
            if spec["type"] == "gpt":
                assert (model2.lm_head.weight is model2.transformer.wte.weight) == \
                    spec.get("tie_weights", True)
            opt2 = adamw(model2, lr=1e-2, weight_decay=0.1)
            restore_optimizer(opt2, model2, st)
            for p, p2 in zip(model.parameters(), model2.parameters()):
                p2.grad = p.grad.clone()
            opt.step()
            opt2.step()
            for p, p2 in zip(model.parameters(), model2.parameters()):
                assert torch.equal(p, p2)
            n = sum(p.numel() for p in model.parameters())
            print("ok %s %d parameters" % (spec["type"], n))


def main(argv):
    # Die quietly on a closed pipe (dl_torch.py info CKPT | head), as Unix tools do.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if len(argv) == 3 and argv[1] == "info":
        _info(argv[2])
        return 0
    if len(argv) == 2 and argv[1] == "selftest":
        _selftest()
        return 0
    sys.stderr.write("usage: dl_torch.py info CKPT | selftest\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
