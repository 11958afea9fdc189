#!/usr/bin/env python3
# make-corpus.py — writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/).
#
# Each corpus holds a handful of small valid inputs and a few slightly broken ones, so that
# the fuzzer starts from every branch that matters (packed and unpacked lists, unknown
# fields, repeated keys, gzip and zlib streams, bad CRCs, truncations, ...). The wire format
# is written by hand here, from the protobuf encoding rules and TensorFlow's record framing,
# independently of lib/record. Deterministic: running it again gives the same files.
# Usage: python3 fuzz/corpus/make-corpus.py   (from anywhere; writes beside this script)
import gzip
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


# ---- CRC-32C (RFC 3720), table method, and TFRecord framing
def _table():
    t = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        t.append(c)
    return t


TABLE = _table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def mask(c):
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def frame(payload):
    hdr = struct.pack("<Q", len(payload))
    return (hdr + struct.pack("<I", mask(crc32c(hdr))) + payload +
            struct.pack("<I", mask(crc32c(payload))))


# ---- protobuf wire format
def varint(v):
    v &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def ld(field, body):
    return varint(field << 3 | 2) + varint(len(body)) + body


def bytes_list(*vals):
    return ld(1, b"".join(ld(1, v) for v in vals))


def float_list(*vals):
    return ld(2, ld(1, b"".join(struct.pack("<f", v) for v in vals)))


def int64_list(*vals):
    return ld(3, ld(1, b"".join(varint(v) for v in vals)))


def example(*feats):
    """feats: (name bytes, Feature body bytes) pairs, in wire order."""
    entries = b"".join(ld(1, ld(1, n) + ld(2, f)) for n, f in feats)
    return ld(1, entries)


