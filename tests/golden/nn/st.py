#!/usr/bin/python3
"""st.py -- a small safetensors reader and writer for torch tensors (struct + json only).

Debian's python3-torch does not ship the safetensors package, so the golden scripts and the
interoperability test use this one, written from the format's public description:

    u64 little-endian N | N bytes of JSON header | data
    header: {"__metadata__": {str: str}, NAME: {"dtype", "shape", "data_offsets": [b, e]}}

The writer (contrib/dl_torch.py's) emits what the reference writer emits: compact JSON, "__metadata__" first, the
tensors in the order given (each as dtype, shape, data_offsets), spaces after the JSON up to
a multiple of 8 bytes, then the tensors' bytes back to back. The reader checks the same
things as lib/nn/safetensors.c (offsets tile the data exactly, shapes match, names unique).

As a command (used by tests/cli/safetensors-torch.sh):
    st.py dump FILE        one line per tensor: hex(name) dtype shape hex(bytes)
                           [hex(float32 bytes)]; metadata first as "meta hex(key)=hex(value)"
    st.py copy IN OUT      read IN and write it again
    st.py sample OUT       write a file with every dtype and the awkward values
"""
import json
import os
import struct
import sys

import torch

# The writer is dl_torch.py's (contrib/), the one users of dl-train get; this file adds the
# strict reader and the commands.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                                "contrib"))
from dl_torch import st_tensor_bytes as tensor_bytes  # noqa: E402
from dl_torch import st_dumps as dumps  # noqa: E402

DTYPES = {
    "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "F64": torch.float64, "I64": torch.int64, "I32": torch.int32, "I16": torch.int16,
    "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool,
}
NAMES = {v: k for k, v in DTYPES.items()}
FLOATS = ("F32", "F16", "BF16", "F64")
# Same-size integer types to take the raw bytes of types numpy lacks.
RAW = {torch.bfloat16: torch.int16, torch.float16: torch.int16}


def tensor_from(dtype, shape, raw):
    d = DTYPES[dtype]
    base = RAW.get(d, d)
    n = 1
    for s in shape:
        n *= s
    if n == 0:
        return torch.zeros(shape, dtype=d)
    t = torch.frombuffer(bytearray(raw), dtype=base).clone()
    if base is not d:
        t = t.view(d)
    return t.reshape(shape)


def save(path, tensors, metadata=None):
    with open(path, "wb") as f:
        f.write(dumps(tensors, metadata))


def loads(buf):
    """Returns (list of (name, dtype, shape, tensor) in header order, metadata)."""
    if len(buf) < 8:
        raise ValueError("too short")
    (n,) = struct.unpack("<Q", buf[:8])
    if n > len(buf) - 8:
        raise ValueError("header length past the end")

    def no_dups(pairs):
        d = {}
        for k, v in pairs:
            if k in d:
                raise ValueError("duplicate key %r" % k)
            d[k] = v
        return d
    head = json.loads(buf[8:8 + n].decode("utf-8"), object_pairs_hook=no_dups)
    data = buf[8 + n:]
    meta = head.pop("__metadata__", None)
    out, spans = [], []
    for name, info in head.items():
        if sorted(info) != ["data_offsets", "dtype", "shape"]:
            raise ValueError("%s: bad keys" % name)
        b, e = info["data_offsets"]
        shape = info["shape"]
        count = 1
        for s in shape:
            count *= s
        size = torch.tensor([], dtype=DTYPES[info["dtype"]]).element_size()
        if not 0 <= b <= e <= len(data) or e - b != count * size:
            raise ValueError("%s: bad data_offsets" % name)
        spans.append((b, e, name))
        out.append((name, info["dtype"], shape, tensor_from(info["dtype"], shape, data[b:e])))
    end = 0
    for b, e, name in sorted(spans):
        if b != end:
            raise ValueError("%s: data not tiled" % name)
        end = e
    if end != len(data):
        raise ValueError("trailing data")
    return out, meta


def load(path):
    """Returns ({name: tensor}, metadata)."""
    with open(path, "rb") as f:
        ts, meta = loads(f.read())
    return {name: t for name, _, _, t in ts}, meta


def dump(path):
    with open(path, "rb") as f:
        ts, meta = loads(f.read())
    lines = []
    for k in sorted(meta or {}):
        lines.append("meta %s=%s" % (k.encode().hex(), meta[k].encode().hex()))
    for name, dtype, shape, t in ts:
        line = "%s %s [%s] %s" % (name.encode().hex(), dtype, ",".join(map(str, shape)), tensor_bytes(t).hex())
        if dtype in FLOATS:
            line += " " + tensor_bytes(t.float()).hex()
        lines.append(line)
    return "\n".join(lines) + "\n"


def sample():
    """Every dtype, an empty tensor, a scalar, and the values conversions get wrong."""
    g = torch.Generator().manual_seed(7)
    h = torch.tensor([0x0000, 0x8000, 0x0001, 0x03ff, 0x0400, 0x3c00, 0xbc00, 0x7bff, 0x7c00,
                      0xfc00, 0x7e00, 0x7c01, 0xfe01, 0x0200, 0x8001, 0x3555],
                     dtype=torch.int32).to(torch.int16)
    bf = torch.tensor([0x0000, 0x8000, 0x0001, 0x007f, 0x0080, 0x3f80, 0x7f7f, 0x7f80, 0xff80,
                       0x7fc0, 0x7f81, 0x4049], dtype=torch.int32).to(torch.int16)
    ts = [
        ("f32", torch.randn(3, 5, generator=g)),
        ("f16.special", h.view(torch.float16)),
        ("f16.random", torch.randn(4, 4, generator=g).half()),
        ("bf16.special", bf.view(torch.bfloat16)),
        ("bf16.random", torch.randn(2, 3, 2, generator=g).bfloat16()),
        ("f64", torch.tensor([0.1, -1e300, 1e-300, 3.0000001192092896, float("inf"), 1 / 3],
                             dtype=torch.float64)),
        ("i64", torch.tensor([0, -1, 2 ** 62, -2 ** 63], dtype=torch.int64)),
        ("i32", torch.arange(-3, 3, dtype=torch.int32).reshape(2, 3)),
        ("i16", torch.tensor([-32768, 32767, 1], dtype=torch.int16)),
        ("i8", torch.tensor([-128, 127, 0], dtype=torch.int8)),
        ("u8", torch.tensor([0, 255, 7], dtype=torch.uint8)),
        ("bool", torch.tensor([True, False, True])),
        ("scalar", torch.tensor(2.5)),
        ("empty", torch.zeros(0, 3)),
        ("ünï \"quoted\"\n", torch.ones(1)),
    ]
    return ts, {"format": "pt", "made by": "tests/golden/nn/st.py"}


def main(argv):
    if len(argv) == 3 and argv[1] == "dump":
        sys.stdout.write(dump(argv[2]))
    elif len(argv) == 4 and argv[1] == "copy":
        with open(argv[2], "rb") as f:
            ts, meta = loads(f.read())
        save(argv[3], [(n, t) for n, _, _, t in ts], meta)
    elif len(argv) == 3 and argv[1] == "sample":
        ts, meta = sample()
        save(argv[2], ts, meta)
    else:
        sys.stderr.write("usage: st.py dump FILE | copy IN OUT | sample OUT\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
