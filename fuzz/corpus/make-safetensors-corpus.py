#!/usr/bin/env python3
"""Writes the seed corpus of fuzz/fuzz_safetensors into fuzz/corpus/safetensors/.

Run from the top of the source tree; plain Python 3 (struct, json), no torch. Seeds: a good
file of every dtype with metadata, a scalar, empty tensors, and the ways a file goes wrong
(each close to a valid one so that the fuzzer starts near the checks).
"""
import json
import os
import struct

OUT = "fuzz/corpus/safetensors"
SIZES = {"F32": 4, "F16": 2, "BF16": 2, "F64": 8, "I64": 8, "I32": 4, "I16": 2, "I8": 1,
         "U8": 1, "BOOL": 1}


def raw(header, data=b"", pad=True):
    h = header if isinstance(header, bytes) else header.encode()
    if pad:
        h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + data


def good(tensors, meta=None):
    """tensors: list of (name, dtype, shape)."""
    head, off = {}, 0
    if meta:
        head["__metadata__"] = meta
    for name, dt, shape in tensors:
        n = SIZES[dt]
        for s in shape:
            n *= s
        head[name] = {"dtype": dt, "shape": shape, "data_offsets": [off, off + n]}
        off += n
    return raw(json.dumps(head, separators=(",", ":")), bytes(i % 251 for i in range(off)))


SEEDS = {
    "every-dtype": good([(dt.lower(), dt, [2, 3]) for dt in SIZES], {"format": "pt"}),
    "scalar": good([("s", "F32", [])]),
    "empty-tensors": good([("a", "F32", [0]), ("b", "I8", [3, 0, 2]), ("c", "U8", [1])]),
    "nothing": raw("{}"),
    "unpadded": raw('{"x":{"dtype":"F16","shape":[3],"data_offsets":[0,6]}}', b"\0" * 6,
                    pad=False),
    "too-short": b"\x10\0\0\0",
    "length-past-end": struct.pack("<Q", 1000) + b"{}",
    "bad-json": raw('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}', b"\0" * 4),
    "unknown-dtype": raw('{"x":{"dtype":"F12","shape":[1],"data_offsets":[0,4]}}', b"\0" * 4),
    "shape-mismatch": raw('{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', b"\0" * 4),
    "overlap": raw('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},'
                   '"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', b"\0" * 8),
    "hole": raw('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', b"\0" * 8),
    "duplicate": raw('{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},'
                     '"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', b"\0" * 2),
    "bad-metadata": raw('{"__metadata__":{"k":1}}'),
    "huge-shape": raw('{"x":{"dtype":"F64","shape":[4294967296,4294967296],'
                      '"data_offsets":[0,8]}}', b"\0" * 8),
    "truncated-data": good([("w", "F32", [4, 4])])[:-5],
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, b in sorted(SEEDS.items()):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(b)


if __name__ == "__main__":
    main()
