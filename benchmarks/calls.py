"""The request body the Office.js add-in posts for =PUMP.XMR_TABLE over 260 values (a shift
half way), shared by the benchmarks of one call and of a served call."""

from __future__ import annotations

from typing import Any

import numpy as np


def xmr_table_values() -> np.ndarray:
    rng = np.random.default_rng(5)
    values = np.round(rng.normal(50, 4, 260), 2)
    values[130:] += 5
    return values


def xmr_table_body(version: str = "0.0") -> dict[str, Any]:
    return {
        "client": "Office.js",
        "func_name": "xmr_table",
        "args": [[[float(v)] for v in xmr_table_values()], [[None]], [[None]], [["pump"]],
                 [["up"]]],
        "caller_address": "[Book1.xlsx]Sheet1!C2",
        "culture_info_name": "en-US",
        "date_format": "M/d/yyyy",
        "version": version,
        "runtime": "1.4",
    }  # fmt: skip
