"""Build the offline basemap ``src/parkloop/web/static/basemap/baltic.geojson``.

The country polygons come from Natural Earth (public domain) as redistributed in TopoJSON by the
npm package ``world-atlas``. The script decodes the TopoJSON itself (arcs, delta encoding,
quantisation transform), keeps the polygons that touch the Baltic Sea region enlarged by a margin,
clips them to that box, rounds coordinates and writes a compact GeoJSON FeatureCollection with the
properties ``name`` and ``iso_a2`` only.

Usage (from the repository root)::

    (cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz)
    .venv/bin/python scripts/build_basemap.py /tmp/package

It uses only the standard library and ``pycountry`` (already a parkloop dependency, for the
ISO 3166-1 numeric -> alpha-2 lookup). The output is deterministic: the same package gives the
same bytes.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import pycountry

from parkloop.errors import ReferenceDataError

Point = tuple[float, float]
Ring = list[Point]
Polygon = list[Ring]

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "src" / "parkloop" / "web" / "static" / "basemap" / "baltic.geojson"
DEFAULT_SOURCE_FILE = "countries-50m.json"
MAX_OUTPUT_BYTES = 400_000


@dataclass(frozen=True)
class Box:
    """A longitude/latitude rectangle [degrees, WGS84]."""

    west: float
    south: float
    east: float
    north: float

    def grown(self, margin_deg: float) -> Box:
        """Return the box enlarged by ``margin_deg`` [degrees] on every side.

        Examples
        --------
        >>> Box(3.0, 52.0, 33.0, 71.0).grown(2.0)
        Box(west=1.0, south=50.0, east=35.0, north=73.0)
        """
        return Box(
            self.west - margin_deg,
            self.south - margin_deg,
            self.east + margin_deg,
            self.north + margin_deg,
        )

    def intersects(self, other: Box) -> bool:
        """Return True when the two boxes share at least one point."""
        return not (
            other.east < self.west
            or other.west > self.east
            or other.north < self.south
            or other.south > self.north
        )


# Baltic Sea region: DK, SE, FI, NO, EE, LV, LT, PL, DE and their neighbours.
BALTIC_REGION = Box(west=3.0, south=52.0, east=33.0, north=71.0)
DEFAULT_MARGIN_DEG = 8.0


def read_topology(path: Path) -> dict[str, Any]:
    """Read a TopoJSON file and check that it has the members this script needs.

    Raises
    ------
    ReferenceDataError
        When the file is not a TopoJSON Topology with ``arcs`` and ``objects.countries``.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ReferenceDataError(f"{path}: cannot read TopoJSON ({exc})") from exc
    if not isinstance(data, dict) or data.get("type") != "Topology":
        raise ReferenceDataError(f"{path}: field 'type' must be 'Topology'")
    if not isinstance(data.get("arcs"), list):
        raise ReferenceDataError(f"{path}: field 'arcs' must be a list of arcs")
    objects = data.get("objects")
    if not isinstance(objects, dict) or "countries" not in objects:
        raise ReferenceDataError(f"{path}: field 'objects' must contain 'countries'")
    return data


def decode_arc(arc: Sequence[Sequence[float]], transform: dict[str, Any] | None) -> Ring:
    """Decode one TopoJSON arc into absolute longitude/latitude positions [degrees].

    A quantised topology stores the first position as integers and every later position as a
    difference from the previous one; ``x = sum(dx) * scale_x + translate_x`` (same for y).

    Examples
    --------
    >>> decode_arc([[10, 20], [1, -2]], {"scale": [0.5, 0.25], "translate": [-1.0, 2.0]})
    [(4.0, 7.0), (4.5, 6.5)]
    >>> decode_arc([[1.5, 2.5], [3.0, 4.0]], None)
    [(1.5, 2.5), (3.0, 4.0)]
    """
    if transform is None:
        return [(float(p[0]), float(p[1])) for p in arc]
    sx, sy = (float(v) for v in transform["scale"])
    tx, ty = (float(v) for v in transform["translate"])
    x = y = 0
    out: Ring = []
    for position in arc:
        x += int(position[0])
        y += int(position[1])
        out.append((x * sx + tx, y * sy + ty))
    return out


