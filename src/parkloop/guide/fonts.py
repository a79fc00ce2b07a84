"""Finding a Unicode TrueType font for the PDF report.

The 14 standard PDF fonts cover Latin-1 only, so Polish letters (ą, ł, ż...) cannot be
written with them. The report therefore embeds a TrueType font found on the machine; nothing
is downloaded. The package ships DejaVu Sans; looked up in order:

1. DejaVu Sans (Bitstream Vera Fonts licence, DejaVu changes in the public domain; Debian and
   Ubuntu package ``fonts-dejavu-core``, also shipped by matplotlib in ``mpl-data``);
2. Liberation Sans (SIL Open Font License 1.1; package ``fonts-liberation``).

A deployment may instead pass its own :class:`FontFiles` to the renderer.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from parkloop.errors import ConfigurationError


@dataclass(frozen=True)
class FontFiles:
    """A TrueType family: regular face, optional bold face, and its licence."""

    family: str
    regular: Path
    bold: Path | None = None
    licence: str = ""


_DEJAVU_LICENCE = "Bitstream Vera Fonts licence; DejaVu changes in the public domain"
_LIBERATION_LICENCE = "SIL Open Font License 1.1"

#: (family, regular file, bold file, licence), in order of preference.
_FAMILIES = (
    ("DejaVuSans", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", _DEJAVU_LICENCE),
    (
        "LiberationSans",
        "LiberationSans-Regular.ttf",
        "LiberationSans-Bold.ttf",
        _LIBERATION_LICENCE,
    ),
)

_SYSTEM_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/dejavu-sans-fonts",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/liberation-sans",
    "/usr/share/fonts/truetype",
    "/usr/local/share/fonts",
)


def _matplotlib_dir() -> Path | None:
    """matplotlib's bundled font folder, when matplotlib is installed (it is not imported)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"


#: DejaVu Sans shipped with the package (Debian fonts-dejavu-core 2.37; licence in LICENSE
#: beside the files), so a report renders the same on any machine.
SHIPPED = Path(__file__).parent / "font_files"


def default_font_dirs() -> tuple[Path, ...]:
    """The folders searched by :func:`find_unicode_font`: the shipped font first."""
    dirs = [SHIPPED, *(Path(d) for d in _SYSTEM_DIRS)]
    bundled = _matplotlib_dir()
    if bundled is not None:
        dirs.append(bundled)
    return tuple(dirs)


def find_unicode_font(search_dirs: Sequence[Path] | None = None) -> FontFiles:
    """The first preferred font family found in ``search_dirs``.

    Parameters
    ----------
    search_dirs : sequence of Path, optional
        Folders to look in; :func:`default_font_dirs` when omitted.

    Raises
    ------
    ConfigurationError
        When no folder holds a supported font, with what to install.
    """
    dirs = default_font_dirs() if search_dirs is None else tuple(search_dirs)
    for family, regular, bold, licence in _FAMILIES:
        for folder in dirs:
            path = folder / regular
            if path.is_file():
                bold_path = folder / bold
                return FontFiles(
                    family=family,
                    regular=path,
                    bold=bold_path if bold_path.is_file() else None,
                    licence=licence,
                )
    searched = ", ".join(str(d) for d in dirs)
    raise ConfigurationError(
        "no Unicode TrueType font for the PDF report was found (looked for DejaVu Sans and "
        f"Liberation Sans in {searched}); install fonts-dejavu-core or pass FontFiles to "
        "render_pdf"
    )
