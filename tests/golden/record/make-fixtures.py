#!/usr/bin/python3
"""Golden and bad-input fixtures for dl-record, made by independent implementations.

Rerun (deterministic; the outputs are committed, so `make check` needs none of this):

    /usr/bin/python3 tests/golden/record/make-fixtures.py

It needs Debian's protobuf-compiler (protoc), python3-protobuf and python3-crcmod. Records are
serialized by Python protobuf from example.proto (next to this file), framed here with
crcmod's CRC-32C and the masking of TensorFlow's record format, and the expected JSON lines,
CSV and error messages come from this file's own reading of the mapping in man/dl-record.5 —
nothing here runs or imports dl.

Outputs, in tests/data/record/:
  golden.tfrecord (.gz, .zlib)  ~50 Examples covering every kind and edge value
  golden.jsonl                  what `dl-record cat golden.tfrecord` prints
  golden-shorthand.jsonl        hand-written JSON lines (shorthand, escapes, white space)
  golden-shorthand.tfrecord     what `dl-record pack golden-shorthand.jsonl` writes
  golden.csv, golden.tsv        a CSV file (BOM, quoting, CRLF, missing cells) and its TSV twin
  golden-csv.tfrecord           what `dl-record from-csv --label y golden.csv` writes
  golden-csv-typed.tfrecord     ... with --type id=bytes --type big=float
  golden-tocsv.csv              what `dl-record to-csv golden-csv.tfrecord` prints
  noncanonical.tfrecord/.jsonl  legal but unusual wire forms (unpacked lists, unknown fields,
                                repeated keys, ...) and what `cat` prints for them
  lookalike.tfrecord/.jsonl     a plain file whose first bytes also form a valid zlib header
  bad/*                         bad input; BAD below lists the error each must give
"""
import base64
import gzip
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from fractions import Fraction

import crcmod.predefined

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', '..', 'data', 'record')
BAD = os.path.join(OUT, 'bad')

# ---- the protobuf classes, compiled from example.proto into a temporary directory


def load_proto():
    tmp = tempfile.mkdtemp(prefix='dl-proto.')
    subprocess.run(['protoc', '-I' + HERE, '--python_out=' + tmp,
                    os.path.join(HERE, 'example.proto')], check=True)
    sys.path.insert(0, tmp)
    import example_pb2
    sys.path.remove(tmp)
    shutil.rmtree(tmp)
    return example_pb2


pb = load_proto()

# ---- TFRecord framing (TensorFlow core/lib/io/record_writer.cc; masking from crc32c.h)

crc32c = crcmod.predefined.mkCrcFun('crc-32c')
assert crc32c(b'123456789') == 0xE3069283


def masked_crc(data):
    c = crc32c(data)
    return ((((c >> 15) | (c << 17)) & 0xffffffff) + 0xa282ead8) & 0xffffffff


def frame(payload):
    n = struct.pack('<Q', len(payload))
    return (n + struct.pack('<I', masked_crc(n)) + payload +
            struct.pack('<I', masked_crc(payload)))


def frames(payloads):
    return b''.join(frame(p) for p in payloads)

# ---- the data model: an Example is a list of (name bytes, kind, values); kind is one of
# 'bytes', 'float', 'int64' or None (a Feature with no list). Floats are their 32 bits.


def fbits(x):
    return struct.unpack('<I', struct.pack('<f', x))[0]


def bitsf(b):
    return struct.unpack('<f', struct.pack('<I', b))[0]


def is_nan_bits(b):
    return (b & 0x7f800000) == 0x7f800000 and (b & 0x7fffff) != 0


def strtof(s):
    """The float32 nearest to the decimal s (ties to even), rounded once, exactly: what
    strtof(3) does, computed with fractions instead of through a double."""
    t = s.strip().lower()
    sign = 0
    if t[:1] in '+-':
        sign = 1 if t[0] == '-' else 0
        t = t[1:]
    if t in ('inf', 'infinity'):
        return sign << 31 | 0x7f800000
    if t == 'nan':
        return sign << 31 | 0x7fc00000
    mant, _, exp = t.partition('e')
    whole, _, frac = mant.partition('.')
    assert (whole + frac).isdigit(), s
    fr = Fraction(int(whole + frac or '0'), 10 ** len(frac))
    if exp:
        fr *= Fraction(10) ** int(exp)
    if fr == 0:
        return sign << 31
    e = fr.numerator.bit_length() - fr.denominator.bit_length()
    while Fraction(2) ** e > fr:
        e -= 1
    while Fraction(2) ** (e + 1) <= fr:
        e += 1
    q = max(e, -126) - 23            # the exponent of one unit in the last place
    scaled = fr / Fraction(2) ** q
    n = scaled.numerator // scaled.denominator
    rem = scaled - n
    if rem > Fraction(1, 2) or (rem == Fraction(1, 2) and n % 2):
        n += 1
    if n == 1 << 24:
        n, q = 1 << 23, q + 1
    if q + 23 > 127:
        return sign << 31 | 0x7f800000
    if n < 1 << 23:
        return sign << 31 | n        # subnormal (q == -149)
    return sign << 31 | (q + 23 + 127) << 23 | (n - (1 << 23))


