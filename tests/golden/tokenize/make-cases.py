#!/usr/bin/python3
"""Test texts for the tokenizer goldens: writes tests/data/tokenize/cases.jsonl.

Rerun (deterministic for a given set of installed Debian packages; the output is committed):

    /usr/bin/python3 tests/golden/tokenize/make-cases.py [OUT_DIR]

OUT_DIR defaults to tests/data/tokenize. One JSON object per line, {"text": "..."}; line i is
case i (from 0). special-cases.jsonl, written alongside in the same form, holds a few texts
with special tokens (<|endoftext|>, <|fim_prefix|>, ...) and near misses. Sources of
cases.jsonl:

  - English prose: verses of the King James Bible as printed by `bible -f` (bible-kjv,
    bible-kjv-text), entries of the GNU Collaborative International Dictionary of English
    (dict-gcide, /usr/share/dictd/gcide.dict.dz) and WordNet glosses (wordnet-base);
  - generated text: code (C, Python, shell, JSON, HTML, Makefile), URLs and paths, numbers of
    1..40 digits with separators, white-space runs (tabs, CR LF, lone CR, Unicode spaces),
    English contractions in every letter case and after every kind of character, many
    scripts (Latin precomposed and decomposed, Cyrillic, Greek, CJK with half and full width,
    Arabic, Hebrew, Devanagari, Thai), emoji with skin tones, ZWJ sequences and flags,
    combining marks, zero-width and control characters, numbers and letters of the less
    common general categories (No, Nl, Lt, Lm), exhaustive short strings over a small
    alphabet, random mixes of all of these and of random code points, a few long runs, and
    the texts of special-cases.jsonl (which ordinary encoding treats as plain text).

Every character of every text is a Unicode scalar value assigned in Unicode 15.0 (the version
of /usr/share/unicode/UnicodeData.txt, Debian's unicode-data 15.0.0, from which the library's
tables are generated); anything else is dropped. The category line ranges are printed on
standard error.
"""
import gzip
import json
import os
import random
import re
import subprocess
import sys
import unicodedata

SEED = 20240611
HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, '..', '..', 'data', 'tokenize')
UNICODE_DATA = '/usr/share/unicode/UnicodeData.txt'
GCIDE = '/usr/share/dictd/gcide.dict.dz'
WORDNET = ['/usr/share/wordnet/data.noun', '/usr/share/wordnet/data.verb',
           '/usr/share/wordnet/data.adj', '/usr/share/wordnet/data.adv']

rng = random.Random(SEED)


def load_unicode():
    """Code point -> general category, for every code point assigned in UnicodeData.txt."""
    gc = {}
    first = None
    with open(UNICODE_DATA, encoding='ascii') as f:
        for line in f:
            fld = line.split(';')
            cp = int(fld[0], 16)
            if fld[1].endswith(', First>'):
                first = cp
                continue
            if fld[1].endswith(', Last>'):
                for c in range(first, cp + 1):
                    gc[c] = fld[2]
                continue
            gc[cp] = fld[2]
    return gc


GC = load_unicode()
ASSIGNED = [c for c in sorted(GC) if GC[c] != 'Cs']
BMP_ASSIGNED = [c for c in ASSIGNED if c < 0x10000 and GC[c] != 'Co']
ASSIGNED_NO_PUA = [c for c in ASSIGNED if GC[c] != 'Co']


def clean(s):
    """Drop every character that is not an assigned (Unicode 15.0) scalar value."""
    return ''.join(ch for ch in s if ord(ch) in GC and GC[ord(ch)] != 'Cs')


def pick(seq):
    return seq[rng.randrange(len(seq))]


def chance(p):
    return rng.random() < p


# ---------------------------------------------------------------- prose

def bible_verses():
    out = subprocess.run(['bible', '-f', 'gen1:1-rev22:21'], check=True,
                         stdout=subprocess.PIPE).stdout.decode('utf-8')
    verses = []
    for line in out.split('\n'):
        m = re.match(r'^(\S+\d+:\d+) (.*)$', line)
        if m:
            verses.append((m.group(1), m.group(2)))
    if len(verses) < 30000:
        sys.exit('make-cases: bible printed only %d verses' % len(verses))
    return verses


def gen_bible():
    verses = bible_verses()
    cases = []
    for _ in range(2200):
        ref, text = pick(verses)
        r = rng.random()
        if r < 0.25:
            text = ref + ' ' + text
        elif r < 0.30:
            text = text.upper()
        elif r < 0.33:
            text = text.lower()
        cases.append(text)
    for _ in range(300):
        i = rng.randrange(len(verses) - 8)
        n = rng.randrange(2, 8)
        sep = pick(['\n', ' ', '\n\n', '\r\n', '  ', '\n\n\n'])
        parts = []
        for ref, text in verses[i:i + n]:
            parts.append(ref + ' ' + text if chance(0.5) else text)
        text = sep.join(parts)
        if chance(0.3):
            text += pick(['\n', ' ', '\r\n', '\n\n', '   ', '\t'])
        cases.append(text)
    return cases


