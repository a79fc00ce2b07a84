"""One error family for the whole package.

Every layer raises a subclass of :class:`ParkloopError`; the CLI and the web app render them
in one place. Messages say what is wrong and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class ParkloopError(Exception):
    """Base class of every error parkloop raises on purpose."""

    code = "parkloop_error"


class ConfigurationError(ParkloopError):
    """Settings are missing or inconsistent."""

    code = "configuration_error"


class NotFound(ParkloopError):
    """A park, company, flow or other record does not exist."""

    code = "not_found"


class Forbidden(ParkloopError):
    """The caller may not see or change this record."""

    code = "forbidden"


class Unauthenticated(ParkloopError):
    """The caller is not signed in, or the credentials are wrong or expired."""

    code = "unauthenticated"


class SignInRequired(Unauthenticated):
    """The page or endpoint needs a signed-in user; pages send the browser to sign in."""


class RateLimited(ParkloopError):
    """Too many attempts in a short time; ``retry_after_s`` says when to try again."""

    code = "rate_limited"

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class Conflict(ParkloopError):
    """Someone else changed the record since it was read, or it is in the wrong state."""

    code = "conflict"


class ReferenceDataError(ParkloopError):
    """A shipped reference data file is malformed (a packaging bug, not user input)."""

    code = "reference_data_error"


@dataclass(frozen=True)
class Issue:
    """One problem found in user input, located as precisely as possible.

    ``row`` is the 1-based line number in the file as a spreadsheet user sees it (the header is
    row 1, the first data row is row 2); ``None`` when the problem concerns the whole sheet.
    """

    sheet: str
    row: int | None
    column: str | None
    message: str

    def location(self) -> str:
        parts = [f"sheet {self.sheet!r}"]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.location()}: {self.message}"


@dataclass
class ValidationError(ParkloopError):
    """User input is invalid; ``issues`` lists every problem found (up to a cap)."""

    issues: list[Issue] = field(default_factory=list)
    truncated: bool = False
    code = "validation_error"

    def __post_init__(self) -> None:
        super().__init__(self.summary())

    def summary(self) -> str:
        n = len(self.issues)
        more = " (more not shown)" if self.truncated else ""
        head = f"{n} problem{'s' if n != 1 else ''} found{more}; nothing was written"
        return "\n".join([head, *(f"  - {i}" for i in self.issues)])

    def __str__(self) -> str:
        return self.summary()