def F(*xs):
    """Float values as bits: numbers via float32 rounding, strings via strtof, ints as bits
    when given as ('bits', b)."""
    out = []
    for x in xs:
        if isinstance(x, tuple):
            out.append(x[1])
        elif isinstance(x, str):
            out.append(strtof(x))
        else:
            out.append(fbits(x))
    return out


def B(*xs):
    return [x.encode() if isinstance(x, str) else x for x in xs]


def nm(s):
    return s.encode() if isinstance(s, str) else s

# ---- serialization by Python protobuf


def fill_feature(feat, kind, vals):
    if kind == 'bytes':
        feat.bytes_list.SetInParent()
        feat.bytes_list.value.extend(vals)
    elif kind == 'int64':
        feat.int64_list.SetInParent()
        feat.int64_list.value.extend(vals)
    elif kind == 'float':
        # Parsed from its packed bytes so that every NaN payload (signalling ones too)
        # reaches the message unchanged; a Python float would pass through a double.
        packed = b''.join(struct.pack('<I', b) for b in vals)
        fl = pb.FloatList.FromString(b'\x0a' + varint(len(packed)) + packed if vals else b'')
        feat.float_list.CopyFrom(fl)
        for b, v in zip(vals, feat.float_list.value):
            assert is_nan_bits(b) or fbits(v) == b
    else:
        assert kind is None


def serialize(ex):
    """An Example as Python protobuf writes it. Through the map type (sorted, as
    SerializeToString(deterministic=True) does) when the names allow it, else through
    RawExample, which keeps the entries in the order given."""
    names = [n for n, _, _ in ex]
    valid = all(valid_utf8(n) for n in names)
    if valid and names == sorted(names) and len(set(names)) == len(names):
        m = pb.Example()
        m.features.SetInParent()
        for n, kind, vals in ex:
            f = m.features.feature[n.decode()]
            f.SetInParent()
            fill_feature(f, kind, vals)
        data = m.SerializeToString(deterministic=True)
        assert data == serialize_raw(ex), ex     # the two views agree on the bytes
        return data
    return serialize_raw(ex)


def serialize_raw(ex):
    m = pb.RawExample()
    m.features.SetInParent()
    for n, kind, vals in ex:
        e = m.features.feature.add()
        e.key = n
        e.value.SetInParent()
        fill_feature(e.value, kind, vals)
    return m.SerializeToString(deterministic=True)

# ---- an independent reader of the wire bytes, to check that each payload says what we meant


def varint(v):
    v &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = v & 0x7f
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def read_varint(p, i):
    v = s = 0
    while True:
        b = p[i]
        i += 1
        v |= (b & 0x7f) << s
        s += 7
        if b < 0x80:
            return v, i


def fields(p):
    i = 0
    while i < len(p):
        key, i = read_varint(p, i)
        wt = key & 7
        if wt == 0:
            v, i = read_varint(p, i)
        elif wt == 2:
            n, i = read_varint(p, i)
            v = p[i:i + n]
            i += n
        elif wt == 5:
            v = p[i:i + 4]
            i += 4
        elif wt == 1:
            v = p[i:i + 8]
            i += 8
        else:
            raise ValueError('wire type %d' % wt)
        yield key >> 3, wt, v


def decode(p):
    """Wire bytes -> model, following protobuf's rules (what the tolerant reader must do)."""
    ex = []

    def put(name, kind, vals):
        for k, (n, _, _) in enumerate(ex):
            if n == name:
                del ex[k]
                break
        ex.append((name, kind, vals))

    for num, wt, v in fields(p):
        if num != 1 or wt != 2:
            continue
        for num2, wt2, entry in fields(v):
            if num2 != 1 or wt2 != 2:
                continue
            name, kind, vals = b'', None, []
            for num3, wt3, x in fields(entry):
                if num3 == 1 and wt3 == 2:
                    name = x
                elif num3 == 2 and wt3 == 2:
                    kind, vals = None, []
                    for num4, wt4, lst in fields(x):
                        if wt4 != 2 or num4 not in (1, 2, 3):
                            continue
                        k = {1: 'bytes', 2: 'float', 3: 'int64'}[num4]
                        if k != kind:
                            kind, vals = k, []
                        for num5, wt5, y in fields(lst):
                            if num5 != 1:
                                continue
                            if k == 'bytes' and wt5 == 2:
                                vals.append(bytes(y))
                            elif k == 'float' and wt5 == 2:
                                vals += [struct.unpack('<I', y[j:j + 4])[0]
                                         for j in range(0, len(y), 4)]
                            elif k == 'float' and wt5 == 5:
                                vals.append(struct.unpack('<I', y)[0])
                            elif k == 'int64' and wt5 == 2:
                                j = 0
                                while j < len(y):
                                    u, j = read_varint(y, j)
                                    vals.append(u - (1 << 64) if u >> 63 else u)
                            elif k == 'int64' and wt5 == 0:
                                u = y & ((1 << 64) - 1)
                                vals.append(u - (1 << 64) if u >> 63 else u)
            put(bytes(name), kind, vals)
    return ex

# ---- the JSON-lines mapping (man 5 dl-record), written from the spec, not from json.dumps


def valid_utf8(b):
    try:
        b.decode('utf-8')
        return True
    except UnicodeDecodeError:
        return False


