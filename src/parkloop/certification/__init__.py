"""Certification of green industrial areas: scoring a self-assessment against a standard.

The standards themselves are reference data (``parkloop.reference.standards``); this package
holds the pure scoring functions.
"""

from parkloop.certification.scoring import (
    Answer,
    LevelCheck,
    Outcome,
    Result,
    TopicScore,
    evaluate_indicator,
    score_assessment,
)

__all__ = [
    "Answer",
    "LevelCheck",
    "Outcome",
    "Result",
    "TopicScore",
    "evaluate_indicator",
    "score_assessment",
]
