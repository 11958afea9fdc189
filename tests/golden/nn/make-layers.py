#!/usr/bin/python3
"""make-layers.py -- golden values of the layer kernels of lib/nn/layers.h, from torch.

Writes tests/data/nn/layers.safetensors (through st.py). For each layer, in float32 with a
fixed seed: small random inputs and parameters, the forward output, and the gradients of
L = sum(y * r) for a random r (so r is the dy the C backward gets). Names are LAYER.WHAT:
x, w, b inputs and parameters; y output; r the upstream gradient; dx, dw, db gradients;
extra caches where the C forward keeps one (layernorm.mean, .rstd; rmsnorm.rstd;
attention.att). Losses store the mean loss (LOSS.loss) and its gradient (LOSS.dx).

Run from the top of the source tree with Debian's python3-torch:
    /usr/bin/python3 tests/golden/nn/make-layers.py
"""
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import st  # noqa: E402

OUT = "tests/data/nn/layers.safetensors"
torch.manual_seed(20240611)
T = []          # (name, tensor) in order


def put(prefix, **kw):
    for k, v in kw.items():
        T.append(("%s.%s" % (prefix, k), v.detach().contiguous()))


def leaf(*shape, scale=1.0):
    return (torch.randn(*shape) * scale).requires_grad_()


def backward(y):
    """L = sum(y * r); returns r."""
    r = torch.randn_like(y)
    (y * r).sum().backward()
    return r


def linear(prefix, n, cin, cout, bias):
    x, w = leaf(n, cin), leaf(cout, cin, scale=cin ** -0.5)
    b = leaf(cout) if bias else None
    y = F.linear(x, w, b)
    r = backward(y)
    put(prefix, x=x, w=w, y=y, r=r, dx=x.grad, dw=w.grad)
    if bias:
        put(prefix, b=b, db=b.grad)


def embedding():
    ids = torch.tensor([3, 0, 10, 3, 7, 3, 1, 10, 5], dtype=torch.int64)
    w = leaf(11, 4)
    y = F.embedding(ids, w)
    r = backward(y)
    put("embedding", ids=ids.to(torch.int32), w=w, y=y, r=r, dw=w.grad)


def layernorm(prefix, n, c):
    eps = 1e-5
    x, w, b = leaf(n, c, scale=2.0), leaf(c), leaf(c)
    with torch.no_grad():
        x[0] += 10.0    # a row far from zero mean
        x[-1] = 1.5     # a constant row: variance 0, rstd = 1/sqrt(eps)
    y, mean, rstd = torch.native_layer_norm(x, [c], w, b, eps)
    assert torch.equal(y, F.layer_norm(x, [c], w, b, eps))
    r = backward(y)
    put(prefix, x=x, w=w, b=b, y=y, r=r, dx=x.grad, dw=w.grad, db=b.grad,
        mean=mean.reshape(n), rstd=rstd.reshape(n), eps=torch.tensor(eps))


def rmsnorm(prefix, n, c):
    # torch.nn.RMSNorm (torch >= 2.4) is y = x * rsqrt(mean(x^2, -1) + eps) * weight; Debian's
    # torch 1.13 lacks it, so the formula is written in torch ops (autograd does the rest).
    eps = 1e-5
    x, w = leaf(n, c, scale=2.0), leaf(c)
    rstd = torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)
    y = x * rstd * w
    r = backward(y)
    put(prefix, x=x, w=w, y=y, r=r, dx=x.grad, dw=w.grad, rstd=rstd.reshape(n),
        eps=torch.tensor(eps))


def activations():
    base = torch.randn(5, 8) * 2.5
    base[0, :4] = torch.tensor([0.0, -0.0, 8.0, -8.0])   # relu at 0 (torch: gradient 0)
    for name, fn in (("relu", F.relu), ("gelu", F.gelu),
                     ("gelu_tanh", lambda x: F.gelu(x, approximate="tanh")),
                     ("silu", F.silu)):
        x = base.clone().requires_grad_()
        y = fn(x)
        r = backward(y)
        put(name, x=x, y=y, r=r, dx=x.grad)