def jstring(s):
    """s: a str, possibly with surrogate escapes U+DC80..U+DCFF standing for raw bytes."""
    out = ['"']
    for c in s:
        o = ord(c)
        if c == '"':
            out.append('\\"')
        elif c == '\\':
            out.append('\\\\')
        elif c in '\b\f\n\r\t':
            out.append({'\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t'}[c])
        elif o < 0x20 or o == 0x7f:
            out.append('\\u%04x' % o)
        elif 0xdc80 <= o <= 0xdcff:
            out.append('\\udc%02x' % (o - 0xdc00))
        else:
            out.append(c)
    out.append('"')
    return ''.join(out)


def shortest_digits(bits):
    """The digits and first-digit exponent of the first %.Ng (N = 1..9) that reads back,
    taken from %.{N-1}e (the same decimal)."""
    x = bitsf(bits)
    for p in range(1, 10):
        if strtof('%.*g' % (p, x)) == bits:
            mant, _, exp = ('%.*e' % (p - 1, abs(x))).partition('e')
            return mant.replace('.', '').rstrip('0') or '0', int(exp)
    raise AssertionError(hex(bits))


def shortest(bits):
    """Those digits laid out as Python's float repr: positional for exponents -4..15
    (zeros as needed), else d.ddde+XX; no ".0" on integers."""
    digits, x = shortest_digits(bits)
    sign = '-' if bits >> 31 else ''
    if bitsf(bits) == 0:
        return sign + '0'
    if -4 <= x < 16:
        if x < 0:
            s = '0.' + '0' * (-x - 1) + digits
        else:
            d = digits.ljust(x + 1, '0')
            s = d[:x + 1] + ('.' + d[x + 1:] if len(d) > x + 1 else '')
    else:
        s = digits[0] + ('.' + digits[1:] if len(digits) > 1 else '') + 'e%+03d' % x
    r = repr(float(s))               # the same layout, checked against Python's own
    assert s == (r[:-2] if r.endswith('.0') else r), (s, r)
    return sign + s


def jfloat(bits):
    if bits & 0x7fffffff == 0x7f800000:
        return '"-Infinity"' if bits >> 31 else '"Infinity"'
    if is_nan_bits(bits):
        return '"NaN"' if bits == 0x7fc00000 else '"NaN:0x%08x"' % bits
    return shortest(bits)


def jint(v):
    return str(v) if -(1 << 53) <= v <= 1 << 53 else '"%d"' % v


def jbytes(b):
    if valid_utf8(b):
        return jstring(b.decode('utf-8'))
    return '{"base64":"%s"}' % base64.b64encode(b).decode()


def jline(ex):
    parts = []
    for name, kind, vals in ex:
        key = jstring(name.decode('utf-8', 'surrogateescape'))
        if kind is None:
            v = '{}'
        elif kind == 'bytes':
            v = '{"bytes":[%s]}' % ','.join(jbytes(b) for b in vals)
        elif kind == 'float':
            v = '{"float":[%s]}' % ','.join(jfloat(b) for b in vals)
        else:
            v = '{"int64":[%s]}' % ','.join(jint(i) for i in vals)
        parts.append(key + ':' + v)
    return '{' + ','.join(parts) + '}\n'

# ---- the golden examples

I64_MIN, I64_MAX = -(1 << 63), (1 << 63) - 1
P53 = 1 << 53


def lcg(seed):
    """A small deterministic generator (Knuth's MMIX constants), so the 'many values'
    examples do not depend on Python's random module across versions."""
    x = seed
    while True:
        x = (x * 6364136223846793005 + 1442695040888963407) & ((1 << 64) - 1)
        yield x >> 33


def nine_digit_float():
    """The first float above 9 whose shortest round-trip form needs 9 digits (near 1 eight
    always do: there the floats are farther apart than 8-digit decimals)."""
    b = fbits(9.0)
    while len(shortest_digits(b)[0]) < 9:
        b += 1
    return b