def gen_gcide():
    with gzip.open(GCIDE, 'rb') as f:
        data = f.read()
    cases = []
    while len(cases) < 800:
        pos = rng.randrange(len(data) - 2000)
        pos = data.find(b'\n', pos) + 1
        chunk = data[pos:pos + rng.randrange(60, 420)]
        if chance(0.6):
            cut = chunk.rfind(b'\n')
            if cut > 0:
                chunk = chunk[:cut + (1 if chance(0.5) else 0)]
        try:
            text = chunk.decode('utf-8')
        except UnicodeDecodeError:
            continue
        if text.strip():
            cases.append(text)
    return cases


def wordnet_glosses():
    glosses, lemmas = [], []
    for path in WORDNET:
        with open(path, encoding='utf-8', errors='strict') as f:
            for line in f:
                if line.startswith('  '):
                    continue
                head, _, gloss = line.partition(' | ')
                glosses.append(gloss.rstrip('\n'))
                lemmas.append(head)
    return glosses, lemmas


def gen_wordnet():
    glosses, lemmas = wordnet_glosses()
    cases = [pick(glosses) for _ in range(700)]
    cases += [pick(lemmas) for _ in range(80)]
    for _ in range(60):
        cases.append(' '.join(pick(glosses) for _ in range(rng.randrange(2, 5))))
    return cases


# ---------------------------------------------------------------- code

IDENTS = ['i', 'n', 'len', 'buf', 'count', 'x_max', 'nBytes', 'readAll', 'HTTPServer',
          'dl_err', '__init__', 'self', 'ctx', 'tmp2', 'kMaxSize', 'std', 'value_', 'é_var',
          'data', 'utf8_len', 'ptr', 'argv', 'QUEUE_LEN', 'fooBarBaz', 'x1', 'y2k']


def ident():
    return pick(IDENTS)


def num():
    r = rng.random()
    if r < 0.4:
        return str(rng.randrange(0, 10))
    if r < 0.7:
        return str(rng.randrange(0, 100000))
    if r < 0.8:
        return hex(rng.randrange(0, 1 << 32))
    if r < 0.9:
        return '%.*f' % (rng.randrange(1, 6), rng.random() * 1000)
    return '%de%d' % (rng.randrange(1, 10), rng.randrange(-30, 30))


def c_snippet():
    ind = pick(['\t', '    ', '  ', '\t\t'])
    a, b, c = ident(), ident(), ident()
    forms = [
        'static int %s(const char *%s, size_t %s)\n{\n%sreturn %s[%s] == \'\\n\';\n}\n'
        % (a, b, c, ind, b, c),
        '#include <stdio.h>\n#include "core/%s.h"\n\n#define %s %s\n' % (a, b.upper(), num()),
        '%sfor (size_t %s = 0; %s < %s; %s++) {\n%s%sif (%s[%s] != 0x%02x)\n%s%s%sbreak;\n%s}'
        % (ind, a, a, num(), a, ind, ind, b, a, rng.randrange(256), ind, ind, ind, ind),
        '/* %s: %s */\nprintf("%%s=%%d\\n", %s, %s);' % (a, pick(['TODO', 'fix me', 'ok']), b, c),
        'struct %s {\n%suint32_t %s;\n%schar *%s; // %s\n};' % (a, ind, b, ind, c, num()),
        '%s->%s = (%s *)malloc(sizeof(*%s) * %s);' % (a, b, 'uint8_t', a, num()),
        'if (%s && !%s || %s >= %s) { %s <<= 2; %s ^= ~%s; }' % (a, b, c, num(), a, b, c),
        'int main(int argc, char **argv)\r\n{\r\n%sreturn 0;\r\n}\r\n' % ind,
    ]
    return pick(forms)


def py_snippet():
    ind = pick(['    ', '\t', '  ', '        '])
    a, b, c = ident(), ident(), ident()
    forms = [
        'def %s(%s, %s=None):\n%s"""Return %s."""\n%sreturn [%s for %s in %s if %s]\n'
        % (a, b, c, ind, b, ind, b, b, c, b),
        'class %s(object):\n%sdef __init__(self):\n%s%sself.%s = {}\n' % (a.title(), ind, ind, ind, b),
        'print(f"{%s!r:>10} {%s:.3f}")  # %s' % (a, b, num()),
        '@%s\n%sasync def %s(*args, **kw):\n%s%sawait %s(%s)' % (a, '', b, ind, ind, c, num()),
        'x = {"%s": %s, \'%s\': [%s, %s]}\n' % (a, num(), b, num(), num()),
        'with open(%r, "rb") as f:\n%sdata = f.read()   \n%s\n' % ('/tmp/' + a, ind, ind),
        'if %s is not None and %s != %s:\n%sraise ValueError("%s")' % (a, b, num(), ind, c),
        'lambda %s: %s ** 2 // 3 %% 7' % (a, a),
    ]
    return pick(forms)


