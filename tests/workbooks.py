"""Small park workbooks for tests, written as CSV folders."""

from __future__ import annotations

import csv
from pathlib import Path

from parkloop.io.schema import SHEETS_BY_NAME

Row = dict[str, str]


def valid_sheets() -> dict[str, list[Row]]:
    """A small valid workbook: a park, three companies, five flows and energy use."""
    return {
        "park": [
            {
                "name": "Test Harbour",
                "country": "DK",
                "municipality": "Testby",
                "lat": "55.5",
                "lon": "9.7",
            }
        ],
        "companies": [
            {
                "id": "C1",
                "name": "Power & Heat A/S",
                "nace": "35.11",
                "country": "DK",
                "lat": "55.501",
                "lon": "9.701",
                "city": "Testby",
                "employees": "120",
                "visibility": "public",
            },
            {
                "id": "C2",
                "name": "Cement Works",
                "nace": "2351",
                "country": "dk",
                "lat": "55.51",
                "lon": "9.72",
                "visibility": "park",
            },
            {
                "id": "C3",
                "name": "Greenhouse Growers",
                "nace": "01.13",
                "country": "DK",
                "lat": "55.49",
                "lon": "9.69",
                "employees": "35",
            },
        ],
        "flows": [
            {
                "id": "F1",
                "company_id": "C1",
                "direction": "supply",
                "category": "material",
                "name": "Fly ash",
                "ewc": "10 01 02",
                "quantity": "12000",
                "unit": "t",
                "per": "year",
                "confidentiality": "public",
            },
            {
                "id": "F2",
                "company_id": "C1",
                "direction": "supply",
                "category": "energy",
                "name": "Flue gas condensate heat",
                "quantity": "1500",
                "unit": "MWh",
                "per": "month",
                "temperature_c": "45",
            },
            {
                "id": "F3",
                "company_id": "C2",
                "direction": "demand",
                "category": "material",
                "name": "Gypsum",
                "quantity": "30",
                "unit": "t",
                "per": "week",
            },
            {
                "id": "F4",
                "company_id": "C3",
                "direction": "demand",
                "category": "energy",
                "name": "Heat for glasshouses",
                "quantity": "2.5",
                "unit": "MW",
                "temperature_c": "60",
                "available_from": "2026-10-01",
                "available_to": "2027-04-30",
                "price_eur_per_unit": "25.5",
            },
            {
                "id": "F5",
                "company_id": "C1",
                "direction": "supply",
                "category": "material",
                "name": "Waste mineral oil",
                "ewc": "130205*",
                "quantity": "800",
                "unit": "kg",
                "per": "once",
                "confidentiality": "private",
            },
        ],
        "energy": [
            {"company_id": "C1", "year": "2024", "carrier": "coal", "mwh": "350000"},
            {
                "company_id": "C1",
                "year": "2024",
                "carrier": "electricity",
                "mwh": "90000",
                "onsite_generation": "true",
            },
            {"company_id": "C3", "year": "2024", "carrier": "natural_gas", "mwh": "8000"},
        ],
    }


def optional_sheets() -> dict[str, list[Row]]:
    """Valid rows of the optional inventory sheets for the companies of :func:`valid_sheets`."""
    return {
        "process_emissions": [
            {
                "company_id": "C2",
                "year": "2024",
                "source": "calcination",
                "gas": "CO2",
                "tonnes": "52000",
            },
            {
                "company_id": "C3",
                "year": "2024",
                "source": "compost heaps",
                "gas": "ch4",
                "tonnes": "0.4",
                "biogenic": "yes",
                "note": "estimated",
            },
        ],
        "waste": [
            {
                "company_id": "C1",
                "year": "2024",
                "tonnes": "2600",
                "treatment": "landfill",
                "ewc": "100101",
            },
            {"company_id": "C3", "year": "2024", "tonnes": "35.5", "treatment": "Composting"},
        ],
        "freight": [
            {"company_id": "C2", "year": "2024", "mode": "sea_bulk", "tonne_km": "1.2e8"},
            {
                "company_id": "C3",
                "year": "2023",
                "mode": "road",
                "tonne_km": "450000",
                "note": "vegetables to the wholesale market",
            },
        ],
        "streams": [
            {
                "company_id": "C1",
                "name": "Flue gas",
                "supply_c": "140",
                "target_c": "60",
                "heat_kw": "4000",
                "dt_min_k": "20",
                "confidentiality": "park",
            },
            {
                "company_id": "C1",
                "name": "Feed water",
                "supply_c": "20",
                "target_c": "90",
                "cp_kw_per_k": "10",
                "dt_min_k": "20",
            },
            {
                "company_id": "C3",
                "name": "Glasshouse heating",
                "supply_c": "35",
                "target_c": "55",
                "heat_kw": "1500",
            },
        ],
        "energy_prices": [
            {
                "carrier": "electricity",
                "eur_per_mwh": "120",
                "year": "2024",
                "source": "supplier invoice 2024",
            },
            {
                "carrier": "natural_gas",
                "eur_per_mwh": "45.5",
                "year": "2024",
                "source": "supplier invoice 2024",
            },
        ],
        "end_use_shares": [
            {
                "company_id": "C2",
                "carrier": "electricity",
                "end_use": "compressed_air",
                "share": "0.1",
                "source": "energy audit 2023",
            },
            {
                "company_id": "C2",
                "carrier": "electricity",
                "end_use": "lighting",
                "share": "0.05",
                "source": "energy audit 2023",
            },
        ],
    }


def full_sheets() -> dict[str, list[Row]]:
    """:func:`valid_sheets` with every optional sheet and the park's discount rate."""
    sheets = valid_sheets() | optional_sheets()
    sheets["park"][0].update(discount_rate="0.04", discount_rate_source="municipal guideline")
    return sheets


def write_sheets(folder: Path, sheets: dict[str, list[Row]]) -> Path:
    """Write ``sheets`` as a CSV folder; columns are the schema's, then any extra ones."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        columns = list(SHEETS_BY_NAME[name].columns)
        for row in rows:
            columns.extend(k for k in row if k not in columns)
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
    return folder
