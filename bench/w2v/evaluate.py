#!/usr/bin/python3
"""evaluate.py — the one evaluator the dl-w2v benchmark applies to every program's vectors.

    /usr/bin/python3 evaluate.py --analogies Q [--wordsim WS] [--simlex SL] [--restrict N] FILE...

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
"""
import argparse
import logging
import sys

from gensim.models import KeyedVectors


def analogies(kv, path, restrict):
    _, sections = kv.evaluate_word_analogies(path, restrict_vocab=restrict)
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


def pairs(kv, path):
    _, spearman, oov = kv.evaluate_word_pairs(path)
    rho = spearman[0] if hasattr(spearman, "__getitem__") else spearman.correlation
    return rho, oov


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--analogies", required=True)
    ap.add_argument("--wordsim")
    ap.add_argument("--simlex")
    ap.add_argument("--restrict", type=int, default=30000)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    logging.basicConfig(level=logging.ERROR)
    for f in a.files:
        binary = not (f.endswith(".vec") or f.endswith(".txt"))
        kv = KeyedVectors.load_word2vec_format(f, binary=binary, unicode_errors="replace")
        acc, correct, questions, sem, syn = analogies(kv, a.analogies, a.restrict)
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
