"""Municipal guide and park report.

:mod:`parkloop.guide.steps` loads the sourced step-by-step guide for municipalities and
computes a park's progress through it; :mod:`parkloop.guide.report` assembles the park report
from plain data and renders it as HTML (Jinja2, inline SVG charts) and PDF (fpdf2).
"""

from parkloop.guide.steps import (
    FEATURES,
    CheckItem,
    Guide,
    GuideSource,
    Progress,
    SourceRef,
    Step,
    StepProgress,
    load_guide,
    progress,
)

__all__ = [
    "FEATURES",
    "CheckItem",
    "Guide",
    "GuideSource",
    "Progress",
    "SourceRef",
    "Step",
    "StepProgress",
    "load_guide",
    "progress",
]
