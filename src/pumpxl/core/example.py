"""The bundled example, Northwind IT Services: an IT service organisation's PuMP workbook
content, read from the data files beside this module (``data/northwind.toml`` for the Results
Map, measure definitions, recalculations, targets, commentary and audiences;
``data/northwind-data.csv`` for the measures' values). The story the data tell is in the TOML
file's opening comment."""

from __future__ import annotations

import csv
import tomllib
from importlib import resources
from typing import Any

import numpy as np

from pumpxl.core import model as domain

__all__ = ["example_model"]

DEFINITIONS = "northwind.toml"
VALUES = "northwind-data.csv"


def _data(name: str) -> str:
    return resources.files("pumpxl.core").joinpath("data", name).read_text(encoding="utf-8")


def _tuples(row: dict[str, Any]) -> dict[str, Any]:
    """TOML arrays become the tuples the frozen dataclasses hold."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in row.items()}


def _series(text: str) -> dict[str, domain.Series]:
    rows: dict[str, list[tuple[str, str, str]]] = {}
    for row in csv.DictReader(text.splitlines()):
        rows.setdefault(row["measure"], []).append((row["period"], row["value"], row["exclude"]))
    return {
        mid: domain.Series(
            np.array([p for p, _, _ in items], dtype="datetime64[ns]"),
            np.array([float(v) if v else np.nan for _, v, _ in items]),
            np.array([x == "yes" for _, _, x in items], dtype=bool),
        )
        for mid, items in rows.items()
    }


def example_model() -> domain.PumpModel:
    """Northwind IT Services' PuMP workbook content, the same on every call."""
    spec = tomllib.loads(_data(DEFINITIONS))
    model = domain.PumpModel(
        settings=domain.Settings(**spec["settings"]),
        results={r["id"]: domain.Result(**_tuples(r)) for r in spec["results"]},
        measures={m["id"]: domain.Measure(**_tuples(m)) for m in spec["measures"]},
        recalculations=[domain.Recalculation(**r) for r in spec["recalculations"]],
        targets=[domain.Target(**t) for t in spec["targets"]],
        commentary=[domain.Commentary(**c) for c in spec["commentary"]],
        audiences={a["name"]: domain.Audience(**a) for a in spec["audiences"]},
        initiatives=[domain.Initiative(**_tuples(i)) for i in spec.get("initiatives", [])],
    )
    model.series.update(_series(_data(VALUES)))
    return model
