#!/usr/bin/python3
"""Loads word-vector files with gensim and checks that they hold the same words, in the same
order, with the same float32 values, as the first one.

    /usr/bin/python3 tests/golden/w2v/check-load.py FILE...

A name ending in .bin is read as word2vec binary, anything else as word2vec text, both by
KeyedVectors.load_word2vec_format. Exit status: 0 all the same, 1 a difference or a file
gensim cannot read, 77 when gensim is not installed (the calling test is then skipped).
"""
import sys

try:
    import numpy as np
    from gensim.models import KeyedVectors
except ImportError:
    sys.exit(77)


def load(path):
    try:
        return KeyedVectors.load_word2vec_format(path, binary=path.endswith(".bin"))
    except Exception as e:  # gensim raises several kinds; any is a failure here
        print(f"check-load: {path}: gensim cannot read it: {e}", file=sys.stderr)
        sys.exit(1)


def main(paths):
    if not paths:
        print("usage: check-load.py FILE...", file=sys.stderr)
        return 2
    ref = load(paths[0])
    for p in paths[1:]:
        kv = load(p)
        if kv.index_to_key != ref.index_to_key:
            print(f"check-load: {p}: other words than {paths[0]}", file=sys.stderr)
            return 1
        if kv.vectors.shape != ref.vectors.shape or kv.vectors.dtype != np.float32:
            print(f"check-load: {p}: shape {kv.vectors.shape}, want {ref.vectors.shape}",
                  file=sys.stderr)
            return 1
        same = (kv.vectors == ref.vectors) | (np.isnan(kv.vectors) & np.isnan(ref.vectors))
        if not same.all():
            i = int(np.argwhere(~same)[0][0])
            print(f"check-load: {p}: the vector of '{ref.index_to_key[i]}' differs",
                  file=sys.stderr)
            return 1
    print(f"check-load: {len(paths)} files, {len(ref.index_to_key)} words of "
          f"{ref.vector_size}: the same")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
