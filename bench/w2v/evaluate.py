#!/usr/bin/python3
"""evaluate.py — the one evaluator the dl-w2v benchmark applies to every program's vectors.

    /usr/bin/python3 evaluate.py --analogies Q [--wordsim WS] [--simlex SL] [--restrict N]
                                 [--questions-out OUT] FILE...
    /usr/bin/python3 evaluate.py --common OUT...

Each FILE is a word2vec-format vector file, binary, or text when its name ends in ".vec" or
".txt", loaded with gensim's KeyedVectors.load_word2vec_format. Per file it prints one line of
"key value" pairs:

    file F words N analogy ACC correct C questions Q semantic S syntactic Y wordsim R
    wordsim_oov O simlex R simlex_oov O

analogy: KeyedVectors.evaluate_word_analogies(restrict_vocab=N) (the protocol of word2vec's
compute-accuracy: b - a + c among the first N words of the file, the question words excluded,
questions with a word outside them skipped); semantic and syntactic are the accuracies over
the sections whose name starts with "gram" (syntactic) and the others. wordsim and simlex:
Spearman's rho of evaluate_word_pairs, with the percentage of pairs not in the vocabulary.
Accuracies and OOV are percentages.

--questions-out OUT (one FILE only) also writes the questions the analogy test answered, those
whose four words are among the first N words of FILE, one a line with its outcome:

    SECTION<TAB>A B C D<TAB>1 (correct) or 0

in the order of Q (a question written twice in Q is written twice). --common compares such
files written for several vector files on the same questions: it keeps the questions present
in EVERY OUT given (those whose four words are among the first N words of every vector file:
programs order words of equal count differently at the cut, so each skips a slightly different
set) and prints per OUT, on the questions kept,

    file OUT analogy ACC correct C questions Q semantic S syntactic Y

Each vector file's answers are still its own, searched among its own first N words.
"""
import argparse
import logging
import os
import sys

from gensim.models import KeyedVectors


def analogies(kv, path, restrict, out=None):
    _, sections = kv.evaluate_word_analogies(path, restrict_vocab=restrict)
    if out:
        write_questions(sections, path, out)
    sem = [0, 0]
    syn = [0, 0]
    total = [0, 0]
    for s in sections:
        if s["section"] == "Total accuracy":
            continue
        c, i = len(s["correct"]), len(s["incorrect"])
        acc = syn if s["section"].startswith("gram") else sem
        acc[0] += c
        acc[1] += c + i
        total[0] += c
        total[1] += c + i

    def pct(a):
        return 100.0 * a[0] / a[1] if a[1] else 0.0

    return pct(total), total[0], total[1], pct(sem), pct(syn)


def write_questions(sections, path, out):
    """Writes the questions answered, in the order of the question file, with 1 or 0."""
    outcome = {}
    for s in sections:
        if s["section"] == "Total accuracy":
            continue
        for ok, key in ((1, "correct"), (0, "incorrect")):
            for q in s[key]:
                outcome[(s["section"], " ".join(q).lower())] = ok
    tmp = out + ".tmp"
    with open(path, encoding="utf-8") as f, open(tmp, "w", encoding="utf-8") as o:
        section = None
        for line in f:
            if line.startswith(":"):
                section = line.lstrip(": ").strip()
                continue
            q = " ".join(line.lower().split())
            if (section, q) in outcome:
                o.write("%s\t%s\t%d\n" % (section, q, outcome[(section, q)]))
    os.replace(tmp, out)


def read_questions(path):
    """The lines of a --questions-out file: a list of (section, question, outcome)."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            section, q, ok = line.rstrip("\n").split("\t")
            rows.append((section, q, int(ok)))
    return rows


def common(paths):
    """Prints each file's accuracy on the questions present in every file."""
    files = [read_questions(p) for p in paths]
    keep = set((s, q) for s, q, _ in files[0])
    for rows in files[1:]:
        keep &= set((s, q) for s, q, _ in rows)
    for p, rows in zip(paths, files):
        total = [0, 0]
        sem = [0, 0]
        syn = [0, 0]
        for s, q, ok in rows:
            if (s, q) not in keep:
                continue
            for acc in (total, syn if s.startswith("gram") else sem):
                acc[0] += ok
                acc[1] += 1

        def pct(a):
            return 100.0 * a[0] / a[1] if a[1] else 0.0

        print("file %s analogy %.2f correct %d questions %d semantic %.2f syntactic %.2f" % (
            p, pct(total), total[0], total[1], pct(sem), pct(syn)))


def pairs(kv, path):
    _, spearman, oov = kv.evaluate_word_pairs(path)
    rho = spearman[0] if hasattr(spearman, "__getitem__") else spearman.correlation
    return rho, oov


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--analogies")
    ap.add_argument("--questions-out")
    ap.add_argument("--common", action="store_true",
                    help="FILE... are --questions-out files: their accuracies on the common questions")
    ap.add_argument("--wordsim")
    ap.add_argument("--simlex")
    ap.add_argument("--restrict", type=int, default=30000)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    if a.common:
        common(a.files)
        return
    if not a.analogies:
        ap.error("--analogies is required")
    if a.questions_out and len(a.files) != 1:
        ap.error("--questions-out takes one vector file")
    logging.basicConfig(level=logging.ERROR)
    for f in a.files:
        binary = not (f.endswith(".vec") or f.endswith(".txt"))
        kv = KeyedVectors.load_word2vec_format(f, binary=binary, unicode_errors="replace")
        acc, correct, questions, sem, syn = analogies(kv, a.analogies, a.restrict,
                                                         a.questions_out)
        out = "file %s words %d analogy %.2f correct %d questions %d semantic %.2f syntactic %.2f" % (
            f, len(kv.index_to_key), acc, correct, questions, sem, syn)
        if a.wordsim:
            rho, oov = pairs(kv, a.wordsim)
            out += " wordsim %.4f wordsim_oov %.1f" % (rho, oov)
        if a.simlex:
            rho, oov = pairs(kv, a.simlex)
            out += " simlex %.4f simlex_oov %.1f" % (rho, oov)
        print(out)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
