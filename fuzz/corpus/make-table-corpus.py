#!/usr/bin/python3
"""make-table-corpus.py — seeds of fuzz/fuzz_table (fuzz/corpus/table/).

Each seed is one option byte (see fuzz/fuzz_table.c) followed by a table in CSV, libsvm or
TFRecord-framed tf.Example form (the records are encoded here by hand, with CRC-32C written
from its definition: reflected polynomial 0x82F63B78, RFC 3720). Run from the source tree:
    /usr/bin/python3 fuzz/corpus/make-table-corpus.py
"""
import gzip
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "table")


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def masked(data):
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(num, wire, payload):
    key = varint(num << 3 | wire)
    if wire == 2:
        return key + varint(len(payload)) + payload
    return key + payload


def feature(kind, values):
    if kind == "float":
        packed = b"".join(struct.pack("<f", v) for v in values)
        return field(2, 2, field(1, 2, packed))
    if kind == "int64":
        packed = b"".join(varint(v & 0xFFFFFFFFFFFFFFFF) for v in values)
        return field(3, 2, field(1, 2, packed))
    return field(1, 2, b"".join(field(1, 2, v) for v in values))


def example(feats):
    entries = b""
    for name, (kind, values) in feats.items():
        entry = field(1, 2, name.encode()) + field(2, 2, feature(kind, values))
        entries += field(1, 2, entry)
    return field(1, 2, entries)


def record(payload):
    n = struct.pack("<Q", len(payload))
    return n + struct.pack("<I", masked(n)) + payload + struct.pack("<I", masked(payload))


def records(rows):
    return b"".join(record(example(r)) for r in rows)


SEEDS = {
    "csv-basic": (0, b"a,label,b\n1,0,2.5\n3,1,\"4\"\n\n5,0,NA\n"),
    "csv-roles": (4 | 128, b"s,q,a,y,w\n\"x,\"\"y\"\"\",1,1.5,1,2\nz,1,2,0,0.5\nk,2,nan,1,1\n"),
    "csv-features": (64 | 8, b"f0,a,label,f1,z\n1,2,1,3,9\r\n4,5,0,6,9\r\n"),
    "csv-semicolon": (48, b"a;b;label\n1e3;-2.5e-3;1\n+.5;7.;0\n"),
    "csv-ragged": (0, b"a,b,c\n1,2,3\n4,5\n"),
    "csv-notnum": (8, b"a,label\n1,0\nabc,1\n"),
    "csv-dup": (0, b"a,a\n1,2\n"),
    "csv-unclosed": (0, b"a,b\n1,\"2\n"),
    "libsvm-basic": (0, b"1 1:0.5 3:4.25\n0 2:-1 # c\n# only\n1:2 4:1e3 2:7\n"),
    "libsvm-zero": (32, b"1 0:1 2:2\n0 1:3\n"),
    "libsvm-qid": (2 | 8, b"3 qid:7 1:1\n2 qid:7 2:1\n0 qid:9 1:3\n"),
    "libsvm-qid-bad": (2, b"3 qid:7 1:1\n2 qid:8 2:1\n0 qid:7 1:3\n"),
    "libsvm-bad": (2, b"1 x:1\n"),
    "libsvm-features": (2 | 64, b"1 1:1 3:2\n0 2:3\n"),
    "records": (3, records([
        {"x": ("float", [0.5]), "label": ("int64", [1]), "q": ("int64", [5])},
        {"x": ("float", []), "late": ("int64", [7]), "label": ("int64", [0]), "q": ("int64", [5])},
        {"s": ("bytes", [b"hi"]), "label": ("int64", [1]), "q": ("int64", [6])},
    ])),
    "records-auto-gz": (4, gzip.compress(records([
        {"a": ("float", [1.0]), "y": ("float", [1.0]), "w": ("float", [2.0]), "q": ("int64", [1])},
        {"a": ("float", [2.0]), "y": ("float", [0.0]), "w": ("float", [1.0]), "q": ("int64", [1])},
    ]), mtime=0)),
    "records-list": (3, records([{"v": ("float", [1.0, 2.0])}])),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, (opt, data) in SEEDS.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(bytes([opt]) + data)
    print("wrote %d seeds to %s" % (len(SEEDS), OUT))


if __name__ == "__main__":
    main()