def swiglu():
    n, h = 4, 6
    x = leaf(n, 2 * h, scale=2.0)
    a, b = x[:, :h], x[:, h:]
    y = F.silu(a) * b
    r = backward(y)
    put("swiglu", x=x, y=y, r=r, dx=x.grad)


def dropout():
    p = 0.25
    x = leaf(6, 5)
    mask = (torch.rand(6, 5) >= p).to(torch.uint8)
    y = x * mask / (1 - p)
    r = backward(y)
    put("dropout", x=x, mask=mask, p=torch.tensor(p), y=y, r=r, dx=x.grad)


def attention(prefix, b, t, c, nh):
    """GPT-2's causal self-attention core: qkv [b, t, 3c] -> y [b, t, c], att [b, nh, t, t]."""
    d = c // nh
    qkv = leaf(b, t, 3 * c)
    q, k, v = qkv.split(c, dim=2)
    q, k, v = (z.reshape(b, t, nh, d).transpose(1, 2) for z in (q, k, v))
    s = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(d))
    causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
    att = torch.softmax(s.masked_fill(~causal, float("-inf")), dim=-1)
    y = (att @ v).transpose(1, 2).reshape(b, t, c)
    r = backward(y)
    put(prefix, qkv=qkv, y=y, att=att, r=r, dx=qkv.grad,
        dims=torch.tensor([b, t, c, nh], dtype=torch.int32))


def cross_entropy(prefix, n, v):
    ignore = -100
    x = leaf(n, v, scale=3.0)
    with torch.no_grad():
        x[0] *= 40.0    # logits of a few hundred: only a max-shifted softmax survives
    tg = torch.randint(0, v, (n,))
    tg[1::3] = ignore
    loss = F.cross_entropy(x, tg, ignore_index=ignore)
    loss.backward()
    put(prefix, x=x, targets=tg.to(torch.int32), ignore=torch.tensor(ignore, dtype=torch.int32),
        loss=loss, dx=x.grad)


def mse():
    x, tg = leaf(4, 5), torch.randn(4, 5)
    loss = F.mse_loss(x, tg)
    loss.backward()
    put("mse", x=x, target=tg, loss=loss, dx=x.grad)


def bce():
    x = leaf(4, 5, scale=3.0)
    with torch.no_grad():
        x[0, :4] = torch.tensor([40.0, -40.0, 90.0, -90.0])   # where the naive formula fails
    tg = torch.rand(4, 5)
    tg[1] = torch.tensor([0.0, 1.0, 0.0, 1.0, 0.5])
    loss = F.binary_cross_entropy_with_logits(x, tg)
    loss.backward()
    put("bce", x=x, target=tg, loss=loss, dx=x.grad)


def main():
    # Small shapes to read by eye, and larger ones that cross the kernels' blocking and
    # threading (several rows per thread, sgemm beyond one tile).
    linear("linear", 6, 5, 7, True)
    linear("linear_nobias", 6, 5, 7, False)
    linear("linear_big", 40, 64, 72, True)
    embedding()
    layernorm("layernorm", 5, 8)
    layernorm("layernorm_big", 37, 64)
    rmsnorm("rmsnorm", 5, 8)
    rmsnorm("rmsnorm_big", 37, 64)
    activations()
    swiglu()
    dropout()
    attention("attention", 2, 5, 8, 2)
    attention("attention2", 1, 9, 24, 4)
    attention("attention_big", 2, 20, 48, 4)
    cross_entropy("ce", 7, 10)
    cross_entropy("ce_big", 32, 130)
    mse()
    bce()
    st.save(OUT, T, {"made by": "tests/golden/nn/make-layers.py",
                     "torch": torch.__version__})
    print("%s: %d tensors, %d bytes" % (OUT, len(T), os.path.getsize(OUT)))


if __name__ == "__main__":
    main()
