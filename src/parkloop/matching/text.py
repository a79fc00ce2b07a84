"""Text of flows and resources: normalisation, keyword lookup and character n-gram similarity.

Character n-grams (3-5, within word boundaries) carry across the region's languages where words
share roots (gips/gypsum/Gips, aske/ash is weaker), and need no model download; the
multilingual keyword lists of the resource classes bridge the rest (``knowledge.py``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer

_NON_WORD = re.compile(r"[^0-9a-z]+")

# Letters that NFKD does not split into a base letter and a mark.
_FOLD = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "ł": "l", "đ": "d", "œ": "oe"})


def fold(text: str) -> str:
    """Lower-case ASCII form of ``text`` for matching: diacritics dropped, punctuation spaced.

    Examples
    --------
    >>> fold("Popiół lotny / Flyveaske (tør)")
    'popiol lotny flyveaske tor'
    """
    lowered = text.lower().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", lowered)
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", ascii_text).strip()


def contains_keyword(folded_text: str, folded_keyword: str) -> bool:
    """Whether a folded keyword occurs in folded text at a word start (stems match compounds).

    A keyword matches at the start of a word, so "aske" finds "flyveaske" only when written as
    its own word; compounds are covered by listing the compound (languages like DA, SV, FI, DE).
    """
    if not folded_keyword:
        return False
    return f" {folded_keyword}" in f" {folded_text}"


class TextSimilarity:
    """Cosine similarity of character n-gram TF-IDF vectors over a fixed corpus."""

    def __init__(self, corpus: Sequence[str]) -> None:
        self.vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), preprocessor=fold, sublinear_tf=True, min_df=1
        )
        texts = list(corpus) or [""]
        self.matrix = self.vectorizer.fit_transform(texts)

    def against_corpus(self, queries: Sequence[str]) -> NDArray[np.float64]:
        """Cosine similarities [0, 1], shape (len(queries), len(corpus))."""
        vectors = self.vectorizer.transform(list(queries))
        return np.asarray((vectors @ self.matrix.T).toarray(), dtype=float)

    def pairwise(self, left: Sequence[str], right: Sequence[str]) -> NDArray[np.float64]:
        """Cosine similarities between two lists of texts."""
        a = self.vectorizer.transform(list(left))
        b = self.vectorizer.transform(list(right))
        return np.asarray((a @ b.T).toarray(), dtype=float)
