#!/usr/bin/python3
"""llmc-files.py -- writes a dl-train GPT checkpoint and byte data in the file formats of
karpathy/llm.c's CPU trainer (train_gpt2.c), so that it can be timed on the same model,
the same weights and the same data as dl-train and PyTorch.

    /usr/bin/python3 bench/train/llmc-files.py CKPT TRAIN.txt VALID.txt OUTDIR

writes OUTDIR/model.bin, OUTDIR/train.bin and OUTDIR/val.bin. The formats, as llm.c reads
them (train_gpt2.c gpt2_build_from_checkpoint, llmc/dataloader.h):
  model: 256 int32 (magic 20240326, version 3, max_seq_len, vocab_size, num_layers,
         num_heads, channels, padded_vocab_size, then zeros), then every parameter as
         float32, tensor after tensor: wte [Vp, C], wpe [maxT, C], then for each kind the
         tensors of all layers one after the other: ln_1 weight, ln_1 bias, qkv weight
         [3C, C], qkv bias, attention projection weight [C, C] and bias, ln_2 weight and
         bias, fc weight [4C, C] and bias, fc projection weight [C, 4C] and bias; last ln_f
         weight and bias. The output head is wte (tied weights only).
  tokens: 256 int32 (magic 20240520, version 1, token count, zeros), then uint16 tokens.
Bytes are tokens 0-255, as with dl-train --bytes. Only tied GPTs with biases fit llm.c.
"""
import json
import os
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "contrib"))
import dl_torch  # noqa: E402


def write_tokens(src, dst):
    with open(src, "rb") as f:
        data = np.frombuffer(f.read(), dtype=np.uint8).astype(np.uint16)
    header = np.zeros(256, dtype=np.int32)
    header[0:3] = (20240520, 1, data.size)
    with open(dst, "wb") as f:
        f.write(header.tobytes())
        f.write(data.tobytes())


def write_model(ckpt, dst):
    spec, model, _, _ = dl_torch.load_checkpoint(ckpt)
    if spec["type"] != "gpt" or not spec.get("tie_weights", True) or not spec.get("bias", True):
        raise SystemExit("llmc-files.py: llm.c takes tied GPTs with biases only")
    sd = {k: v.detach().float().numpy() for k, v in model.state_dict().items()}
    L, C = spec["n_layer"], spec["n_embd"]
    V, T = spec["vocab_size"], spec["block_size"]
    header = np.zeros(256, dtype=np.int32)
    header[0:8] = (20240326, 3, T, V, L, spec["n_head"], C, V)
    per_layer = ["ln_1.weight", "ln_1.bias", "attn.c_attn.weight", "attn.c_attn.bias",
                 "attn.c_proj.weight", "attn.c_proj.bias", "ln_2.weight", "ln_2.bias",
                 "mlp.c_fc.weight", "mlp.c_fc.bias", "mlp.c_proj.weight", "mlp.c_proj.bias"]
    parts = [sd["transformer.wte.weight"], sd["transformer.wpe.weight"]]
    for name in per_layer:
        parts += [sd["transformer.h.%d.%s" % (i, name)] for i in range(L)]
    parts += [sd["transformer.ln_f.weight"], sd["transformer.ln_f.bias"]]
    with open(dst, "wb") as f:
        f.write(header.tobytes())
        for p in parts:
            f.write(np.ascontiguousarray(p, dtype=np.float32).tobytes())
    return sum(p.size for p in parts)


def main():
    if len(sys.argv) != 5:
        raise SystemExit("usage: llmc-files.py CKPT TRAIN.txt VALID.txt OUTDIR")
    ckpt, train, valid, out = sys.argv[1:]
    os.makedirs(out, exist_ok=True)
    n = write_model(ckpt, os.path.join(out, "model.bin"))
    write_tokens(train, os.path.join(out, "train.bin"))
    write_tokens(valid, os.path.join(out, "val.bin"))
    print(json.dumps({"parameters": int(n), "dir": out}))


if __name__ == "__main__":
    main()
