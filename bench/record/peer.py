#!/usr/bin/env python3
# peer.py — the Python peer of the dl-record benchmark: what a user without TensorFlow
# would write with Debian's python3-protobuf (its C++ backend) and python3-crc32c.
#   peer.py read FILE LIMIT   reads TFRecord framing, checks both CRCs and parses each
#                             payload as a tf.Example (like `dl-record verify`)
#   peer.py pack FILE LIMIT   JSON lines (typed mapping) -> tf.Example -> framed records on
#                             stdout (like `dl-record pack`)
# Only the first LIMIT bytes of FILE (whole records or lines) are processed, since a Python
# loop over a gigabyte takes long; the runner scales the time. The last line on stderr is
# "peer: RECORDS records, BYTES bytes" (bytes of FILE consumed).
import json
import struct
import sys

import crc32c

import tfexample


def mask(c):
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def read(path, limit):
    n = used = 0
    ex = tfexample.Example()
    with open(path, "rb") as f:
        while used < limit:
            hdr = f.read(12)
            if not hdr:
                break
            if len(hdr) != 12:
                sys.exit("peer: truncated header")
            length, lcrc = struct.unpack("<QI", hdr)
            if mask(crc32c.crc32c(hdr[:8])) != lcrc:
                sys.exit("peer: length CRC mismatch")
            data = f.read(length)
            foot = f.read(4)
            if len(data) != length or len(foot) != 4:
                sys.exit("peer: truncated record")
            if mask(crc32c.crc32c(data)) != struct.unpack("<I", foot)[0]:
                sys.exit("peer: data CRC mismatch")
            ex.ParseFromString(data)
            n += 1
            used += 16 + length
    return n, used


def pack(path, limit):
    n = used = 0
    out = sys.stdout.buffer
    ex = tfexample.Example()
    with open(path, "rb") as f:
        for line in f:
            if used >= limit:
                break
            used += len(line)
            ex.Clear()
            fmap = ex.features.feature
            for name, val in json.loads(line).items():
                kind, vals = next(iter(val.items()))
                if kind == "int64":
                    fmap[name].int64_list.value.extend(vals)
                elif kind == "float":
                    fmap[name].float_list.value.extend(vals)
                else:
                    fmap[name].bytes_list.value.extend(v.encode() for v in vals)
            data = ex.SerializeToString()
            hdr = struct.pack("<Q", len(data))
            out.write(hdr + struct.pack("<I", mask(crc32c.crc32c(hdr))) + data +
                      struct.pack("<I", mask(crc32c.crc32c(data))))
            n += 1
    return n, used


def main():
    mode, path, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
    n, used = {"read": read, "pack": pack}[mode](path, limit)
    print("peer: %d records, %d bytes" % (n, used), file=sys.stderr)


if __name__ == "__main__":
    main()