def golden_examples():
    g = lcg(2024)
    nine = nine_digit_float()
    exs = [
        # every kind in one Example
        [(b'b', 'bytes', B('hello')), (b'f', 'float', F(0.5, 1.5)), (b'i', 'int64', [1, 2, 3])],
        # empty lists of each kind and a Feature with no kind
        [(b'empty_bytes', 'bytes', []), (b'empty_float', 'float', []),
         (b'empty_int64', 'int64', []), (b'none', None, [])],
        # no features at all
        [],
        # text: accents, CJK, emoji, the largest code points, line separators
        [(b'text', 'bytes', B('caf\u00e9', 'na\u00efve \u00c5ngstr\u00f6m', '\u65e5\u672c\u8a9e',
                              '\U0001f600\U0001f680', '\uffff\U0010ffff', '\u2028\u2029', ''))],
        # bytes that need escaping
        [(b'esc', 'bytes', B('say "hi"', 'back\\slash', 'nul\x00byte', '\x01\x1f\x7f',
                             '\b\f\n\r\t', '\\u0041', '/'))],
        # bytes that are not UTF-8: binary, overlong, encoded surrogate, beyond U+10FFFF,
        # truncated sequence, lone continuation byte; 1, 2 and 3 bytes for the padding
        [(b'bin', 'bytes', [b'\xff', b'\xfe\xff', b'\x00\x80\xff', b'\xc0\x80',
                            b'\xed\xa0\x80', b'\xf4\x90\x80\x80', b'ok\xe6\x97', b'\x80abc',
                            bytes(range(256))])],
        # int64 at every boundary that matters (2^53 for JSON, varint byte lengths, sign)
        [(b'i', 'int64', [0, 1, -1, 127, 128, 16383, 16384, (1 << 31) - 1, -(1 << 31),
                          1 << 32, P53 - 1, P53, -P53, P53 + 1, -P53 - 1, I64_MAX, I64_MIN,
                          I64_MAX - 1, I64_MIN + 1])],
        # floats: signed zeros, 0.1, the extremes, non-finite values, NaN payloads
        [(b'f', 'float', F(0.0, -0.0, 0.1, -0.1, ('bits', 0x00000001), ('bits', 0x007fffff),
                           ('bits', 0x00800000), ('bits', 0x7f7fffff), ('bits', 0xff7fffff),
                           float('nan'), float('inf'), float('-inf'), ('bits', nine),
                           ('bits', 0x7fc00001), ('bits', 0xffc00000), ('bits', 0x7f800001),
                           ('bits', 0xffffffff)))],
        # floats in both layouts: positional (zeros padding 100) and exponent
        [(b'f', 'float', F(1.0, -2.5, 100.0, 123456.0, 1234567.0, 16777216.0, 1e-05, 0.001,
                           1e30, -2.5e30, 3.14159274, 1e-40, 65504.0, 0.3, 2.0 / 3))],
        # names: unicode, escapes, the empty name, a NUL inside, prefixes of each other
        [(b'', 'int64', [0]), (b'a', 'int64', [1]), (b'a\x00b', 'int64', [2]),
         (b'a"q\\', 'int64', [3]), (b'ab', 'int64', [4]), (b'tab\there', 'int64', [5]),
         (nm('na\u00efve'), 'int64', [6]), (nm('\u540d\u524d'), 'int64', [7]),
         (nm('\U0001f642'), 'int64', [8])],
        # names that are not UTF-8 (\uDCXX escapes in JSON)
        [(b'bad\xffname', 'bytes', B('x')), (b'\xc3', 'int64', [1]), (b'ok', 'float', F(1.0))],
        # many values
        [(b'many_bytes', 'bytes', [('v%d' % next(g)).encode() for _ in range(40)]),
         (b'many_float', 'float', [next(g) & 0x7f7fffff for _ in range(60)]),
         (b'many_int64', 'int64', [next(g) - (1 << 30) for _ in range(80)])],
        # many features
        [(('f%02d' % k).encode(), ('int64', 'float', 'bytes')[k % 3],
          [k] if k % 3 == 0 else F(k / 4) if k % 3 == 1 else [b'%d' % k]) for k in range(30)],
    ]
    # the rest: ordinary rows of a mixed dataset, so the file is not all edge cases
    words = ['alpha', 'beta', 'gamma', 'delta', '\u00e9t\u00e9', '\u6771\u4eac', 'x y', '']
    for k in range(37):
        r = next(g)
        ex = [(b'id', 'int64', [k]), (b'label', 'int64', [r % 2]),
              (b'score', 'float', F((r % 2000 - 1000) / 64.0, (r % 77) / 10.0)),
              (b'tags', 'bytes', B(*[words[(r >> s) % len(words)] for s in range(k % 4)]))]
        if k % 5 == 0:
            ex.append((b'weight', 'float', F(float(k) / 3)))
        if k % 7 == 3:
            ex.append((b'zz_missing', None, []))
        exs.append(ex)
    # stored in name order, as SerializeToString(deterministic=True) writes a map
    return [sorted(ex, key=lambda f: f[0]) for ex in exs]

# ---- shorthand JSON lines: (line as written, the Example it means)


