#!/usr/bin/python3
"""make-optim.py -- golden values for lib/nn/optim.c from torch.optim and torch.nn.utils.

Writes tests/data/nn/optim-golden.txt (or the path given as the only argument), which
tests/check_nn_optim.c replays. Run with Debian's python3-torch:

    /usr/bin/python3 tests/golden/nn/make-optim.py

Everything the C test needs is in the file: the initial parameters, the gradient of every
step (from a seeded numpy generator, so both sides see the same float32 values), the
learning-rate factor of every step, the decay mask, then for each optimizer case its
settings and the parameters after every step, and for each clipping case the gradients
before, the norm torch returns and the gradients after. Floats are written with 9
significant digits (float32 round-trips) and doubles with 17.

A decay mask is realised as two parameter groups, the masked-in elements with the weight
decay and the rest without, as a training script would set it up. The single-tensor code
paths (foreach=False) are what torch runs on the CPU.

Format, whitespace-separated, one record per line:
    n N steps S
    lrscale F_0 .. F_{S-1}          step s runs at lr * F_s
    mask M_0 .. M_{N-1}
    p0 P_0 .. P_{N-1}
    grad s G_0 .. G_{N-1}           S lines
    case NAME KIND lr L momentum M nesterov 0|1 beta1 B1 beta2 B2 eps E wd W masked 0|1
    after s P_0 .. P_{N-1}          S lines per case
    clip NAME n K max_norm X norm Y
    in G_0 .. G_{K-1}
    out G_0 .. G_{K-1}
    end
"""
import sys

import numpy as np
import torch

N = 37          # a vectorised body (32) and a scalar tail in torch's kernels
STEPS = 20
SEED = 20240611


def f32(x):
    return "%.9g" % float(x)


def f64(x):
    return repr(float(x))


def vec(a):
    return " ".join(f32(x) for x in a)


def make_inputs(rng):
    p0 = (rng.standard_normal(N) * 0.5).astype(np.float32)
    p0[5] = 0.0
    p0[17] = -3.25
    grads = []
    scales = [1.0, 0.1, 3.0, 0.01, 1.0, 1e-3, 0.5, 2.0, 1.0, 1e-4,
              1.0, 0.3, 5.0, 0.02, 1.0, 1.0, 0.05, 1.0, 0.7, 1.5]
    for s in range(STEPS):
        g = (rng.standard_normal(N) * scales[s]).astype(np.float32)
        g[3] = np.float32(1e-7 * (1 + s))       # tiny: eps matters
        if s % 4 == 1:
            g[11] = 0.0
        if s == 6:
            g[20:24] = 0.0
        grads.append(g)
    lrscale = [min(1.0, (s + 1) / 4.0) * (0.5 + 0.5 * np.cos(np.pi * s / STEPS))
               for s in range(STEPS)]
    mask = np.array([0 if i % 3 == 0 else 1 for i in range(N)], dtype=np.uint8)
    return p0, grads, lrscale, mask


CASES = [
    # name, kind, lr, momentum, nesterov, beta1, beta2, eps, wd, masked
    ("sgd", "sgd", 0.1, 0.0, 0, 0.9, 0.999, 1e-8, 0.0, 0),
    ("sgd_momentum", "sgd", 0.05, 0.9, 0, 0.9, 0.999, 1e-8, 0.0, 0),
    ("sgd_nesterov", "sgd", 0.05, 0.9, 1, 0.9, 0.999, 1e-8, 0.0, 0),
    ("sgd_wd", "sgd", 0.1, 0.0, 0, 0.9, 0.999, 1e-8, 0.01, 0),
    ("sgd_momentum_wd_mask", "sgd", 0.03, 0.9, 0, 0.9, 0.999, 1e-8, 0.1, 1),
    ("sgd_nesterov_wd", "sgd", 0.02, 0.8, 1, 0.9, 0.999, 1e-8, 0.05, 0),
    ("adam", "adam", 0.01, 0.0, 0, 0.9, 0.999, 1e-8, 0.0, 0),
    ("adam_wd", "adam", 0.01, 0.0, 0, 0.9, 0.999, 1e-8, 0.1, 0),
    ("adam_wd_mask", "adam", 0.01, 0.0, 0, 0.9, 0.999, 1e-8, 0.1, 1),
    ("adam_betas", "adam", 0.003, 0.0, 0, 0.8, 0.95, 1e-6, 0.0, 0),
    ("adamw", "adamw", 0.01, 0.0, 0, 0.9, 0.999, 1e-8, 0.0, 0),
    ("adamw_wd", "adamw", 0.01, 0.0, 0, 0.9, 0.999, 1e-8, 0.1, 0),
    ("adamw_wd_mask", "adamw", 0.01, 0.0, 0, 0.9, 0.999, 1e-8, 0.1, 1),
    ("adamw_betas_wd", "adamw", 0.002, 0.0, 0, 0.85, 0.98, 1e-7, 0.3, 1),
]