def sh_snippet():
    a, b = ident(), ident()
    forms = [
        '#!/bin/sh\nset -eu\n%s="${%s:-/usr/local}"\necho "$%s" | grep -v \'^#\' >> out.txt 2>&1\n'
        % (a.upper(), b.upper(), a.upper()),
        'for f in *.txt; do\n\tsed -e \'s/\\t/ /g\' "$f" > "${f%%.txt}.out"\ndone',
        'cd /work && make -j2 && ./configure --prefix=$HOME/.local CFLAGS="-O2 -g"',
        'find . -name \'*.c\' -print0 | xargs -0 wc -l | sort -n | tail -%s' % rng.randrange(1, 50),
        'if [ -z "$%s" ]; then exit 1; fi; [[ $x == y* ]] && echo ok || echo "no"' % a,
        'cat <<EOF\n  %s = %s\nEOF\n' % (a, num()),
        'awk -F: \'{ print $1, $NF }\' /etc/passwd | head -n %s' % rng.randrange(1, 100),
    ]
    return pick(forms)


def other_code():
    a, b = ident(), ident()
    forms = [
        '{"%s": [%s, %s, null, true], "%s": {"k": "v\\u00e9"}}' % (a, num(), num(), b),
        '<div class="%s" id=\'%s\'>\n  <a href="https://example.com/%s?x=1&amp;y=2">%s</a>\n</div>'
        % (a, b, a, b),
        '%s: %s.o\n\t$(CC) $(CFLAGS) -o $@ $^ -l%s\n' % (a, b, 'm'),
        'SELECT %s, COUNT(*) FROM %s WHERE x >= %s GROUP BY 1;' % (a, b, num()),
        '| %s | %s |\n|---|---:|\n| `%s` | **%s** |' % (a, b, num(), num()),
        '\\begin{equation}\n  \\sum_{i=1}^{n} x_i^2 = %s\n\\end{equation}' % num(),
        '%s,%s,"%s, %s",%s\r\n' % (a, num(), b, a, num()),
        '[%s]\nkey = "%s"\nlist = [ %s, %s ]\n' % (a, b, num(), num()),
    ]
    return pick(forms)


def gen_code():
    cases = []
    for _ in range(700):
        n = rng.randrange(1, 4)
        f = pick([c_snippet, py_snippet, sh_snippet, other_code])
        text = ''.join(f() + pick(['', '\n', '\n\n', '\r\n']) for _ in range(n))
        if chance(0.15):
            text = text.replace('\n', '\r\n')
        cases.append(text)
    return cases


# ---------------------------------------------------------------- URLs, numbers

TLDS = ['com', 'org', 'io', 'co.uk', 'de', 'xn--p1ai', 'рф', 'edu']
WORDS = ['the', 'a', 'of', 'data', 'index', 'Hello', 'WORLD', 'don', 'café', 'naïve',
         'über', 'coöperate', 'résumé', 'O\'Neil', 'x', 'I', 'test', 'foo', 'bar', 'Ünïcödé']


def url():
    scheme = pick(['http', 'https', 'ftp', 'file', 'git+ssh', 'mailto'])
    host = '.'.join([pick(['www', 'api', 'cdn', 'a', 'ex-ample', 'docs'])] +
                    [pick(['example', 'github', 'wiki', 'bücher', 'test123'])] + [pick(TLDS)])
    if scheme == 'mailto':
        return 'mailto:%s@%s' % (pick(['john.doe', 'x+y', 'a_b']), host)
    path = '/'.join(pick(WORDS + ['v1', '2024', 'img_01.png', '%20', '~user', '', 'a-b'])
                    for _ in range(rng.randrange(0, 6)))
    s = '%s://%s' % (scheme, host)
    if chance(0.3):
        s += ':%d' % rng.randrange(1, 65536)
    s += '/' + path
    if chance(0.4):
        s += '?' + '&'.join('%s=%s' % (pick(WORDS), num()) for _ in range(rng.randrange(1, 4)))
    if chance(0.2):
        s += '#' + pick(WORDS)
    return s


def path():
    r = rng.random()
    if r < 0.4:
        return '/' + '/'.join(pick(['usr', 'lib', 'x86_64-linux-gnu', 'etc', 'home', '..', '.',
                                    'a b', 'file.tar.gz', 'Ωmega']) for _ in range(rng.randrange(1, 7)))
    if r < 0.7:
        return 'C:\\' + '\\'.join(pick(['Users', 'Program Files (x86)', 'x.dll', 'Ñame'])
                                  for _ in range(rng.randrange(1, 5)))
    return pick(['//', '///', '////a', '/', 'a//b', './/', 'http:///', '\\\\server\\share',
                 '~/.config/', 'a/b/c/', '/\n/', '/\r\n', ':/\n\n', '?/\r'])