def shorthand_cases():
    return [
        ('{"a":5,"b":-3,"c":[1,2,3]}',
         [(b'a', 'int64', [5]), (b'b', 'int64', [-3]), (b'c', 'int64', [1, 2, 3])]),
        ('{"d":2.5,"e":1e3,"f":[1,2.5],"g":-0.0,"h":1E-2,"i":[16777217,0.5],"j":-0}',
         [(b'd', 'float', F(2.5)), (b'e', 'float', F(1000.0)), (b'f', 'float', F(1.0, 2.5)),
          (b'g', 'float', F(-0.0)), (b'h', 'float', F('1E-2')),
          (b'i', 'float', F('16777217', 0.5)), (b'j', 'int64', [0])]),
        ('{"s":"x","t":["a","b"],"u":"","v":"caf\\u00e9 \\ud83d\\ude00 \\u0000 \\/ \\" \\\\ '
         '\\b\\f\\n\\r\\t","w":"caf\u00e9 \u6771"}',
         [(b's', 'bytes', B('x')), (b't', 'bytes', B('a', 'b')), (b'u', 'bytes', B('')),
          (b'v', 'bytes', B('caf\u00e9 \U0001f600 \x00 / " \\ \b\f\n\r\t')),
          (b'w', 'bytes', B('caf\u00e9 \u6771'))]),
        # any JSON white space, and a CRLF line end
        ('  { "a" : { "int64" : [ 1 , 2 ] } ,\t"b" :\t{"float":[ ]} , "c":{ } }  \r',
         [(b'a', 'int64', [1, 2]), (b'b', 'float', []), (b'c', None, [])]),
        # a blank line is skipped
        (' \t ', None),
        ('{}', []),
        ('{ }', []),
        # a repeated name: the last value wins, in the place of its last appearance
        ('{"x":1,"y":2,"x":"again"}', [(b'y', 'int64', [2]), (b'x', 'bytes', B('again'))]),
        ('{"big":{"int64":["9223372036854775807","-9223372036854775808",'
         '-9223372036854775808,9223372036854775807,9007199254740993,"-9007199254740993",-0]}}',
         [(b'big', 'int64', [I64_MAX, I64_MIN, I64_MIN, I64_MAX, P53 + 1, -P53 - 1, 0])]),
        ('{"f":{"float":["NaN","Infinity","-Infinity","NaN:0x7fc00001","NaN:0xffc00000",'
         '"NaN:0x7f800001",1,-0,3.4028235e38,1e-45,0.1,16777217]}}',
         [(b'f', 'float', F('nan', 'inf', '-inf', ('bits', 0x7fc00001), ('bits', 0xffc00000),
                            ('bits', 0x7f800001), '1', '-0', '3.4028235e38', '1e-45', '0.1',
                            '16777217'))]),
        # rounded once, straight to float: through a double this would round up instead
        ('{"once":{"float":[1.000000178813934326171874999]},"short":1.000000178813934326171874999}',
         [(b'once', 'float', [0x3f800001]), (b'short', 'float', [0x3f800001])]),
        ('{"b":{"bytes":[{"base64":"/w=="},{"base64":""},"plain",{"base64":"AAEC"},'
         '{"base64":"aGk="}]}}',
         [(b'b', 'bytes', [b'\xff', b'', b'plain', b'\x00\x01\x02', b'hi'])]),
        # names: escapes, surrogate pairs, raw bytes written as \uDCXX
        ('{"\\u00e9t\\u00e9":1,"\\udcff\\udc80":2,"tab\\there":3,"\\ud83d\\ude00":4,'
         '"\u540d":5,"q\\"\\\\":6}',
         [(nm('\u00e9t\u00e9'), 'int64', [1]), (b'\xff\x80', 'int64', [2]),
          (b'tab\there', 'int64', [3]), (nm('\U0001f600'), 'int64', [4]),
          (nm('\u540d'), 'int64', [5]), (b'q"\\', 'int64', [6])]),
        ('{"n":-9223372036854775808,"m":9223372036854775807,"e":{}}',
         [(b'n', 'int64', [I64_MIN]), (b'm', 'int64', [I64_MAX]), (b'e', None, [])]),
        ('{"x":{"int64":[]},"y":{"bytes":[]},"z":{"float":[]}}',
         [(b'x', 'int64', []), (b'y', 'bytes', []), (b'z', 'float', [])]),
        ('{"f":[1e0,2E+1,3e-1,0.5e1,-1.5E-3]}',
         [(b'f', 'float', F('1e0', '2E+1', '3e-1', '0.5e1', '-1.5E-3'))]),
        ('{"z":"last","a":"first"}', [(b'z', 'bytes', B('last')), (b'a', 'bytes', B('first'))]),
    ]

# ---- CSV (RFC 4180 and the rules of man 5 dl-record)


def csv_parse(text, delim=','):
    """-> header, rows; each row (start line, [(cell bytes, quoted)])."""
    if text.startswith(b'\xef\xbb\xbf'):
        text = text[3:]
    rows, row, cell, quoted = [], [], bytearray(), False
    i, line, start = 0, 1, 1
    n = len(text)
    at_field_start = True
    while i < n:
        c = text[i:i + 1]
        if at_field_start and c == b'"':
            quoted = True
            i += 1
            while True:
                assert i < n, 'unterminated quote'
                c = text[i:i + 1]
                if c == b'"':
                    if text[i + 1:i + 2] == b'"':
                        cell += b'"'
                        i += 2
                        continue
                    i += 1
                    break
                if c == b'\n':
                    line += 1
                cell += c
                i += 1
            at_field_start = False
            continue
        at_field_start = False
        if c == delim.encode():
            row.append((bytes(cell), quoted))
            cell, quoted, at_field_start = bytearray(), False, True
            i += 1
        elif c == b'\n' or text[i:i + 2] == b'\r\n':
            row.append((bytes(cell), quoted))
            rows.append((start, row))
            i += 1 if c == b'\n' else 2
            line += 1
            start = line
            row, cell, quoted, at_field_start = [], bytearray(), False, True
        else:
            cell += c
            i += 1
    if row or cell or quoted:
        row.append((bytes(cell), quoted))
        rows.append((start, row))
    header = [c for c, _ in rows[0][1]]
    return header, rows[1:]


def is_int(s):
    t = s[1:] if s[:1] in (b'+', b'-') else s
    return t.isdigit() and I64_MIN <= int(s) <= I64_MAX


def is_float(s):
    t = s.lower()
    t = t[1:] if t[:1] in (b'+', b'-') else t
    if t in (b'nan', b'inf', b'infinity'):
        return True
    mant, _, exp = t.partition(b'e')
    if b'e' in t:
        e = exp[1:] if exp[:1] in (b'+', b'-') else exp
        if not e.isdigit():
            return False
    whole, dot, frac = mant.partition(b'.')
    if not (whole or frac):
        return False
    return (not whole or whole.isdigit()) and (not frac or frac.isdigit())


