"""Cut full word vectors down to the file the quickstart ships.

Keeps the N most frequent words (the first N rows of a word2vec file, which `embed train`
writes in frequency order) plus every word the quickstart names (analogies, plot groups),
and writes them as word2vec binary; compress the result with `xz -9e`.

    python Benchmarks/quickstart_vectors.py full.bin 10000 out.bin
"""

import sys

from gensim.models import KeyedVectors

NAMED = """king queen man woman prince princess boy girl husband wife he she
bird eagle hawk owl sparrow crow pigeon parrot swan duck goose robin falcon raven dove heron gull hen
france germany italy spain china japan india russia england canada brazil egypt greece mexico australia poland
paris london berlin rome tokyo moscow madrid beijing chicago sydney vienna cairo athens boston toronto washington
""".split()


def main(source: str, top: int, target: str) -> None:
    full = KeyedVectors.load_word2vec_format(source, binary=True)
    keep = list(full.index_to_key[:top])
    kept = set(keep)
    keep += [w for w in full.index_to_key[top:] if w in NAMED and w not in kept]
    out = KeyedVectors(vector_size=full.vector_size)
    out.add_vectors(keep, full[keep])
    out.save_word2vec_format(target, binary=True)
    missing = [w for w in NAMED if w not in full.key_to_index]
    print(f"kept {len(keep)} words x {full.vector_size}; not in the source: {missing}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