def gen_urls():
    cases = []
    for _ in range(450):
        r = rng.random()
        if r < 0.5:
            text = url()
        elif r < 0.7:
            text = path()
        else:
            text = '%s %s %s' % (pick(WORDS), pick([url, path])(), pick(WORDS + ['.', ',', ')']))
        cases.append(text)
    return cases


SEPS = [',', '.', ' ', '_', "'", '\u00a0', '\u202f', '\u2009', '-', '/', ':', '\u066c', '\u2019']


def digits(n):
    first = str(rng.randrange(1, 10)) if chance(0.9) else '0'
    return first + ''.join(str(rng.randrange(10)) for _ in range(n - 1))


def grouped(d, sep, size=3):
    head = len(d) % size or size
    parts = [d[:head]] + [d[i:i + size] for i in range(head, len(d), size)]
    return sep.join(parts)


def gen_numbers():
    cases = []
    for n in range(1, 41):
        for _ in range(6):
            cases.append(digits(n))
        for sep in SEPS:
            cases.append(grouped(digits(n), sep, pick([3, 3, 2, 4])))
        d = digits(n)
        cases.append(' ' + d)
        cases.append('  ' + d)
        cases.append('-' + d)
        cases.append('+' + d + '%')
        cases.append(d + '.' + digits(rng.randrange(1, 12)))
        cases.append('x' + d + 'y')
        cases.append(d + 'th')
        cases.append('$' + grouped(d, ',') + '.00')
        cases.append(d + '\n' + digits(n))
        cases.append(' '.join(digits(rng.randrange(1, 8)) for _ in range(rng.randrange(2, 6))))
    for _ in range(250):
        forms = [
            '%d-%02d-%02d' % (rng.randrange(1000, 2100), rng.randrange(1, 13), rng.randrange(1, 29)),
            '%02d:%02d:%02d.%03d' % (rng.randrange(24), rng.randrange(60), rng.randrange(60),
                                     rng.randrange(1000)),
            'v%d.%d.%d-rc%d' % (rng.randrange(10), rng.randrange(30), rng.randrange(100), rng.randrange(5)),
            '%d.%d.%d.%d' % tuple(rng.randrange(256) for _ in range(4)),
            '+1 (%03d) %03d-%04d' % (rng.randrange(1000), rng.randrange(1000), rng.randrange(10000)),
            '%se%s%d' % (digits(rng.randrange(1, 5)), pick(['', '+', '-']), rng.randrange(400)),
            '0x%X 0b%s 0o%o' % (rng.randrange(1 << 40), bin(rng.randrange(1 << 20))[2:], rng.randrange(1 << 20)),
            '%d/%d = %.6f' % (rng.randrange(1, 1000), rng.randrange(1, 1000), rng.random()),
            'ISBN %s-%s-%s-%s' % (digits(3), digits(1), digits(4), digits(4)),
            '%s%s' % (digits(rng.randrange(1, 40)), pick(['km', ' kg', '°C', '€', '¥', 'px', '%', '‰'])),
        ]
        cases.append(pick(forms))
    return cases


# ---------------------------------------------------------------- white space

UNI_SPACES = ['\u00a0', '\u1680'] + [chr(c) for c in range(0x2000, 0x200b)] + \
             ['\u202f', '\u205f', '\u3000', '\u2028', '\u2029', '\u0085']
WS_ATOMS = [' ', '  ', '   ', '\t', '\t\t', '\n', '\n\n', '\r\n', '\r', '\r\r', '\n\r',
            '\x0b', '\x0c', ' \n', '\n ', ' \t ', '\r\n\r\n'] + UNI_SPACES
WORD_ATOMS = ['word', 'Word', 'WORD', 'a', 'I', '.', ',', '!', '?', '...', '(', ')', '"', "'",
              '-', '--', '#', '$', '1', '42', '2024', 'é', 'ñ', '日本', 'Ω', 'ψ', '{', '}', ';', '/',
              '//', '\\', '@', '😀', "'s", "'LL", 'don\'t', 'über', '\u0301', '\ufeff', '\u200b']


def gen_whitespace():
    cases = []
    for _ in range(1300):
        n = rng.randrange(1, 10)
        parts = []
        for _ in range(n):
            if chance(0.5):
                parts.append(pick(WS_ATOMS) * (1 if chance(0.8) else rng.randrange(2, 9)))
            else:
                parts.append(pick(WORD_ATOMS))
        cases.append(''.join(parts))
    for ws in WS_ATOMS:
        for ctx in ['', 'a', '.', '1', 'A', '😀', 'é']:
            cases.append(ws + ctx)
            cases.append(ctx + ws)
            cases.append(ctx + ws + ctx)
            cases.append(ws + ws + ctx)
    return cases