def csv_examples(text, label=None, types=None, delim=','):
    header, rows = csv_parse(text, delim)
    types = dict(types or {})
    for k, name in enumerate(header):
        if name.decode() in types:
            continue
        cells = [r[k][0] for _, r in rows if r[k][0] != b'']
        if all(is_int(c) for c in cells) and cells:
            types[name.decode()] = 'int64'
        elif all(is_float(c) for c in cells):
            types[name.decode()] = 'float'
        else:
            types[name.decode()] = 'bytes'
    order = list(range(len(header)))
    if label is not None:
        li = header.index(label.encode())
        order = [li] + [k for k in order if k != li]
    exs = []
    for _, r in rows:
        assert len(r) == len(header)
        ex = []
        for k in order:
            cell, quoted = r[k]
            t = types[header[k].decode()]
            if cell == b'' and (not quoted or t != 'bytes'):
                continue
            if t == 'int64':
                ex.append((header[k], 'int64', [int(cell)]))
            elif t == 'float':
                ex.append((header[k], 'float', [strtof(cell.decode())]))
            else:
                ex.append((header[k], 'bytes', [cell]))
        exs.append(ex)
    return exs, types


def csv_cell(kind, vals, delim=','):
    if kind is None or not vals:
        return b''
    v = vals[0]
    if kind == 'int64':
        return str(v).encode()
    if kind == 'float':
        return jfloat(v).strip('"').encode()
    if (v == b'' or delim.encode() in v or b'"' in v or b'\r' in v or b'\n' in v
            or v.startswith(b' ') or v.endswith(b' ')):
        return b'"' + v.replace(b'"', b'""') + b'"'
    return v


def to_csv(exs):
    cols = [n for n, _, _ in exs[0]]
    out = [b','.join(cols) + b'\n']
    for ex in exs:
        d = {n: (k, v) for n, k, v in ex}
        assert set(d) <= set(cols)
        out.append(b','.join(csv_cell(*d[c]) if c in d else b'' for c in cols) + b'\n')
    return b''.join(out)


# The CSV fixture. Columns: id int64 (with +4, 007, the int64 extremes and a quoted "5"),
# name bytes (quoting, commas, newlines, an empty string, a missing cell, leading space),
# score float (.5, 5., exponents, nan/inf spellings, a quoted empty = missing), y the label,
# big float (an integer past int64 makes the column float), note bytes (digits among
# words stay bytes), empty (never filled: no feature at all).
GOLDEN_CSV = (
    b'\xef\xbb\xbfid,name,score,y,big,note,empty\n'
    b'1,alice,0.5,1,1,123,\n'
    b'+4,"Bob, Jr.",1e3,0,9223372036854775808,abc,\r\n'
    b'007,"two\nlines",-2.25,1,-1,"say ""hi""",\n'
    b'-9223372036854775808,"",.5,0,2,,""\n'
    b'9223372036854775807,,5.,1,3,x y,\n'
    b'"5"," lead",nan,0,0,"tail ",\n'
    b'0,caf\xc3\xa9 \xe6\x9d\xb1,"",1,4,"a,b\r\nc",\n'
    b'-12,z,-Infinity,0,5,q,\n'
    b'3,w,INF,1,6,r,\n'
    b'4,v,1E-2,0,7,s,\n'
    b'6,u,1.000000178813934326171874999,1,8,t,'
)


def tsv_of(text):
    """The TSV twin of GOLDEN_CSV: same cells, tab-separated, quoted where needed."""
    header, rows = csv_parse(text)
    lines = [b'\t'.join(header)]
    for _, r in rows:
        cells = []
        for c, q in r:
            if q and (c == b'' or b'\t' in c or b'"' in c or b'\n' in c or b'\r' in c):
                c = b'"' + c.replace(b'"', b'""') + b'"'
            elif q:
                c = b'"' + c + b'"'
            cells.append(c)
        lines.append(b'\t'.join(cells))
    return b'\n'.join(lines) + b'\n'

# ---- unusual but legal wire forms (hand-assembled with the helpers above)


def ld(num, body):
    return varint(num << 3 | 2) + varint(len(body)) + body


def entry(name, feature):
    return ld(1, ld(1, name) + ld(2, feature))


