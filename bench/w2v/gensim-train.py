#!/usr/bin/python3
"""gensim-train.py — trains gensim's Word2Vec for the dl-w2v benchmark and writes the vectors
in word2vec's binary format.

    /usr/bin/python3 gensim-train.py [--cbow] [--hs] [--alpha A] [--threads T] [--seed S] CORPUS OUT

The other settings are the benchmark's: dim 100, window 5, negative 5 (0 with --hs), sample
1e-4, min-count 5, 5 epochs, min_alpha 0.0001; seed 1 unless --seed. The corpus is read through
corpus_file (gensim's Cython reader, one sentence per line, no Python per word), which is
gensim's fastest path. Prints "gensim: vocab N train_s S total_s T" on stderr.
"""
import argparse
import sys
import time

from gensim.models import Word2Vec


def main():
    t0 = time.time()
    ap = argparse.ArgumentParser()
    ap.add_argument("--cbow", action="store_true")
    ap.add_argument("--hs", action="store_true")
    ap.add_argument("--alpha", type=float, default=0.025)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("corpus")
    ap.add_argument("out")
    a = ap.parse_args()
    m = Word2Vec(vector_size=100, window=5, min_count=5, sample=1e-4,
                 sg=0 if a.cbow else 1, hs=1 if a.hs else 0, negative=0 if a.hs else 5,
                 alpha=a.alpha, min_alpha=0.0001, seed=a.seed, workers=a.threads)
    m.build_vocab(corpus_file=a.corpus)
    t1 = time.time()
    m.train(corpus_file=a.corpus, total_words=m.corpus_total_words,
            total_examples=m.corpus_count, epochs=5)
    t2 = time.time()
    m.wv.save_word2vec_format(a.out, binary=True)
    print("gensim: vocab %d train_s %.2f total_s %.2f" % (len(m.wv), t2 - t1, time.time() - t0),
          file=sys.stderr)


if __name__ == "__main__":
    main()