# ---------------------------------------------------------------- contractions

SUFFIXES = ['s', 't', 're', 've', 'm', 'll', 'd']
APOSTROPHES = ["'", '\u2019', '\u2018', '\u02bc', '`', '\u00b4', '\uff07']


def casings(s):
    out = ['']
    for ch in s:
        out = [p + c for p in out for c in (ch.lower(), ch.upper())]
    return out


def gen_contractions():
    cases = []
    befores = ['John', 'JOHN', 'it', 'IT', 'we', 'We', 'they', 'I', 'you', '1990', '9', ')', '"',
               '.', ' ', '', '😀', '日本', 'é', 'Ω', 'ǅ', 'ʰ', '\t', '\n', "'", 'a1', '_', 'Ä',
               'ﬁ', 'İ', 'ß']
    afters = ['', ' ', 'a', 'A', '.', '\n', '1', ' word', "'s", 'ſ', '😀', 'é', '\r\n', 'x y']
    for suf in SUFFIXES:
        for cs in casings(suf):
            for _ in range(24):
                cases.append(pick(befores) + pick(APOSTROPHES[:1] * 4 + APOSTROPHES) + cs + pick(afters))
            cases.append("'" + cs)
            cases.append("x'" + cs)
            cases.append(" '" + cs)
    long_s = ["'\u017f", "it'\u017f", "IT'\u017f ok", "'\u017fs", "John'\u017f", "'\u212a", "'K"]
    cases += long_s
    sentences = [
        "I'm sure you're right, but they've said we'll see what it'd cost.",
        "DON'T SHOUT! I'M FINE, YOU'RE FINE, WE'LL ALL BE FINE, THEY'VE SAID SO, HE'D AGREE.",
        "It's John's and Mary's; it'S odd, iT's OK, IT'S fine.",
        "She said \u2018it\u2019s mine\u2019 and \u201cwe\u2019ll see\u201d.",
        "rock 'n' roll, '90s kids, the '20s, ol' man, 'tis, 'twas, y'all'd've",
        "o'clock O'Reilly D'Angelo l'homme aujourd'hui qu'il",
        "1's and 0's, A's and B's, the 1990's, x's, 'S'S'S",
        "''s '''s ' s '' ll 'l l 're'",
        "He'LL go, she'Ll stay, we'lL see, they'Re here, you'rE there, I'Ve, I'vE, I'M, I'D",
    ]
    for s in sentences:
        cases.append(s)
        cases.append(s.upper())
        cases.append(s.replace("'", '\u2019'))
    return cases


# ---------------------------------------------------------------- scripts