def noncanonical_cases():
    f32 = lambda *bs: b''.join(struct.pack('<I', b) for b in bs)
    cases = [
        # an empty payload: an Example with no Features message at all
        (b'', []),
        # unpacked floats (fixed32 each) and unpacked int64s, mixed with packed ones;
        # a non-minimal varint and a 10-byte negative
        (ld(1, entry(b'f', ld(2, b'\x0d' + f32(fbits(1.5)) + ld(1, f32(fbits(2.5), fbits(-0.0)))
                                + b'\x0d' + f32(0x7fc00001))) +
               entry(b'i', ld(3, b'\x08\x81\x00' + ld(1, varint(5) + varint(-2)) +
                              b'\x08' + varint(I64_MIN)))),
         [(b'f', 'float', [fbits(1.5), fbits(2.5), fbits(-0.0), 0x7fc00001]),
          (b'i', 'int64', [1, 5, -2, I64_MIN])]),
        # unknown fields in every message, of every wire type
        (b'\x28\x07' + ld(1, b'\x11' + b'\x00' * 8 + entry(b'a', b'\x4d' + f32(1) +
                                                         ld(3, b'\x10\x01' + ld(1, varint(9)))) +
                          ld(1, ld(3, b'junk') + ld(1, b'b') + ld(2, ld(1, ld(2, b'x') + ld(1, b'y'))))
                          + ld(7, b'')) + ld(15, b'tail'),
         [(b'a', 'int64', [9]), (b'b', 'bytes', [b'y'])]),
        # a repeated map key: the last entry wins, in its place
        (ld(1, entry(b'a', ld(3, ld(1, varint(1)))) + entry(b'b', ld(1, ld(1, b'x'))) +
               entry(b'a', ld(2, ld(1, f32(fbits(2.0)))))),
         [(b'b', 'bytes', [b'x']), (b'a', 'float', [fbits(2.0)])]),
        # a oneof set twice: the last kind wins; the same kind twice merges
        (ld(1, entry(b'k', ld(3, ld(1, varint(1))) + ld(2, ld(1, f32(fbits(2.0))))) +
               entry(b'm', ld(3, ld(1, varint(1))) + ld(3, ld(1, varint(2))))),
         [(b'k', 'float', [fbits(2.0)]), (b'm', 'int64', [1, 2])]),
        # names out of order stay in wire order
        (ld(1, entry(b'z', ld(3, ld(1, varint(1)))) + entry(b'a', ld(3, ld(1, varint(2))))),
         [(b'z', 'int64', [1]), (b'a', 'int64', [2])]),
        # a map entry without a key (the empty name) and one without a value (no list)
        (ld(1, ld(1, ld(2, ld(3, ld(1, varint(7))))) + ld(1, ld(1, b'v'))),
         [(b'', 'int64', [7]), (b'v', None, [])]),
        # the Features message twice: protobuf merges them
        (ld(1, entry(b'a', ld(3, ld(1, varint(1))))) + ld(1, entry(b'b', ld(3, ld(1, varint(2))))),
         [(b'a', 'int64', [1]), (b'b', 'int64', [2])]),
    ]
    for p, want in cases:
        assert decode(p) == want, (p, decode(p), want)
    return cases

# ---- bad input, and the error each must give (the test record-bad.sh checks these texts)


def bad_fixtures():
    good = [serialize([(b'i', 'int64', [k]), (b's', 'bytes', [b'record %d' % k])])
            for k in range(3)]
    recs = [frame(p) for p in good]
    off1, off2 = len(recs[0]), len(recs[0]) + len(recs[1])
    stream = b''.join(recs)
    out = {}

    def msg(name, idx, off, what):
        return '%s: record %d (byte offset %d): %s' % (name, idx, off, what)

    n2 = len(good[2])
    out['truncated-header.tfrecord'] = (stream[:off2 + 7], msg('truncated-header.tfrecord', 2, off2,
                                                                'truncated header'))
    # A regular file: the reader compares the length with the bytes left in the file.
    cut = stream[:off2 + 12 + 5]
    out['truncated-payload.tfrecord'] = (cut, msg('truncated-payload.tfrecord', 2, off2,
                                                   'record length %d runs past the end of the file' % n2))
    # The same bytes through a pipe (no file size to compare with).
    PIPE['truncated-payload.tfrecord'] = msg('(stdin)', 2, off2,
                                             'truncated payload (want %d bytes, have 5)' % n2)
    out['truncated-footer.tfrecord'] = (stream[:-2], msg('truncated-footer.tfrecord', 2, off2,
                                                         'truncated footer'))
    bad = bytearray(stream)
    bad[off1 + 8] ^= 0x01
    out['length-crc.tfrecord'] = (bytes(bad), msg('length-crc.tfrecord', 1, off1, 'length CRC mismatch'))
    bad = bytearray(stream)
    bad[off1 + 12 + 3] ^= 0x20            # a payload byte of record 1
    out['data-crc.tfrecord'] = (bytes(bad), msg('data-crc.tfrecord', 1, off1, 'data CRC mismatch'))
    bad = bytearray(stream)
    bad[off1 + len(recs[1]) - 1] ^= 0xff  # the stored CRC of record 1
    out['data-crc-footer.tfrecord'] = (bytes(bad), msg('data-crc-footer.tfrecord', 1, off1,
                                                       'data CRC mismatch'))
    huge = struct.pack('<Q', 1000000)
    long_len = recs[0] + huge + struct.pack('<I', masked_crc(huge)) + good[1]
    out['length-past-end.tfrecord'] = (long_len, msg('length-past-end.tfrecord', 1, off1,
                                                     'record length 1000000 runs past the end of the file'))
    PIPE['length-past-end.tfrecord'] = msg('(stdin)', 1, off1,
                                           'truncated payload (want 1000000 bytes, have %d)' % len(good[1]))
    rnd = bytes(next(g) & 0xff for g in [lcg(7)] for _ in range(64))
    assert rnd[:2] != b'\x1f\x8b' and rnd[0] != 0x78
    assert masked_crc(rnd[:8]) != struct.unpack('<I', rnd[8:12])[0]
    out['random.bin'] = (rnd, msg('random.bin', 0, 0, 'length CRC mismatch'))

    # payloads that are correctly framed but not an Example; each is record 1 of 3
    def payload_case(name, payload, what):
        data = recs[0] + frame(payload) + recs[2]
        out[name] = (data, msg(name, 1, off1, what))
    p = good[1]
    payload_case('payload-varint.tfrecord', p + b'\x10\xff\xff\xff',
                 'bad varint at payload byte %d' % (len(p) + 1))
    payload_case('payload-length.tfrecord', p + b'\x1a\xac\x02abc',
                 'field length 300 at payload byte %d runs past the end (payload is %d bytes)'
                 % (len(p) + 1, len(p) + 6))
    payload_case('payload-wiretype.tfrecord', p + b'\x0f',
                 'bad wire type 7 at payload byte %d' % len(p))
    # a gzip stream cut short (stored blocks, so the bytes that come out are exactly known)
    gz = gzip_bytes(stream, level=0)
    keep = off1 + 20                      # into record 1
    cut = gz[:10 + 5 + keep]              # gzip header, stored block header, the data kept
    d = zlib.decompressobj(31)
    assert d.decompress(cut) == stream[:keep] and not d.eof
    out['cut.tfrecord.gz'] = (cut, msg('cut.tfrecord.gz', 1, off1,
                                       'gzip stream is truncated (after %d uncompressed bytes)' % keep))
    # text formats
    out['bad-line3.jsonl'] = (b'{"a":1}\n{"a":2}\nthis is not JSON\n{"a":4}\n', 'bad-line3.jsonl:3:')
    out['ragged.csv'] = (b'a,b,c,d\n1,"two\nlines",3,4\n5,6,7\n8,9,10,11\n',
                         'ragged.csv:4: row has 3 fields, the header has 4')
    out['empty.tfrecord'] = (b'', None)
    return out


