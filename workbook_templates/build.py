"""Rebuild the committed workbooks from the code that defines them:

    python workbook_templates/build.py

pumpxl-template.xlsx is the empty PuMP workbook (what `pumpxl new` writes); pumpxl-example.xlsx
holds the Northwind IT Services example (`pumpxl new --example`, and the default input of every
command). tests/test_workbook.py checks that these files match a fresh build.
"""

from __future__ import annotations

from pathlib import Path

from pumpxl.workbook.build import build_all

if __name__ == "__main__":
    for path in build_all(Path(__file__).parent, overwrite=True):
        print(f"wrote {path}")