SCRIPT_TEXTS = [
    # Latin with diacritics
    "Le cœur déçu mais l'âme plutôt naïve, Louÿs rêva de crapaüter en canoë au delà des îles.",
    "Falsches Üben von Xylophonmusik quält jeden größeren Zwerg. Straße, STRASSE, ẞ.",
    "El pingüino Wenceslao hizo kilómetros bajo exhaustiva lluvia y frío; añoraba a su querido cachorro.",
    "Pchnąć w tę łódź jeża lub ośm skrzyń fig. Zażółć gęślą jaźń.",
    "Příliš žluťoučký kůň úpěl ďábelské ódy.",
    "Tiếng Việt có dấu: Đây là một câu ví dụ với nhiều ký tự đặc biệt ạ ả ấ ầ ẩ ẫ ậ.",
    "Pijamalı hasta yağız şoföre çabucak güvendi. İstanbul ıİiI",
    "Árvíztűrő tükörfúrógép. ÁRVÍZTŰRŐ TÜKÖRFÚRÓGÉP.",
    "Høj bly gom vandt fræk sexquiz på wc. Åsa, Ærø, Øresund.",
    "ǅemal ǈubljana ǋegoš ǲ Dz dz DŽ dž",
    # Cyrillic
    "Съешь же ещё этих мягких французских булок, да выпей чаю.",
    "ПРИВЕТ, МИР! Привет, мир! Ёлка, ёж, Їжак, ґанок, Ђорђе, Љиљана.",
    "В чащах юга жил бы цитрус? Да, но фальшивый экземпляр! 123 рубля.",
    # Greek
    "Γαζέες καὶ μυρτιὲς δὲν θὰ βρῶ πιὰ στὸ χρυσαφὶ ξέφωτο.",
    "ΤΑΧΊΣΤΗ ΑΛΏΠΗΞ ΒΑΦῆΣ ΨΗΜΈΝΗ ΓΗ, ΔΡΑΣΚΕΛΊΖΕΙ ΥΠΈΡ ΝΩΘΡΟΎ ΚΥΝΌΣ. ᾈᾉᾊ ᾼ ῌ ῼ",
    "Ἐν ἀρχῇ ἦν ὁ λόγος, καὶ ὁ λόγος ἦν πρὸς τὸν θεόν.",
    # CJK
    "我能吞下玻璃而不伤身体。你好，世界！",
    "いろはにほへと ちりぬるを わかよたれそ つねならむ。カタカナ、ひらがな。",
    "ﾊﾝｶｸｶﾀｶﾅ ｱｲｳｴｵ ｶﾞｷﾞ｡｢ｶｷﾞ｣ ＡＢＣ１２３！？　全角スペース",
    "다람쥐 헌 쳇바퀴에 타고파. 한국어 텍스트입니다.",
    "東京都渋谷区、2024年1月15日（月）午前10時30分。々〆〇ー",
    "漢字かな交じり文とABCと123が混在する文章です。",
    # Arabic, Hebrew
    "نص حكيم له سر قاطع وذو شأن عظيم مكتوب على ثوب أخضر ومغلف بجلد أزرق.",
    "العربية: ٠١٢٣٤٥٦٧٨٩ و ۰۱۲۳۴۵۶۷۸۹ — مَرْحَبًا بِكُمْ",
    "דג סקרן שט בים מאוכזב ולפתע מצא חברה. בְּרֵאשִׁית בָּרָא אֱלֹהִים",
    # Devanagari, Thai, others
    "ऋषियों को सताने वाले दुष्ट राक्षसों के राजा रावण का सर्वनाश करने वाले विष्णुवतार भगवान श्रीराम। ०१२३४५६७८९",
    "เป็นมนุษย์สุดประเสริฐเลิศคุณค่า กว่าบรรดาฝูงสัตว์เดรัจฉาน ๐๑๒๓",
    "ამ ქართული ტექსტი. Հայերեն լեզու. ᐊᓕᒃᓯᒪᔪᖅ. ꯃꯤꯇꯩ. ᚠᚢᚦᚨᚱᚲ ᚛ᚑᚌᚐᚋ᚜",
    "தமிழ் எழுத்துக்கள் ௦௧௨ বাংলা লিপি ০১২ ગુજરાતી ૦૧૨ ਪੰਜਾਬੀ ੦੧੨",
    "ትግርኛ ፩፪፫ ꦗꦮ ᜊᜌ᜔ᜊᜌᜒᜈ᜔ 𐌰𐌱𐌲 𓀀𓀁 𝔄𝔅ℭ 𝟘𝟙𝟚",
]


def nfd_variants(s):
    return [s, unicodedata.normalize('NFD', s), unicodedata.normalize('NFKC', s)]


def gen_scripts():
    cases = []
    for s in SCRIPT_TEXTS:
        for v in nfd_variants(s):
            cases.append(v)
            cases.append(' ' + v + ' ')
            cases.append(v.upper())
            cases.append(v.lower())
    for _ in range(1300):
        a = pick(SCRIPT_TEXTS)
        words = a.split(' ')
        i = rng.randrange(len(words))
        frag = ' '.join(words[i:i + rng.randrange(1, 6)])
        r = rng.random()
        if r < 0.3:
            frag = unicodedata.normalize('NFD', frag)
        elif r < 0.4:
            b = pick(SCRIPT_TEXTS).split(' ')
            frag += pick(['', ' ', '\n', '-', "'s ", '123']) + pick(b)
        elif r < 0.5:
            frag = frag.replace(' ', pick(UNI_SPACES + ['\t', '\n', '  ']))
        cases.append(frag)
    return cases


# ---------------------------------------------------------------- emoji, marks, controls

EMOJI = ['😀', '👍', '👍🏻', '👍🏼', '👍🏽', '👍🏾', '👍🏿', '👩‍👩‍👧‍👦', '👨‍💻', '🧑🏿‍💻',
         '🏳️‍🌈', '🏴‍☠️', '❤️', '❤', '☺️', '1️⃣', '#️⃣', '*️⃣', '🇺🇸', '🇯🇵', '🇩🇪', '🇪🇺', '🇺🇳',
         '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '👩‍❤️‍💋‍👨', '🤷‍♀️', '🙋🏽‍♂️', '✌️', '🫠', '🫶🏾', '🪿', '🩷', '©️', '™', '↔️',
         '🀄', '🂡', '🌍', '🇦', '🏻', '\u200d', '\ufe0f']
MARKS = ['\u0300', '\u0301', '\u0302', '\u0303', '\u0308', '\u030a', '\u0327', '\u0328', '\u0331',
         '\u0336', '\u0345', '\u0361', '\u064b', '\u05b0', '\u093f', '\u0e31', '\u20dd', '\u20e3',
         '\u302a', '\ufe20', '\u1ab0', '\U0001d165', '\U000e0100', '\ufe0f', '\u0903', '\u0488']