PIPE = {}


def gzip_bytes(data, level=9):
    # mtime 0 and no file name: the same bytes on every run
    return gzip.compress(data, compresslevel=level, mtime=0)


def lookalike():
    """An Example whose record is 376 bytes long: the file starts 78 01, a valid zlib
    header, yet the first 12 bytes are a valid record header, so it is plain TFRecord."""
    pad = 0
    while True:
        ex = [(b'text', 'bytes', [b'z' * pad])]
        p = serialize(ex)
        if len(p) >= 376:
            break
        pad += 1
    assert len(p) == 376
    data = frame(p) + frame(serialize([(b'n', 'int64', [2])]))
    assert data[:2] == b'\x78\x01' and (0x78 * 256 + 0x01) % 31 == 0
    return data, [ex, [(b'n', 'int64', [2])]]


def write(name, data):
    if isinstance(data, str):
        data = data.encode('utf-8', 'surrogateescape')
    path = os.path.join(OUT, name)
    with open(path, 'wb') as f:
        f.write(data)
    return path


def main():
    os.makedirs(BAD, exist_ok=True)

    exs = golden_examples()
    payloads = [serialize(ex) for ex in exs]
    for p, ex in zip(payloads, exs):
        assert decode(p) == ex, ex
        if all(valid_utf8(n) for n, _, _ in ex):
            m = pb.Example.FromString(p)     # Python protobuf reads it back too
            assert sorted(m.features.feature.keys()) == [n.decode() for n, _, _ in ex]
    stream = frames(payloads)
    write('golden.tfrecord', stream)
    write('golden.tfrecord.gz', gzip_bytes(stream))
    write('golden.tfrecord.zlib', zlib.compress(stream, 9))
    write('golden.jsonl', ''.join(jline(ex) for ex in exs))

    sh = shorthand_cases()
    write('golden-shorthand.jsonl', ''.join(line + '\n' for line, _ in sh))
    write('golden-shorthand.tfrecord', frames(serialize(ex) for _, ex in sh if ex is not None))

    csv_exs, types = csv_examples(GOLDEN_CSV, label='y')
    assert types == {'id': 'int64', 'name': 'bytes', 'score': 'float', 'y': 'int64',
                     'big': 'float', 'note': 'bytes', 'empty': 'float'}, types
    write('golden.csv', GOLDEN_CSV)
    tsv = tsv_of(GOLDEN_CSV)
    assert csv_examples(tsv, label='y', delim='\t')[0] == csv_exs
    write('golden.tsv', tsv)
    write('golden-csv.tfrecord', frames(serialize(ex) for ex in csv_exs))
    typed, _ = csv_examples(GOLDEN_CSV, label='y', types={'id': 'bytes', 'big': 'float'})
    write('golden-csv-typed.tfrecord', frames(serialize(ex) for ex in typed))
    tocsv = to_csv(csv_exs)
    assert csv_examples(tocsv, label='y')[0] == csv_exs  # to-csv | from-csv is lossless here
    write('golden-tocsv.csv', tocsv)

    nc = noncanonical_cases()
    write('noncanonical.tfrecord', frames(p for p, _ in nc))
    write('noncanonical.jsonl', ''.join(jline(ex) for _, ex in nc))

    data, lk = lookalike()
    write('lookalike.tfrecord', data)
    write('lookalike.jsonl', ''.join(jline(ex) for ex in lk))

    for name, (data, what) in sorted(bad_fixtures().items()):
        write(os.path.join('bad', name), data)
        print('%-28s %s' % (name, what))
        if name in PIPE:
            print('%-28s %s' % ('  (as stdin)', PIPE[name]))


if __name__ == '__main__':
    main()
