#!/usr/bin/python3
"""Writes the seed inputs of fuzz_vectors (fuzz/corpus/vectors) and fuzz_w2v_eval
(fuzz/corpus/w2v_eval). The first byte of each seed selects the reader's mode (see the
targets); the rest is a small file of the kind the reader takes, good or bad.

    python3 fuzz/corpus/make-w2v-corpus.py fuzz/corpus
"""
import json
import os
import struct
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "fuzz/corpus"


def seed(d, name, mode, body):
    os.makedirs(os.path.join(root, d), exist_ok=True)
    with open(os.path.join(root, d, name), "wb") as f:
        f.write(bytes([mode]) + body)


def binvec(words, dim, newline=True):
    out = b"%d %d\n" % (len(words), dim)
    for i, w in enumerate(words):
        out += w + b" " + struct.pack("<%df" % dim, *[(i + 1) * 0.5 - k for k in range(dim)])
        if newline:
            out += b"\n"
    return out


def st(words, dim, counts=True):
    n = len(words)
    vec = struct.pack("<%df" % (n * dim), *[0.25 * k for k in range(n * dim)])
    wb = b"".join(w + b"\n" for w in words)
    hdr = {"__metadata__": {"format": "dl-w2v"}}
    off = 0
    if counts:
        hdr["counts"] = {"dtype": "I64", "shape": [n], "data_offsets": [0, 8 * n]}
        off = 8 * n
    hdr["vectors"] = {"dtype": "F32", "shape": [n, dim], "data_offsets": [off, off + len(vec)]}
    hdr["words"] = {"dtype": "U8", "shape": [len(wb)],
                    "data_offsets": [off + len(vec), off + len(vec) + len(wb)]}
    j = json.dumps(hdr, separators=(",", ":")).encode()
    j += b" " * (-len(j) % 8)
    data = (struct.pack("<%dq" % n, *range(n, 0, -1)) if counts else b"") + vec + wb
    return struct.pack("<Q", len(j)) + j + data


W = [b"</s>", b"the", b"of", b"caf\xc3\xa9"]
seed("vectors", "bin-w2vc", 0, binvec(W, 3))
seed("vectors", "bin-gensim", 1, binvec(W, 2, newline=False))
seed("vectors", "text", 0, b"3 2\nthe 0.1 -0.2\nof 1e-05 3\nand NaN -Infinity\n")
seed("vectors", "text-crlf", 2, b"2 2 \r\nthe 0.1 0.2 \r\n, 1 2 \r\n")
seed("vectors", "safetensors", 0, st(W, 2))
seed("vectors", "safetensors-nocounts", 3, st(W[:2], 3, counts=False))
seed("vectors", "bad-header", 0, b"x y\nthe 1\n")
seed("vectors", "bad-row", 2, b"2 3\nthe 1 2 3\nof 1 2\n")
seed("vectors", "bad-lie", 0, b"1000000 300\nthe 1\n")
seed("vectors", "bad-cut", 1, binvec(W, 3)[:-7])
seed("vectors", "bad-st", 3, st(W, 2)[:-5])

Q = (b": capital-common\nathens greece baghdad iraq\nKing queen man woman\n"
     b": gram1-adjective\na b c d\nb c d x\nmalformed line\n")
seed("w2v_eval", "analogies", 0, Q)
seed("w2v_eval", "analogies-restrict", 2, Q)
seed("w2v_eval", "analogies-crlf", 6, Q.replace(b"\n", b"\r\n"))
seed("w2v_eval", "analogies-bad", 0, b"a b c d\n:\n: s\na b c\n")
P = b"# comment\n# Word 1\tWord 2\tHuman (mean)\nking\tqueen\t8.5\nman\twoman\t8.3\na\tb\t1\nx\tzz\t2\n"
seed("w2v_eval", "pairs", 1, P)
seed("w2v_eval", "pairs-restrict", 3, P)
seed("w2v_eval", "pairs-simlex", 7, b"word1\tword2\tPOS\tSimLex999\nking\tqueen\tN\t7\na\tb\tN\t1\nc\tA\tN\t3\n")
seed("w2v_eval", "pairs-csv", 1, b"king,queen,1\nman,woman,2\n")
seed("w2v_eval", "pairs-bad", 1, b"a\tb\tnan\n\tb\t1\n")