ZERO_WIDTH = ['\u200b', '\u200c', '\u200d', '\ufeff', '\u2060', '\u00ad', '\u200e', '\u200f',
              '\u202a', '\u202e', '\u2061', '\u180e', '\u034f']
CONTROLS = [chr(c) for c in range(0x20)] + ['\x7f'] + [chr(c) for c in range(0x80, 0xa0)]


def gen_emoji():
    cases = []
    for e in EMOJI:
        cases.append(e)
        cases.append('a' + e + 'b')
        cases.append(' ' + e + ' ' + e)
        cases.append(e * rng.randrange(2, 6))
        cases.append("It" + e + "'s " + e + '123')
    for _ in range(500):
        parts = []
        for _ in range(rng.randrange(1, 10)):
            parts.append(pick(EMOJI) if chance(0.6) else pick(WORD_ATOMS + WS_ATOMS[:6]))
        cases.append(''.join(parts))
    return cases


def gen_marks_controls():
    cases = []
    bases = ['a', 'A', 'e', '1', ' ', '.', '', '\n', '日', 'ש', 'क', 'ก', "'", 'ǅ', 'ʰ', '😀', '_']
    for m in MARKS:
        for b in bases:
            cases.append(b + m + pick(['', 'b', ' ', '2', '.', m, "'s"]))
    for _ in range(150):
        cases.append(pick(['z', 'Z', 'H', 'e', ' ']) +
                     ''.join(pick(MARKS) for _ in range(rng.randrange(1, 12))) + pick(['', 'a', ' x']))
    for z in ZERO_WIDTH:
        for ctx in ['ab', 'a b', 'A B', '1 2', 'x\n', ' ', '. .', '日本', "it's", '  x']:
            i = rng.randrange(len(ctx) + 1)
            cases.append(ctx[:i] + z + ctx[i:])
        cases.append(z)
        cases.append(z * 3)
        cases.append(' ' + z + ' ')
        cases.append(z + 'word')
        cases.append('word' + z)
        cases.append(' ' + z + 'word')
    for c in CONTROLS:
        for ctx in ['', 'a', ' ', '.', '1', ' a', 'a ', '\n']:
            cases.append(ctx + c + ctx[::-1])
        cases.append(c * 3)
        cases.append('x' + c + 'y' + c + ' z')
    for _ in range(200):
        cases.append(''.join(pick(CONTROLS + ZERO_WIDTH + UNI_SPACES + WORD_ATOMS)
                             for _ in range(rng.randrange(1, 12))))
    return cases


# ---------------------------------------------------------------- categories

OTHER_NUMBERS = ['²', '³', '¹', '⁰', '⁴', '₀', '₁', '₉', '½', '¼', '¾', '⅓', '⅞', '↉', 'Ⅰ', 'Ⅱ',
                 'Ⅻ', 'ⅰ', 'ⅿ', 'ↀ', '①', '⑳', '㉑', '❶', '〇', '〡', '٣', '۴', '७', '๙', '１', '９',
                 '𝟙', '𐄇', '𒐫', '፲', '௰', '൰', '¹²³']
LETTERS_RARE = ['ǅ', 'ǈ', 'ǋ', 'ǲ', 'ᾈ', 'ᾟ', 'ῼ', 'ʰ', 'ʲ', 'ˈ', 'ː', 'ᵃ', 'ᴬ', 'ⁿ', 'ₐ', '々',
                'ー', 'ꜝ', 'ª', 'º', 'ƻ', 'ǀ', 'ʔ', 'ʕ', 'ℌ', 'ℵ', 'ﬁ', 'ﬀ', 'Ⓐ', 'ⓐ', '🄰', 'ℓ',
                '℮', 'ß', 'ŉ', 'ǰ', 'ΐ', 'ﬓ']


def gen_categories():
    cases = []
    for x in OTHER_NUMBERS + LETTERS_RARE:
        for ctx in ['a', 'A', '1', ' ', '', "'s", '.', 'ǅ']:
            cases.append(ctx + x + ctx)
            cases.append(x + ctx + x)
        cases.append(' ' + x * 5)
    for _ in range(300):
        cases.append(''.join(pick(OTHER_NUMBERS + LETTERS_RARE + ['a', 'B', '1', ' ', "'", 'S', 'd'])
                             for _ in range(rng.randrange(1, 10))))
    return cases


# ---------------------------------------------------------------- exhaustive short strings

SMALL_ALPHABET = [' ', '\t', '\n', '\r', 'a', 'B', '7', '.', "'", '\u00a0', '\u0301', 's']


def gen_exhaustive():
    cases = []
    n = len(SMALL_ALPHABET)
    for length in (1, 2, 3):
        for k in range(n ** length):
            s = ''
            for _ in range(length):
                s += SMALL_ALPHABET[k % n]
                k //= n
            cases.append(s)
    return cases


# ---------------------------------------------------------------- random mixes

