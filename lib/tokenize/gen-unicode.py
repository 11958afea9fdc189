#!/usr/bin/python3
"""gen-unicode.py — writes lib/tokenize/unicode_tables.c, the class table behind unicode.h.

Reads the Unicode Character Database as Debian's unicode-data package installs it
(/usr/share/unicode): UnicodeData.txt for the General Category of every code point (the
"<Name, First>" / "<Name, Last>" pairs stand for whole ranges, UAX #44 section 4.2.3) and
PropList.txt for White_Space. Code points listed in neither are unassigned (Cn): class 0.

The table is a two-stage lookup (Unicode Standard, section 5.1 "Data Structures for
Character Conversion"): the code points are cut into blocks of 256, identical blocks are
stored once, and a first stage maps cp >> 8 to its block. ASCII also gets a direct table,
for the pre-tokenizers' fast path. Each entry is a byte of DL_UC_* bits (see unicode.h).

Usage: gen-unicode.py [UCD-DIR [OUTPUT]]   (defaults: /usr/share/unicode, stdout)
Standard library only; the output is the same for the same input files.
"""

import os
import re
import sys

LU, LL, LT, LM, LO, M, N, WS = (1 << i for i in range(8))
GC_BITS = {
    "Lu": LU, "Ll": LL, "Lt": LT, "Lm": LM, "Lo": LO,
    "Mn": M, "Mc": M, "Me": M,
    "Nd": N, "Nl": N, "No": N,
}
NCP = 0x110000
BLOCK = 256


def die(msg):
    sys.stderr.write("gen-unicode.py: %s\n" % msg)
    sys.exit(1)


def read_version(path):
    """The version from the "# PropList-X.Y.Z.txt" header line."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"#\s*PropList-(\d+\.\d+\.\d+)\.txt", line)
            if m:
                return m.group(1)
    die("%s: no version line" % path)


def read_categories(path, cls):
    """ORs the General Category bits of UnicodeData.txt into cls."""
    first = None
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            fields = line.rstrip("\n").split(";")
            if len(fields) < 3:
                continue
            cp, name, gc = int(fields[0], 16), fields[1], fields[2]
            bits = GC_BITS.get(gc, 0)
            if name.endswith(", First>"):
                first = cp
                continue
            if name.endswith(", Last>"):
                if first is None:
                    die("%s:%d: range end without a start" % (path, lineno))
                lo, first = first, None
            else:
                lo = cp
            for c in range(lo, cp + 1):
                cls[c] |= bits


def read_white_space(path, cls):
    """ORs WS into cls for every code point PropList.txt gives White_Space."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            cps, prop = (x.strip() for x in line.split(";"))
            if prop != "White_Space":
                continue
            lo, _, hi = cps.partition("..")
            for c in range(int(lo, 16), int(hi or lo, 16) + 1):
                cls[c] |= WS


def rows(values, per_line, fmt):
    out = []
    for i in range(0, len(values), per_line):
        out.append("\t" + ", ".join(fmt % v for v in values[i:i + per_line]) + ",")
    return "\n".join(out)


def generate(ucd):
    version = read_version(os.path.join(ucd, "PropList.txt"))
    cls = [0] * NCP
    read_categories(os.path.join(ucd, "UnicodeData.txt"), cls)
    read_white_space(os.path.join(ucd, "PropList.txt"), cls)

    blocks, index, stage1 = [], {}, []
    for b in range(NCP // BLOCK):
        blk = tuple(cls[b * BLOCK:(b + 1) * BLOCK])
        if blk not in index:
            index[blk] = len(blocks)
            blocks.append(blk)
        stage1.append(index[blk])
    if len(blocks) > 256:
        die("%d distinct blocks: the first stage no longer fits a byte" % len(blocks))

    o = []
    o.append("""/*
 * unicode_tables.c — the Unicode classes of unicode.h, as tables. GENERATED: do not edit.
 *
 * Generator: lib/tokenize/gen-unicode.py
 * Sources:   UnicodeData.txt (General_Category) and PropList.txt (White_Space) of the
 *            Unicode Character Database, version %s, from /usr/share/unicode
 *            (Debian package unicode-data)
 * Regenerate: /usr/bin/python3 lib/tokenize/gen-unicode.py /usr/share/unicode \\
 *                 lib/tokenize/unicode_tables.c
 *
 * dl_uc_ascii[c] gives the DL_UC_* bits of c < 0x80. Otherwise the bits of code point cp
 * (<= 0x10FFFF) are dl_uc_stage2[dl_uc_stage1[cp >> 8]][cp & 0xff]: %d blocks of 256
 * code points, identical blocks stored once.
 */
#include <stdint.h>

extern const char dl_uc_tables_version[];
extern const uint8_t dl_uc_ascii[128];
extern const uint8_t dl_uc_stage1[0x110000 >> 8];
extern const uint8_t dl_uc_stage2[%d][256];

const char dl_uc_tables_version[] = "%s";
""" % (version, len(blocks), len(blocks), version))
    o.append("const uint8_t dl_uc_ascii[128] = {\n%s\n};\n" % rows(cls[:128], 16, "0x%02x"))
    o.append("const uint8_t dl_uc_stage1[0x110000 >> 8] = {\n%s\n};\n" % rows(stage1, 16, "%3d"))
    o.append("const uint8_t dl_uc_stage2[%d][256] = {" % len(blocks))
    for i, blk in enumerate(blocks):
        o.append("\t[%d] = {\n%s\n\t}," % (i, "\n".join("\t" + r for r in rows(list(blk), 16, "0x%02x").split("\n"))))
    o.append("};\n")
    return "\n".join(o)


def main():
    ucd = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/unicode"
    text = generate(ucd)
    if len(sys.argv) > 2:
        tmp = sys.argv[2] + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, sys.argv[2])
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
