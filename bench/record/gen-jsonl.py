#!/usr/bin/env python3
# gen-jsonl.py — writes the benchmark's tf.Examples as JSON lines (dl-record's mapping) to stdout.
#
# Each Example is a passage of the King James Bible (read from the text on stdin, one verse a
# line as `bible -f` prints it, "Ge1:1 In the beginning ..."), shaped like a text
# classification record:
#     id     int64   record number
#     label  int64   the book the passage comes from (0..65)
#     ref    bytes   the first verse's reference ("Ge1:1")
#     text   bytes   consecutive verses, 0.8-3.6 KB of English (fewer at the end of the text)
#     x      float   32..64 values in [-4, 4) with 4 significant digits, an "embedding"
# Records come out at 1-4 KB on the wire. The text is reused from the start when it runs
# out. Deterministic: a fixed-seed splitmix64 generator, no other randomness.
# Usage: gen-jsonl.py TARGET_BYTES < bible.txt > examples.jsonl
#   stops once the TFRecord encoding of the records written would reach TARGET_BYTES.
import json
import sys


class SplitMix64:
    """splitmix64 (Steele, Lea, Flood: Fast splittable pseudorandom number generators, 2014)."""

    def __init__(self, seed):
        self.s = seed & 0xFFFFFFFFFFFFFFFF

    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n

    def unit(self):
        return (self.next() >> 11) * (1.0 / (1 << 53))


def varint_len(v):
    n = 1
    while v >= 0x80:
        v >>= 7
        n += 1
    return n


def field_len(body):
    """Bytes of a length-delimited field with a one-byte tag."""
    return 1 + varint_len(body) + body


def wire_size(feats):
    """Serialized size of the Example, feats = [(name, kind, payload_bytes, count)]."""
    entries = 0
    for name, kind, nbytes, count in feats:
        if kind == "bytes":
            lst = nbytes
        else:
            lst = field_len(nbytes)
        feature = field_len(lst)
        entries += field_len(field_len(len(name)) + field_len(feature))
    return field_len(entries)


def main():
    target = int(sys.argv[1])
    verses = []
    books = {}
    for line in sys.stdin:
        ref, _, text = line.rstrip("\n").partition(" ")
        book = ref.rstrip("0123456789:")
        books.setdefault(book, len(books))
        verses.append((ref, books[book], text))
    if not verses:
        sys.exit("gen-jsonl.py: no verses on stdin")
    rng = SplitMix64(20240601)
    out = sys.stdout
    total = 0
    pos = 0
    rec = 0
    while total < target:
        want = 800 + rng.below(2801)
        if pos >= len(verses):
            pos = 0
        ref, label, _ = verses[pos]
        parts = []
        n = -1
        while n < want and pos < len(verses):
            parts.append(verses[pos][2])
            n += len(verses[pos][2]) + 1
            pos += 1
        text = " ".join(parts)
        dim = 32 + rng.below(33)
        x = ["%.4g" % (rng.unit() * 8.0 - 4.0) for _ in range(dim)]
        line = ('{"id":{"int64":[%d]},"label":{"int64":[%d]},"ref":{"bytes":[%s]},'
                '"text":{"bytes":[%s]},"x":{"float":[%s]}}\n'
                % (rec, label, json.dumps(ref), json.dumps(text), ",".join(x)))
        out.write(line)
        tb = len(text.encode())
        size = wire_size([("id", "int64", varint_len(rec), 1),
                          ("label", "int64", 1, 1),
                          ("ref", "bytes", field_len(len(ref)), 1),
                          ("text", "bytes", field_len(tb), 1),
                          ("x", "float", 4 * dim, dim)])
        total += 16 + size
        rec += 1


if __name__ == "__main__":
    main()