def random_codepoints(k):
    r = rng.random()
    if r < 0.5:
        pool = BMP_ASSIGNED
    elif r < 0.9:
        pool = ASSIGNED_NO_PUA
    else:
        pool = ASSIGNED
    return ''.join(chr(pick(pool)) for _ in range(k))


def gen_random(generators):
    cases = []
    for _ in range(500):
        cases.append(random_codepoints(rng.randrange(1, 30)))
    for _ in range(1100):
        parts = []
        for _ in range(rng.randrange(2, 7)):
            r = rng.random()
            if r < 0.15:
                parts.append(random_codepoints(rng.randrange(1, 5)))
            elif r < 0.45:
                parts.append(pick(WORD_ATOMS + WS_ATOMS + EMOJI + MARKS + ZERO_WIDTH +
                                  OTHER_NUMBERS + LETTERS_RARE + APOSTROPHES))
            else:
                src = pick(generators)
                s = pick(src)
                if len(s) > 60:
                    i = rng.randrange(len(s) - 40)
                    s = s[i:i + rng.randrange(5, 40)]
                parts.append(s)
        cases.append(''.join(parts))
    return cases


def gen_long():
    return [
        '',
        'a' * 1000,
        ' ' * 1000,
        ' ' * 999 + 'a',
        '\n' * 300,
        '\r\n' * 200,
        '^' * 500,
        '1' * 500,
        'ab' * 400,
        '😀' * 200,
        ' \t' * 300 + 'x',
        'Lorem ipsum ' * 60,
        '\u00a0' * 200 + 'end',
        "'s" * 300,
        '-' * 600 + '\n' + '=' * 300,
        '/' * 400,
        'é' * 300 + unicodedata.normalize('NFD', 'é') * 200,
    ]


SPECIAL_TEXTS = [
    '<|endoftext|>',
    'Hello<|endoftext|>world',
    'a <|endoftext|> b',
    '<|endoftext|><|endoftext|>',
    'one<|endoftext|>two<|endoftext|>three<|endoftext|>',
    '<|fim_prefix|>def f(x):<|fim_suffix|>\n    return y<|fim_middle|>',
    '<|fim_prefix|><|fim_middle|><|fim_suffix|>',
    '<|endofprompt|>',
    'question <|endofprompt|> answer',
    '<|endoftext|',
    '<|endoftext|>>',
    '<<|endoftext|>',
    '< |endoftext|>',
    '<|ENDOFTEXT|>',
    '<|startoftext|>x<|endoftext|>',
    '\n<|endoftext|>\n',
    '  <|endoftext|>  ',
    "It's<|endoftext|>'s",
    '123<|endoftext|>456',
    '日本<|endoftext|>語 😀<|endofprompt|>é',
    '<|im_start|>user\nhi<|im_end|>',
    '<|endoftext|><|fim_prefix|>',
]


def write_jsonl(path, texts):
    with open(path, 'w', encoding='utf-8', newline='') as f:
        for t in texts:
            f.write(json.dumps({'text': t}, ensure_ascii=False) + '\n')


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else OUT_DIR
    write_jsonl(os.path.join(out_dir, 'special-cases.jsonl'), SPECIAL_TEXTS)
    groups = [
        ('bible', gen_bible()),
        ('gcide', gen_gcide()),
        ('wordnet', gen_wordnet()),
        ('code', gen_code()),
        ('urls', gen_urls()),
        ('numbers', gen_numbers()),
        ('whitespace', gen_whitespace()),
        ('contractions', gen_contractions()),
        ('scripts', gen_scripts()),
        ('emoji', gen_emoji()),
        ('marks-controls', gen_marks_controls()),
        ('categories', gen_categories()),
        ('exhaustive', gen_exhaustive()),
    ]
    groups.append(('random', gen_random([g for _, g in groups])))
    groups.append(('long', gen_long()))
    groups.append(('special-as-text', SPECIAL_TEXTS))

    seen = set()
    lines = []
    ranges = []
    dropped = 0
    for name, cases in groups:
        start = len(lines)
        for text in cases:
            c = clean(text)
            dropped += len(text) - len(c)
            if c in seen or (c == '' and text != ''):
                continue
            seen.add(c)
            c.encode('utf-8')  # raises on a lone surrogate
            lines.append(json.dumps({'text': c}, ensure_ascii=False) + '\n')
        ranges.append((name, start, len(lines)))
    with open(os.path.join(out_dir, 'cases.jsonl'), 'w', encoding='utf-8', newline='') as f:
        f.writelines(lines)
    for name, a, b in ranges:
        sys.stderr.write('%-15s lines %5d..%5d (%d)\n' % (name, a, b - 1, b - a))
    sys.stderr.write('%d cases, %d bytes, %d characters dropped\n'
                     % (len(lines), sum(len(x.encode('utf-8')) for x in lines), dropped))


if __name__ == '__main__':
    main()