def make_opt(kind, groups, lr, mom, nest, b1, b2, eps):
    if kind == "sgd":
        return torch.optim.SGD(groups, lr=lr, momentum=mom, nesterov=bool(nest),
                               foreach=False)
    if kind == "adam":
        return torch.optim.Adam(groups, lr=lr, betas=(b1, b2), eps=eps, foreach=False)
    return torch.optim.AdamW(groups, lr=lr, betas=(b1, b2), eps=eps, foreach=False)


def run_case(case, p0, grads, lrscale, mask):
    name, kind, lr, mom, nest, b1, b2, eps, wd, masked = case
    on = mask != 0 if masked else np.ones(N, dtype=bool)
    idx = [np.nonzero(on)[0], np.nonzero(~on)[0]]
    params = [torch.nn.Parameter(torch.from_numpy(p0[i].copy())) for i in idx]
    groups = [{"params": [params[0]], "weight_decay": wd},
              {"params": [params[1]], "weight_decay": 0.0}]
    opt = make_opt(kind, groups, lr, mom, nest, b1, b2, eps)
    rows = []
    for s in range(STEPS):
        for g in opt.param_groups:
            g["lr"] = lr * lrscale[s]
        for p, i in zip(params, idx):
            p.grad = torch.from_numpy(grads[s][i].copy())
        opt.step()
        out = np.empty(N, dtype=np.float32)
        for p, i in zip(params, idx):
            out[i] = p.detach().numpy()
        rows.append(out)
    return rows


def clip_cases(rng):
    big = (rng.standard_normal(1000) * 2.0).astype(np.float32)
    small = (rng.standard_normal(N) * 0.01).astype(np.float32)
    return [
        ("clipped", big, 1.0),
        ("clipped_half", big, 30.0),
        ("unclipped", small, 1.0),
        ("zero", np.zeros(N, dtype=np.float32), 1.0),
        ("just_over", small, float(np.linalg.norm(small.astype(np.float64))) * 0.999),
    ]


def run_clip(g, max_norm):
    p = torch.nn.Parameter(torch.zeros(len(g)))
    p.grad = torch.from_numpy(g.copy())
    norm = torch.nn.utils.clip_grad_norm_([p], max_norm)
    return float(norm), p.grad.numpy().copy()


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "tests/data/nn/optim-golden.txt"
    torch.set_default_dtype(torch.float32)
    rng = np.random.default_rng(SEED)
    p0, grads, lrscale, mask = make_inputs(rng)
    lines = ["# optim-golden.txt: torch.optim %s, written by tests/golden/nn/make-optim.py"
             % torch.__version__,
             "n %d steps %d" % (N, STEPS),
             "lrscale " + " ".join(f64(x) for x in lrscale),
             "mask " + " ".join(str(int(m)) for m in mask),
             "p0 " + vec(p0)]
    for s, g in enumerate(grads):
        lines.append("grad %d %s" % (s, vec(g)))
    for case in CASES:
        name, kind, lr, mom, nest, b1, b2, eps, wd, masked = case
        lines.append("case %s %s lr %s momentum %s nesterov %d beta1 %s beta2 %s eps %s "
                     "wd %s masked %d" % (name, kind, f64(lr), f64(mom), nest, f64(b1),
                                          f64(b2), f64(eps), f64(wd), masked))
        for s, row in enumerate(run_case(case, p0, grads, lrscale, mask)):
            lines.append("after %d %s" % (s, vec(row)))
    for name, g, max_norm in clip_cases(rng):
        norm, out = run_clip(g, max_norm)
        lines.append("clip %s n %d max_norm %s norm %s" % (name, len(g), f64(max_norm),
                                                        f64(norm)))
        lines.append("in " + vec(g))
        lines.append("out " + vec(out))
    lines.append("end")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