def write(target, name, data):
    d = os.path.join(HERE, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


NAN = struct.unpack("<f", b"\x01\x00\xc0\x7f")[0]

EX_SIMPLE = example((b"label", int64_list(1)))
EX_MIXED = example((b"label", int64_list(0)),
                   (b"x", float_list(0.5, -1.25, 3.0, 1e-3)),
                   (b"text", bytes_list(b"In the beginning", b"")),
                   (b"ids", int64_list(-1, 0, 127, 128, 2**40, -2**63)))
# Unpacked numeric lists: Int64List value = 1 varint (tag 08), FloatList value = 1 fixed32 (0D).
EX_UNPACKED = example((b"n", ld(3, b"\x08\x05\x08\x96\x01")),
                      (b"f", ld(2, b"\x0d" + struct.pack("<f", 2.5) + b"\x0d" + struct.pack("<f", -0.0))))
EX_REPEATED = example((b"a", int64_list(1)), (b"b", bytes_list(b"x")), (b"a", float_list(9.0)))
# Unknown fields: varint field 5 in Example, fixed64 field 7 in Features, fixed32 in a map entry.
EX_UNKNOWN = (b"\x28\x01" + ld(1, b"\x39" + b"\0" * 8 + ld(1, ld(1, b"k") + b"\x1d\0\0\0\0" +
                                                            ld(2, int64_list(3)))) + ld(9, b"zz"))
EX_NONE = example((b"empty", b""), (b"nolist", int64_list()), (b"nofloat", ld(2, b"")))
EX_SPECIAL = example((b"f", float_list(float("inf"), float("-inf"), float("nan"), NAN, -0.0, 1e-45)),
                     (b"\xff\xfename", bytes_list(b"\x00\x01\xff", "é✓".encode())))


def corpus_example():
    write("example", "empty", b"")
    write("example", "simple", EX_SIMPLE)
    write("example", "mixed", EX_MIXED)
    write("example", "unpacked", EX_UNPACKED)
    write("example", "repeated-key", EX_REPEATED)
    write("example", "unknown-fields", EX_UNKNOWN)
    write("example", "no-kind", EX_NONE)
    write("example", "special-floats", EX_SPECIAL)
    write("example", "bad-varint", b"\x0a\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01")
    write("example", "bad-length", EX_MIXED[:-5])
    write("example", "bad-wiretype", b"\x0f" + EX_SIMPLE)
    write("example", "bad-float-length", example((b"f", ld(2, ld(1, b"\0\0\0")))))


def corpus_tfrecord():
    three = frame(EX_SIMPLE) + frame(EX_MIXED) + frame(EX_SPECIAL)
    write("tfrecord", "empty", b"")
    write("tfrecord", "one", frame(EX_SIMPLE))
    write("tfrecord", "three", three)
    write("tfrecord", "zero-length", frame(b"") + frame(EX_NONE))
    write("tfrecord", "three.gz", gzip.compress(three, mtime=0))
    write("tfrecord", "three.zlib", zlib.compress(three, 6))
    write("tfrecord", "two-members.gz", gzip.compress(frame(EX_SIMPLE), mtime=0) +
          gzip.compress(frame(EX_UNPACKED), mtime=0))
    # A plain record whose length bytes (78 01) look like a zlib header.
    write("tfrecord", "looks-like-zlib", frame(bytes(range(256)) + bytes(120)))
    bad = bytearray(three)
    bad[-1] ^= 1
    write("tfrecord", "bad-data-crc", bytes(bad))
    bad = bytearray(frame(EX_MIXED))
    bad[8] ^= 0x10
    write("tfrecord", "bad-length-crc", bytes(bad))
    write("tfrecord", "truncated-payload", three[:len(frame(EX_SIMPLE)) + 20])
    write("tfrecord", "truncated-footer", frame(EX_SIMPLE)[:-2])
    write("tfrecord", "truncated-header", frame(EX_SIMPLE) + b"\x05\0\0")
    write("tfrecord", "truncated.gz", gzip.compress(three, mtime=0)[:-12])
    hdr = struct.pack("<Q", 1 << 40)
    write("tfrecord", "huge-length", hdr + struct.pack("<I", mask(crc32c(hdr))) + b"abc")


def corpus_jsonl():
    write("jsonl", "empty", b"")
    write("jsonl", "typed", b'{"a":{"int64":[1,2]},"b":{"bytes":["x"]},"c":{"float":[0.5,-0,1e-45]}}\n')
    write("jsonl", "shorthand", b'{"label": 1, "x": [0.5, 2], "s": "text", "l": ["a", "b"]}\n'
          b'  \n{ "label" : -3 }\r\n')
    write("jsonl", "special",
          b'{"f":{"float":["NaN","NaN:0x7fc00001","Infinity","-Infinity",3.4028235e38]},'
          b'"i":{"int64":["9223372036854775807",-9007199254740992]},'
          b'"b":{"bytes":[{"base64":"AP8="},"\\u00e9\\ud83d\\ude00\\u0000\\n"]},"\\udcff":{}}\n')
    write("jsonl", "many-lines", b"".join(b'{"i":%d,"t":"line %d"}\n' % (i, i) for i in range(8)))
    write("jsonl", "no-newline", b'{"x":{"float":[1.5]}}')
    write("jsonl", "duplicate-key", b'{"a":1,"a":{"bytes":["last"]}}\n')
    write("jsonl", "bad-colon", b'{"a" 1}\n')
    write("jsonl", "bad-int", b'{"a":{"int64":[1.5]}}\n')
    write("jsonl", "bad-trailing", b'{"a":1} x\n')
    write("jsonl", "bad-mixed", b'{"a":[1,"x"]}\n')
    write("jsonl", "bad-base64", b'{"a":{"bytes":[{"base64":"A"}]}}\n')
    write("jsonl", "bad-surrogate", b'{"a":"\\ud800"}\n')


def corpus_csv():
    # The first byte picks the options (see fuzz/fuzz_csv.c): bits 0-1 the delimiter
    # (, TAB ; |), bit 2 infer_rows = 3, bit 3 label = "label", bits 4-5 forced types.
    def csv(name, text, opts=0):
        write("csv", name, bytes([opts]) + text)
    csv("header-only", b"a,b,c\n")
    csv("types", b"label,x,name\n1,0.5,alice\n0,-2e3,bob\n1,,\n")
    csv("label-first", b"x,name,label\n0.5,alice,1\n-2e3,bob,0\n,,1\n", 0x08)
    csv("quoted", b'id,text\r\n1,"a, b"\r\n2,"say ""hi"""\r\n3,"two\nlines"\r\n4,""\r\n')
    csv("bom", b"\xef\xbb\xbfx,y\n1,2\n")
    csv("special", b"f,i\nnan,9223372036854775807\n-inf,-9223372036854775808\n.5,0\n5.,1\n")
    csv("tabs", b"label\tx\ttext\n1\t2.5\t a b \n0\t\t\"q\tq\"\n", 0x01)
    csv("infer-few", b"x;y\n1;a\n2;b\n3;c\n4.5;d\n", 0x06)
    csv("forced", b"label|x|z\n1|abc|\n2|3|x\n", 0x1b)
    csv("one-column", b"a\n1\n\n3\n")
    csv("no-newline", b"a\n1")
    csv("bad-width", b"a,b\n1,2\n3\n")
    csv("bad-quote", b'a,b\n"1,2\n')
    csv("bad-header", b"a,a\n1,2\n")
    csv("bad-forced", b"label,x\nabc,1\n", 0x28)
    csv("empty", b"")


def corpus_bpe():
    # The first byte picks the parser (see fuzz/fuzz_bpe.c): 0 our JSON model, 1 a tiktoken
    # rank file, 2 GPT-2's encoder.json + 0xFF + vocab.bpe, 3 ids as text, 4 ids as JSON.
    import base64
    import json

    def b64(t):
        return base64.b64encode(t).decode()
    toks = [bytes([i]) for i in range(256)] + [b"ab", b"abc", b" the"]
    rank = "".join("%s %d\n" % (b64(t), i) for i, t in enumerate(toks))
    write("bpe", "tiktoken-small", b"\x01" + rank.encode())
    write("bpe", "tiktoken-dup", b"\x01" + rank.encode() + b"YWI= 256\n")
    model = {"format": "dl-tokenize-bpe", "version": 1, "pattern": "gpt2",
             "tokens": [b64(t) for t in toks], "merges": [[97, 98], [256, 99]],
             "special_tokens": {"<|endoftext|>": 259}}
    write("bpe", "json-small", b"\x00" + json.dumps(model).encode())
    write("bpe", "json-cut", b"\x00" + json.dumps(model).encode()[:700])
    # GPT-2's byte-to-character table: printable bytes stand for themselves, the other 68
    # become U+0100, U+0101, ... in byte order.
    printable = [b for b in range(256) if 33 <= b <= 126 or 161 <= b <= 172 or b >= 174]
    others = [b for b in range(256) if b not in printable]

    def g2(t):
        return "".join(chr(b) if b in printable else chr(256 + others.index(b)) for b in t)
    enc = {g2(t): i for i, t in enumerate(toks)}
    enc["<|endoftext|>"] = 259
    vocab = "#version: 0.2\na b\nab c\n%s t\n" % g2(b" ")
    write("bpe", "gpt2-small", b"\x02" + json.dumps(enc).encode() + b"\xff" + vocab.encode())
    write("bpe", "ids-text", b"\x031 2 3 999\t0\r")
    write("bpe", "ids-text-bad", b"\x031 2 x3")
    write("bpe", "ids-json", b'\x04{"ids": [1, 2, 999]}')
    write("bpe", "ids-json-array", b"\x04[5, 1e3, -1]")


corpus_example()
corpus_tfrecord()
corpus_jsonl()
corpus_csv()
corpus_bpe()
