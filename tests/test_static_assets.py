"""Checks of the shipped map assets: the offline basemap, vendored Leaflet and parkmap.js."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

STATIC = Path(__file__).resolve().parent.parent / "src" / "parkloop" / "web" / "static"
BASEMAP = STATIC / "basemap" / "baltic.geojson"
LEAFLET = STATIC / "vendor" / "leaflet"
VENDOR_README = STATIC / "vendor" / "README.md"
PARKMAP_JS = STATIC / "js" / "parkmap.js"
PARKMAP_CSS = STATIC / "css" / "parkmap.css"

MAX_BASEMAP_BYTES = 400_000
REQUIRED_COUNTRIES = {
    "DK": "Denmark",
    "SE": "Sweden",
    "FI": "Finland",
    "EE": "Estonia",
    "LV": "Latvia",
    "LT": "Lithuania",
    "PL": "Poland",
    "DE": "Germany",
}
LON_RANGE = (-30.0, 60.0)
LAT_RANGE = (40.0, 85.0)


@pytest.fixture(scope="module")
def basemap() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(BASEMAP.read_text(encoding="utf-8"))
    return data


def polygons(geometry: dict[str, Any]) -> Iterator[list[list[list[float]]]]:
    """Yield the polygons (lists of rings) of a Polygon or MultiPolygon geometry."""
    if geometry["type"] == "Polygon":
        yield geometry["coordinates"]
    else:
        yield from geometry["coordinates"]


def test_basemap_is_small_enough() -> None:
    assert BASEMAP.stat().st_size < MAX_BASEMAP_BYTES


def test_basemap_is_a_feature_collection_of_polygons(basemap: dict[str, Any]) -> None:
    assert basemap["type"] == "FeatureCollection"
    assert basemap["features"]
    for feature in basemap["features"]:
        name = feature["properties"]["name"]
        assert feature["type"] == "Feature", name
        assert set(feature["properties"]) <= {"name", "iso_a2"}, name
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}, name


def test_basemap_rings_are_closed_and_in_range(basemap: dict[str, Any]) -> None:
    for feature in basemap["features"]:
        name = feature["properties"]["name"]
        for polygon in polygons(feature["geometry"]):
            assert polygon, f"{name}: empty polygon"
            for ring in polygon:
                assert len(ring) >= 4, f"{name}: ring with {len(ring)} positions"
                assert ring[0] == ring[-1], f"{name}: ring not closed"
                for lon, lat in ring:
                    assert LON_RANGE[0] <= lon <= LON_RANGE[1], f"{name}: lon {lon}"
                    assert LAT_RANGE[0] <= lat <= LAT_RANGE[1], f"{name}: lat {lat}"


def test_basemap_contains_the_baltic_countries(basemap: dict[str, Any]) -> None:
    codes = {f["properties"].get("iso_a2") for f in basemap["features"]}
    names = {f["properties"].get("name") for f in basemap["features"]}
    missing = {c for c, n in REQUIRED_COUNTRIES.items() if c not in codes and n not in names}
    assert not missing


def test_leaflet_is_vendored_with_its_licence() -> None:
    for name in ("leaflet.js", "leaflet.css", "LICENSE"):
        assert (LEAFLET / name).is_file(), name
    for image in re.findall(r"url\((images/[^)]+)\)", (LEAFLET / "leaflet.css").read_text()):
        assert (LEAFLET / image).is_file(), image


def test_vendor_readme_names_the_shipped_leaflet_version() -> None:
    header = (LEAFLET / "leaflet.js").read_text(encoding="utf-8")[:500]
    match = re.search(r"Leaflet (\d+\.\d+\.\d+)", header)
    assert match is not None, "leaflet.js has no version in its header comment"
    readme = VENDOR_README.read_text(encoding="utf-8")
    assert f"| version | {match.group(1)} |" in readme
    assert f"leaflet-{match.group(1)}.tgz" in readme


def test_parkmap_js_never_writes_html() -> None:
    source = PARKMAP_JS.read_text(encoding="utf-8")
    assert "innerHTML" not in source
    assert "outerHTML" not in source
    assert "insertAdjacentHTML" not in source
    assert "function parkloopMap(element)" in source


def test_parkmap_css_exists() -> None:
    assert ".parkloop-map" in PARKMAP_CSS.read_text(encoding="utf-8")
