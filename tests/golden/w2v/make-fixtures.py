#!/usr/bin/python3
"""Writes the word-vector fixtures of tests/data/w2v/ and the answers gensim gives for them.

Run with Debian's python3 (python3-gensim, python3-scipy):
    /usr/bin/python3 tests/golden/w2v/make-fixtures.py tests/data/w2v

The vectors are synthetic but structured so that the questions have answers: each "nation"
has a "city" at a shared offset, each "adj" an "adj...ly" at another, plus noise, so that most
analogies come out right and some do not. Fillers sit between them in the row order so that a
restriction to the first 100 rows leaves some questions out; "City3" and "NATION5" are later
case variants of earlier words (the first row of a folded word must stand for it).

Outputs:
  gensim.bin, gensim.txt   the vectors, by KeyedVectors.save_word2vec_format (binary / text)
  questions.txt            analogy questions (sections, mixed case, out-of-vocabulary words,
                           a malformed line)
  pairs.tsv                word pairs with scores (comments, a header, ties, OOV pairs)
  expected.txt             gensim's answers:
      similar WORD (NEIGHBOUR COSINE)*          most_similar(WORD, topn=10)
      analogy A B C (WORD COSINE)*              most_similar(positive=[B, C], negative=[A], topn=5)
      analogies R section NAME CORRECT SEEN     evaluate_word_analogies(restrict_vocab=R)
      analogies R overall CORRECT SEEN
      pairs R SPEARMAN PEARSON OOV_RATIO        evaluate_word_pairs(restrict_vocab=R); the
                                                ratio as a fraction
    (R = 0 stands for the whole vocabulary.)
  spearman.txt             scipy.stats.spearmanr of two fixed lists with ties (the same lists
                           are in tests/check_w2v_vectors.c)
"""
import os
import sys

import numpy as np
from gensim.models import KeyedVectors
from scipy import stats

out = sys.argv[1] if len(sys.argv) > 1 else "."
rng = np.random.default_rng(20240501)
DIM = 16
N_PAIRS = 20

vec = {}
order = []


def add(word, v):
    order.append(word)
    vec[word] = v.astype(np.float32)


cap = rng.normal(size=DIM)
ly = rng.normal(size=DIM)
fam = rng.normal(size=DIM)
base = [rng.normal(size=DIM) for _ in range(N_PAIRS)]
adjs = [rng.normal(size=DIM) for _ in range(N_PAIRS)]
for i in range(N_PAIRS):
    add(f"nation{i}", base[i])
for i in range(50):
    add(f"filler{i}", rng.normal(size=DIM))
for i in range(N_PAIRS):
    add(f"city{i}", base[i] + cap + rng.normal(scale=0.8, size=DIM))
for i in range(N_PAIRS):
    add(f"adj{i}", adjs[i])
    add(f"adj{i}ly", adjs[i] + ly + rng.normal(scale=0.8, size=DIM))
for i in range(6):
    add(f"he{i}", rng.normal(size=DIM))
for i in range(6):
    add(f"she{i}", vec[f"he{i}"] + fam + rng.normal(scale=0.3, size=DIM))
for i in range(50, 100):
    add(f"filler{i}", rng.normal(size=DIM))
add("City3", rng.normal(size=DIM))
add("NATION5", rng.normal(size=DIM))

kv = KeyedVectors(vector_size=DIM)
kv.add_vectors(order, np.array([vec[w] for w in order]))
kv.save_word2vec_format(os.path.join(out, "gensim.bin"), binary=True)
kv.save_word2vec_format(os.path.join(out, "gensim.txt"), binary=False)
# Evaluate what a reader sees: the vectors loaded back from the binary file.
kv = KeyedVectors.load_word2vec_format(os.path.join(out, "gensim.bin"), binary=True)
nvocab = len(kv.index_to_key)

with open(os.path.join(out, "questions.txt"), "w") as f:
    f.write(": capital-common\n")
    for i in range(N_PAIRS):
        for j in (i + 1, i + 7):
            j %= N_PAIRS
            f.write(f"nation{i} city{i} nation{j} city{j}\n")
    f.write("Nation2 CITY2 nation3 city3\n")
    f.write("nation0 city0 atlantis atlantiscity\n")
    f.write("nation0 city0 nation1\n")
    f.write(": family\n")
    for i in range(6):
        for j in range(6):
            if i != j:
                f.write(f"he{i} she{i} he{j} she{j}\n")
    f.write(": gram-adverbs\n")
    for i in range(N_PAIRS):
        for j in (i + 1, i + 3, i + 11):
            j %= N_PAIRS
            f.write(f"adj{i} adj{i}ly adj{j} adj{j}ly\n")
    f.write("ADJ4 adj4LY adj5 adj5ly\n")

pairs = []
words = [w for w in order if w not in ("City3", "NATION5")]
for k in range(40):
    a, b = rng.choice(len(words), size=2, replace=False)
    pairs.append((words[a], words[b], float(rng.integers(0, 8)) / 2))
pairs.append(("Nation1", "CITY1", 9.5))
pairs.append(("nation1", "unknownword", 3.0))
pairs.append(("zebra", "city2", 4.0))
with open(os.path.join(out, "pairs.tsv"), "w") as f:
    f.write("# word pairs with made-up scores, for tests\n")
    f.write("# Word 1\tWord 2\tHuman (mean)\n")
    for a, b, s in pairs:
        f.write(f"{a}\t{b}\t{s:.2f}\n")

with open(os.path.join(out, "expected.txt"), "w") as f:
    for w in ("nation0", "city5", "adj7ly", "filler3"):
        sims = kv.most_similar(w, topn=10)
        f.write("similar " + w + " " + " ".join(f"{n} {c:.6f}" for n, c in sims) + "\n")
    for a, b, c in (("nation1", "city1", "nation2"), ("adj3", "adj3ly", "adj9"),
                    ("he0", "she0", "he4")):
        sims = kv.most_similar(positive=[b, c], negative=[a], topn=5)
        f.write(f"analogy {a} {b} {c} " + " ".join(f"{n} {s:.6f}" for n, s in sims) + "\n")
    for r in (0, 100):
        score, sections = kv.evaluate_word_analogies(os.path.join(out, "questions.txt"),
                                                     restrict_vocab=r or nvocab)
        for s in sections:
            good, bad = len(s["correct"]), len(s["incorrect"])
            if s["section"] == "Total accuracy":
                f.write(f"analogies {r} overall {good} {good + bad}\n")
            else:
                f.write(f"analogies {r} section {s['section']} {good} {good + bad}\n")
    for r in (0, 100):
        pearson, spearman, oov = kv.evaluate_word_pairs(os.path.join(out, "pairs.tsv"),
                                                        restrict_vocab=r or nvocab)
        f.write(f"pairs {r} {spearman[0]:.9f} {pearson[0]:.9f} {oov / 100:.9f}\n")

x = [1, 2, 2, 3, 5, 5, 5, 8, 9, 9]
y = [0.3, 0.1, 0.4, 0.4, 0.9, 0.2, 0.4, 0.8, 0.8, 1.0]
with open(os.path.join(out, "spearman.txt"), "w") as f:
    f.write(f"{stats.spearmanr(x, y)[0]:.12f} {stats.pearsonr(x, y)[0]:.12f}\n")
