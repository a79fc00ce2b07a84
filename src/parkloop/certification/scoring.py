"""Scoring a park's self-assessment against a certification standard (pure functions, no I/O).

The rule (see ``docs/methods.md``, "Certification scoring"):

* every mandatory criterion must be met for any level;
* a scored criterion contributes its points when met, the points awarded when partly met, and
  0 when not met or not answered; a criterion answered *not applicable* is removed from the
  numerator and the denominator;
* topic share = points awarded / points possible in the topic; total share = the same over all
  topics;
* a level is reached when all mandatory criteria are met, the total share reaches the level's
  minimum and every topic share reaches the level's topic minimum (the DGNB rule, so that a
  high total cannot hide a weak topic). A topic whose scored criteria are all not applicable
  has no share and is not held against a level.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from parkloop.reference.standards import (
    Criterion,
    Standard,
    indicator_value_problem,
)


class Outcome(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    AWARDED = "awarded"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class Answer:
    """The answer to one criterion: met, not met, points awarded, or not applicable."""

    outcome: Outcome
    points: float | None = None

    @classmethod
    def met(cls) -> Answer:
        return cls(Outcome.MET)

    @classmethod
    def not_met(cls) -> Answer:
        return cls(Outcome.NOT_MET)

    @classmethod
    def awarded(cls, points: float) -> Answer:
        """Part of a scored criterion's points (``0 <= points <= criterion.points``)."""
        return cls(Outcome.AWARDED, float(points))

    @classmethod
    def not_applicable(cls) -> Answer:
        return cls(Outcome.NOT_APPLICABLE)


@dataclass(frozen=True)
class TopicScore:
    """Points awarded and possible in a topic; ``share`` is ``None`` when nothing is possible."""

    topic_id: str
    points: float
    possible: float
    share: float | None


@dataclass(frozen=True)
class LevelCheck:
    """Whether a level is reached and, when not, every reason why."""

    level_id: str
    reached: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Result:
    standard_id: str
    standard_version: str
    topics: tuple[TopicScore, ...]
    points: float
    possible: float
    total_share: float | None
    missing_mandatory: tuple[str, ...]
    not_applicable: tuple[str, ...]
    unanswered: tuple[str, ...]
    levels: tuple[LevelCheck, ...]
    level: str | None

    def topic(self, topic_id: str) -> TopicScore:
        for score in self.topics:
            if score.topic_id == topic_id:
                return score
        raise KeyError(topic_id)

    @property
    def reasons_not_reached(self) -> dict[str, tuple[str, ...]]:
        """Level id -> reasons, for each level not reached."""
        return {check.level_id: check.reasons for check in self.levels if not check.reached}


def evaluate_indicator(criterion: Criterion, value: float | bool) -> bool | float | None:
    """Decide a criterion from the value of its computed indicator.

    Parameters
    ----------
    criterion : Criterion
        A criterion with an ``indicator`` rule.
    value : float or bool
        The indicator's value in its unit (shares in [0, 1], the GHG trend in % per year, a
        count, or true/false for ``area_manager``).

    Returns
    -------
    bool or float or None
        For a comparison rule: whether the value meets the threshold. For a points scale: the
        points of the hardest step reached (0 when none is). ``None`` when the standard sets
        no threshold: the value is shown and an auditor decides.

    Raises
    ------
    ValueError
        When the criterion has no indicator or the value is outside the indicator's range.

    Notes
    -----
    ``>=``: met when value >= threshold; ``<=``: met when value <= threshold; ``==``
    (true/false indicators): met when value == threshold. A scale's steps go from easiest to
    hardest; the result is the points of the last step whose threshold the value meets.

    Examples
    --------
    >>> from parkloop.reference.standards import default_registry
    >>> standard = default_registry().get("green_industrial_area")
    >>> evaluate_indicator(standard.criterion("EC-01"), 0.62)  # renewable share >= 0.5
    True
    >>> evaluate_indicator(standard.criterion("MW-02"), 0.8) is None  # no sourced threshold
    True
    """
    rule = criterion.indicator
    if rule is None:
        raise ValueError(f"criterion {criterion.id!r} has no indicator; answer it from evidence")
    problem = indicator_value_problem(rule.spec, value)
    if problem:
        raise ValueError(f"criterion {criterion.id!r}: {rule.name} = {value!r} {problem}")
    if rule.scale:
        points = 0.0
        for step in rule.scale:
            if _meets(rule.comparison, float(value), step.threshold):
                points = step.points
        return points
    if rule.threshold is None:
        return None
    if isinstance(rule.threshold, bool):
        return value == rule.threshold
    return _meets(rule.comparison, float(value), rule.threshold)


def _meets(comparison: str, value: float, threshold: float) -> bool:
    return value >= threshold if comparison == ">=" else value <= threshold


def _percent(share: float) -> str:
    text = f"{share * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text} %"


def _awarded(criterion: Criterion, answer: Answer | None) -> float:
    """Points a scored criterion earns under ``answer`` (missing = not met)."""
    if answer is None or answer.outcome is Outcome.NOT_MET:
        return 0.0
    if answer.outcome is Outcome.MET:
        return criterion.points
    points = answer.points if answer.points is not None else -1.0
    if not 0.0 <= points <= criterion.points:
        raise ValueError(
            f"criterion {criterion.id!r}: {answer.points!r} points awarded; allowed: 0 to "
            f"{criterion.points:g}"
        )
    return points


