# safetensors between lib/nn/safetensors.c and torch (through tests/golden/nn/st.py, a
# reader and writer written from the format's description): each reads what the other
# wrote, tensor by tensor and bit for bit, F16/BF16/F64 -> float32 conversions included;
# and a file written by C comes out byte-identical when st.py reads and writes it again.
# Skipped (77) without Debian's python3 with torch.
tool=$DL_BUILD/tests/safetensors_tool
st=$DL_SRC/tests/golden/nn/st.py
[ -x "$tool" ] || exit 77
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torch' 2>/dev/null || exit 77
py() { /usr/bin/python3 "$st" "$@"; }
meta_keys() { /usr/bin/python3 -c 'import json, struct, sys
b = open(sys.argv[1], "rb").read()
n = struct.unpack("<Q", b[:8])[0]
print("\0".join(sorted(json.loads(b[8:8 + n]).get("__metadata__", {}))), end="")' "$1"; }

# torch -> C
py sample "$T/py.st" || fail "st.py sample"
py dump "$T/py.st" >"$T/py.txt" || fail "st.py dump of its own file"
meta_keys "$T/py.st" | xargs -0 "$tool" dump "$T/py.st" >"$T/c.txt" || fail "C cannot read st.py's file"
same "$T/py.txt" "$T/c.txt"

# C -> torch
"$tool" write "$T/c.st" || fail "safetensors_tool write"
py dump "$T/c.st" >"$T/py2.txt" || fail "st.py cannot read C's file"
meta_keys "$T/c.st" | xargs -0 "$tool" dump "$T/c.st" >"$T/c2.txt" || fail "C cannot read its own file"
same "$T/py2.txt" "$T/c2.txt"
# The same layout byte for byte: header JSON, key order, padding.
py copy "$T/c.st" "$T/c-again.st" || fail "st.py copy"
same "$T/c.st" "$T/c-again.st"

# The committed files made by torch read the same on both sides.
for f in "$DATA/nn/layers.safetensors" "$DATA/nn/sample.safetensors"; do
	py dump "$f" >"$T/py3.txt" || fail "st.py dump $f"
	meta_keys "$f" | xargs -0 "$tool" dump "$f" >"$T/c3.txt" || fail "C cannot read $f"
	same "$T/py3.txt" "$T/c3.txt"
done
