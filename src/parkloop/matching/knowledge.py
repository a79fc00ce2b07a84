"""Recognising what a flow is (resource classes) and which sectors can use it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from parkloop.matching.codes import nace_similarity, waste_similarity
from parkloop.matching.text import contains_keyword, fold
from parkloop.reference.resource_classes import Receiver, ResourceClass, load_resource_classes

# How sure a recognition is: by List of Waste code, by a keyword in the flow's text.
BY_WASTE_CODE = 1.0
BY_KEYWORD = 0.9


@dataclass(frozen=True)
class Recognition:
    """A resource class recognised in a flow, how sure, and from what evidence."""

    resource: ResourceClass
    strength: float
    evidence: str


class Knowledge:
    """Resource classes with folded keywords, ready to recognise flows."""

    def __init__(self, classes: Sequence[ResourceClass] | None = None) -> None:
        self.classes = tuple(classes if classes is not None else load_resource_classes())
        self._keywords = [
            (
                cls,
                sorted(
                    {fold(k) for words in cls.keywords.values() for k in words} - {""},
                    key=len,
                    reverse=True,
                ),
            )
            for cls in self.classes
        ]
        self._recognised: dict[tuple[str, str | None, float | None], list[Recognition]] = {}

    def recognise(
        self, text: str, ewc: str | None = None, temperature_c: float | None = None
    ) -> list[Recognition]:
        """Resource classes a flow belongs to, strongest first (cached; see :meth:`_recognise`)."""
        key = (text, ewc, temperature_c)
        if key not in self._recognised:
            if len(self._recognised) > 200_000:
                self._recognised.clear()
            self._recognised[key] = self._recognise(text, ewc, temperature_c)
        return list(self._recognised[key])

    def _recognise(
        self, text: str, ewc: str | None, temperature_c: float | None
    ) -> list[Recognition]:
        """Resource classes a flow belongs to, strongest first.

        A List of Waste code inside a class's codes gives :data:`BY_WASTE_CODE`; a keyword of any
        language in the name or description gives :data:`BY_KEYWORD`. Heat classes are kept only
        when the flow's temperature (if given) lies in their range.
        """
        folded = fold(text)
        found: dict[str, Recognition] = {}
        heat_hint = False
        for cls, keywords in self._keywords:
            best: Recognition | None = None
            if ewc and any(waste_similarity(ewc, code) >= _prefix_level(code) for code in cls.ewc):
                best = Recognition(cls, BY_WASTE_CODE, f"List of Waste {ewc.rstrip('*')}")
            if best is None:
                for keyword in keywords:
                    if contains_keyword(folded, keyword):
                        best = Recognition(cls, BY_KEYWORD, f'"{keyword}"')
                        break
            if best is None:
                continue
            heat_hint = heat_hint or cls.is_heat
            if cls.is_heat and temperature_c is not None and cls.temperature_c is not None:
                low, high = cls.temperature_c
                if not low <= temperature_c <= high:
                    continue
            found[cls.id] = best
        heat_by_temperature = self._heat_class(temperature_c) if heat_hint else None
        if heat_by_temperature is not None:
            found.setdefault(
                heat_by_temperature.id,
                Recognition(heat_by_temperature, BY_KEYWORD, f"{temperature_c:g} C"),
            )
        return sorted(found.values(), key=lambda r: (-r.strength, r.resource.id))

    def _heat_class(self, temperature_c: float | None) -> ResourceClass | None:
        if temperature_c is None:
            return None
        for cls in self.classes:
            if cls.temperature_c and cls.temperature_c[0] <= temperature_c <= cls.temperature_c[1]:
                return cls
        return None

    def receivers_for(
        self, recognitions: Sequence[Recognition], nace: str
    ) -> tuple[float, Recognition | None, Receiver | None]:
        """How well a sector fits the recognised classes: score, class and receiver behind it."""
        best: tuple[float, Recognition | None, Receiver | None] = (0.0, None, None)
        for recognition in recognitions:
            for receiver in recognition.resource.receivers:
                score = recognition.strength * nace_similarity(nace, receiver.nace)
                if score > best[0]:
                    best = (score, recognition, receiver)
        return best


def _prefix_level(code: str) -> float:
    """The similarity a flow's code must reach to fall inside a class code of this width."""
    return 1.0 if len(code) == 8 else 0.6 if len(code) == 5 else 0.3