def _check_answers(standard: Standard, answers: Mapping[str, Answer]) -> None:
    known = {c.id for c in standard.criteria}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise ValueError(f"answers to unknown criteria {unknown} of standard {standard.id!r}")
    for criterion in standard.criteria:
        answer = answers.get(criterion.id)
        if answer is None:
            continue
        if answer.outcome is Outcome.NOT_APPLICABLE and not criterion.allow_not_applicable:
            raise ValueError(
                f"criterion {criterion.id!r} cannot be answered not applicable; answer met or "
                "not met"
            )
        if answer.outcome is Outcome.AWARDED and criterion.mandatory:
            raise ValueError(
                f"criterion {criterion.id!r} is mandatory: answer met or not met, not points"
            )


def _level_reasons(
    min_total: float,
    topic_minimums: Mapping[str, float],
    total_share: float | None,
    topics: tuple[TopicScore, ...],
    missing: tuple[str, ...],
) -> tuple[str, ...]:
    reasons = []
    if missing:
        reasons.append(f"mandatory criteria not met: {', '.join(missing)}")
    if min_total > 0 and total_share is None:
        reasons.append("no scored criterion applies, so the total minimum cannot be reached")
    elif total_share is not None and total_share < min_total:
        reasons.append(
            f"total share {_percent(total_share)} is below the minimum {_percent(min_total)}"
        )
    for score in topics:
        minimum = topic_minimums.get(score.topic_id, 0.0)
        if score.share is not None and score.share < minimum:
            reasons.append(
                f"topic {score.topic_id!r}: {score.points:g} of {score.possible:g} points "
                f"({_percent(score.share)}) is below the topic minimum {_percent(minimum)}"
            )
    return tuple(reasons)


def score_assessment(standard: Standard, answers: Mapping[str, Answer]) -> Result:
    """Score a self-assessment and find the highest level reached.

    Parameters
    ----------
    standard : Standard
        The certification standard.
    answers : Mapping[str, Answer]
        Criterion id -> answer. A criterion without an answer counts as not met and is listed
        in ``Result.unanswered``.

    Returns
    -------
    Result
        Points, possible points and share per topic and in total, the mandatory criteria not
        met, a check per level (reached, or the reasons it is not) and the highest level
        reached (``None`` when none is).

    Raises
    ------
    ValueError
        For answers to unknown criteria, points outside [0, criterion points], points for a
        mandatory criterion, or *not applicable* where the criterion does not allow it.

    Notes
    -----
    share_topic = sum(awarded) / sum(points of applicable scored criteria in the topic);
    share_total = the same over all topics. Level L is reached when no mandatory criterion is
    missing, share_total >= L.min_total_share and share_topic >= L.topic_minimums[topic] for
    every topic that has a share.

    References
    ----------
    DGNB award rule (total and per-topic minimum performance index):
    https://www.dgnb-system.de/de/zertifizierung/bewertung/ ; International Framework for
    Eco-Industrial Parks v2.0 (World Bank, UNIDO, GIZ 2021).

    Examples
    --------
    >>> from parkloop.reference.standards import default_registry
    >>> standard = default_registry().get("green_industrial_area")
    >>> answers = {c.id: Answer.met() for c in standard.criteria}
    >>> result = score_assessment(standard, answers)
    >>> result.level, result.total_share
    ('platinum', 1.0)
    >>> answers["EC-01"] = Answer.not_met()
    >>> score_assessment(standard, answers).level is None
    True
    """
    _check_answers(standard, answers)
    awarded: dict[str, float] = dict.fromkeys((t.id for t in standard.topics), 0.0)
    possible: dict[str, float] = dict.fromkeys(awarded, 0.0)
    missing, not_applicable, unanswered = [], [], []
    for criterion in standard.criteria:
        answer = answers.get(criterion.id)
        if answer is None:
            unanswered.append(criterion.id)
        elif answer.outcome is Outcome.NOT_APPLICABLE:
            not_applicable.append(criterion.id)
            continue
        if criterion.mandatory:
            if answer is None or answer.outcome is not Outcome.MET:
                missing.append(criterion.id)
            continue
        awarded[criterion.topic] += _awarded(criterion, answer)
        possible[criterion.topic] += criterion.points
    topics = tuple(
        TopicScore(
            tid,
            awarded[tid],
            possible[tid],
            awarded[tid] / possible[tid] if possible[tid] else None,
        )
        for tid in awarded
    )
    points, total = sum(awarded.values()), sum(possible.values())
    total_share = points / total if total else None
    checks = []
    for level in standard.levels:
        reasons = _level_reasons(
            level.min_total_share, level.topic_minimums, total_share, topics, tuple(missing)
        )
        checks.append(LevelCheck(level.id, not reasons, reasons))
    reached = [check.level_id for check in checks if check.reached]
    return Result(
        standard_id=standard.id,
        standard_version=standard.version,
        topics=topics,
        points=points,
        possible=total,
        total_share=total_share,
        missing_mandatory=tuple(missing),
        not_applicable=tuple(not_applicable),
        unanswered=tuple(unanswered),
        levels=tuple(checks),
        level=reached[-1] if reached else None,
    )