def stitch_ring(arc_indexes: Sequence[int], arcs: Sequence[Ring]) -> Ring:
    """Join the arcs of one ring; a negative index ``~i`` means arc ``i`` reversed.

    The first position of every arc after the first repeats the last one of the previous arc
    and is dropped.

    Examples
    --------
    >>> arcs = [[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)], [(0.0, 0.0), (1.0, 1.0)]]
    >>> stitch_ring([0, ~1], arcs)
    [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]
    """
    ring: Ring = []
    for index in arc_indexes:
        position = index if index >= 0 else ~index
        if not 0 <= position < len(arcs):
            raise ReferenceDataError(
                f"arc index {index} is out of range; the topology has {len(arcs)} arcs"
            )
        points = arcs[position] if index >= 0 else arcs[position][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def geometry_polygons(geometry: dict[str, Any], arcs: Sequence[Ring]) -> list[Polygon]:
    """Return the polygons of a TopoJSON Polygon or MultiPolygon (other types give none)."""
    kind = geometry.get("type")
    if kind == "Polygon":
        return [[stitch_ring(ring, arcs) for ring in geometry["arcs"]]]
    if kind == "MultiPolygon":
        return [[stitch_ring(ring, arcs) for ring in polygon] for polygon in geometry["arcs"]]
    return []


def unwrap_ring(ring: Sequence[Point]) -> Ring:
    """Make longitudes continuous across the antimeridian [degrees].

    Natural Earth rings that cross 180 degrees (eastern Russia, Fiji) jump from 179.9 to -180;
    drawn as they are, those jumps become edges across the whole map. Each position is moved by
    a multiple of 360 degrees to lie within 180 degrees of the previous one, then the whole ring
    is moved east until its western end is at -180 or more.

    Examples
    --------
    >>> unwrap_ring([(179.0, 0.0), (-179.0, 0.0), (-179.0, 1.0), (179.0, 1.0), (179.0, 0.0)])
    [(179.0, 0.0), (181.0, 0.0), (181.0, 1.0), (179.0, 1.0), (179.0, 0.0)]
    >>> unwrap_ring([(-179.0, 0.0), (179.0, 0.0), (179.0, 1.0), (-179.0, 0.0)])
    [(181.0, 0.0), (179.0, 0.0), (179.0, 1.0), (181.0, 0.0)]
    """
    out: Ring = []
    for x, y in ring:
        if out:
            previous = out[-1][0]
            x += 360.0 * round((previous - x) / 360.0)
        out.append((x, y))
    while out and min(p[0] for p in out) < -180.0:
        out = [(x + 360.0, y) for x, y in out]
    return out


def ring_box(ring: Sequence[Point]) -> Box:
    """Return the bounding box of a ring."""
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    return Box(min(xs), min(ys), max(xs), max(ys))


def _clip_edge(
    ring: Ring, inside: Callable[[Point], bool], cross: Callable[[Point, Point], Point]
) -> Ring:
    """One Sutherland-Hodgman pass of an open ring against one half-plane."""
    out: Ring = []
    if not ring:
        return out
    previous = ring[-1]
    for current in ring:
        if inside(current):
            if not inside(previous):
                out.append(cross(previous, current))
            out.append(current)
        elif inside(previous):
            out.append(cross(previous, current))
        previous = current
    return out


def _at_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _at_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def clip_ring(ring: Sequence[Point], box: Box) -> Ring:
    """Clip a closed ring to a rectangle (Sutherland-Hodgman); return a closed ring or [].

    Examples
    --------
    >>> square = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0), (0.0, 0.0)]
    >>> clip_ring(square, Box(1.0, 1.0, 2.0, 9.0))
    [(1.0, 1.0), (2.0, 1.0), (2.0, 4.0), (1.0, 4.0), (1.0, 1.0)]
    """
    work: Ring = list(ring[:-1]) if len(ring) > 1 and ring[0] == ring[-1] else list(ring)
    work = _clip_edge(work, lambda p: p[0] >= box.west, lambda a, b: _at_x(a, b, box.west))
    work = _clip_edge(work, lambda p: p[0] <= box.east, lambda a, b: _at_x(a, b, box.east))
    work = _clip_edge(work, lambda p: p[1] >= box.south, lambda a, b: _at_y(a, b, box.south))
    work = _clip_edge(work, lambda p: p[1] <= box.north, lambda a, b: _at_y(a, b, box.north))
    if len(work) < 3:
        return []
    return [*work, work[0]]


def round_ring(ring: Sequence[Point], ndigits: int) -> Ring:
    """Round positions, drop consecutive duplicates, and return a closed ring or [].

    A ring with fewer than four positions after rounding (three distinct corners and the
    closing repeat) encloses no area and is dropped.

    Examples
    --------
    >>> round_ring([(0.0001, 0.0), (0.0002, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)], 3)
    [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]
    """
    out: Ring = []
    for x, y in ring:
        point = (round(x, ndigits) + 0.0, round(y, ndigits) + 0.0)
        if not out or out[-1] != point:
            out.append(point)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    if len(out) < 3:
        return []
    return [*out, out[0]]


def signed_area(ring: Sequence[Point]) -> float:
    """Return the shoelace signed area [square degrees]; positive when counter-clockwise.

    Examples
    --------
    >>> signed_area([(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)])
    1.0
    """
    total = 0.0
    for (x1, y1), (x2, y2) in pairwise(ring):
        total += x1 * y2 - x2 * y1
    return total / 2.0


def oriented(ring: Ring, *, exterior: bool) -> Ring:
    """Return the ring wound as RFC 7946 asks: exterior counter-clockwise, holes clockwise."""
    counter_clockwise = signed_area(ring) > 0
    return ring if counter_clockwise == exterior else ring[::-1]


def prepare_polygon(polygon: Polygon, clip: Box, ndigits: int) -> Polygon:
    """Clip, round and orient one polygon; return [] when its exterior ring vanishes."""
    rings: Polygon = []
    for index, ring in enumerate(polygon):
        cleaned = round_ring(clip_ring(ring, clip), ndigits)
        if not cleaned or signed_area(cleaned) == 0.0:
            if index == 0:
                return []
            continue
        rings.append(oriented(cleaned, exterior=index == 0))
    return rings


def iso_a2(numeric_id: object) -> str | None:
    """Return the ISO 3166-1 alpha-2 code for a numeric code such as ``"208"``, else None.

    Examples
    --------
    >>> iso_a2("208"), iso_a2(None)
    ('DK', None)
    """
    if not isinstance(numeric_id, str | int) or not str(numeric_id).isdigit():
        return None
    country = pycountry.countries.get(numeric=f"{int(numeric_id):03d}")
    return None if country is None else str(country.alpha_2)


def country_features(topology: dict[str, Any], clip: Box, ndigits: int) -> list[dict[str, Any]]:
    """Return GeoJSON features for every country with a polygon that touches ``clip``.

    Only the polygons (islands, exclaves) whose bounding box meets ``clip`` are kept, each
    clipped to it, so every point of ``clip`` is drawn as land or sea correctly and nothing
    outside it is shipped. Features are sorted by name so the output is stable.
    """
    transform = topology.get("transform")
    arcs = [decode_arc(arc, transform) for arc in topology["arcs"]]
    features: list[dict[str, Any]] = []
    for number, geometry in enumerate(topology["objects"]["countries"].get("geometries", [])):
        properties = geometry.get("properties") or {}
        name = properties.get("name")
        if not isinstance(name, str) or not name:
            raise ReferenceDataError(
                f"objects.countries geometry {number}: field 'properties.name' must be a "
                "non-empty string"
            )
        kept: list[Polygon] = []
        for raw in geometry_polygons(geometry, arcs):
            polygon = [unwrap_ring(ring) for ring in raw]
            if polygon and polygon[0] and clip.intersects(ring_box(polygon[0])):
                prepared = prepare_polygon(polygon, clip, ndigits)
                if prepared:
                    kept.append(prepared)
        if not kept:
            continue
        shape: dict[str, Any] = (
            {"type": "Polygon", "coordinates": kept[0]}
            if len(kept) == 1
            else {"type": "MultiPolygon", "coordinates": kept}
        )
        features.append(
            {
                "type": "Feature",
                "properties": {"name": name, "iso_a2": iso_a2(geometry.get("id"))},
                "geometry": shape,
            }
        )
    features.sort(key=lambda f: str(f["properties"]["name"]))
    return features


def render(features: list[dict[str, Any]]) -> str:
    """Serialise a FeatureCollection compactly, one feature per line."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("package", type=Path, help="unpacked world-atlas npm package folder")
    parser.add_argument("--source", default=DEFAULT_SOURCE_FILE, help="TopoJSON file in it")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--margin", type=float, default=DEFAULT_MARGIN_DEG, help="[degrees]")
    parser.add_argument("--digits", type=int, default=3, help="decimal places kept")
    return parser.parse_args(list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    topology = read_topology(args.package / args.source)
    features = country_features(topology, BALTIC_REGION.grown(args.margin), args.digits)
    text = render(features)
    size = len(text.encode("utf-8"))
    if size > MAX_OUTPUT_BYTES:
        print(f"output would be {size} bytes, over {MAX_OUTPUT_BYTES}", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}: {len(features)} features, {size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
