"""LibreOffice as a real spreadsheet engine for the tests (TOOLING.md): recalculate a workbook
headlessly with every formula computed on load, and read what it computed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

#: A profile that makes LibreOffice recompute every formula of an xlsx/ods file on load (there
#: is no command-line flag for it).
RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str:
    """The soffice command; in CI its absence fails the test (.ci/run installs it)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is required in CI (.ci/run installs it)")
        pytest.skip("LibreOffice not installed (CI installs it)")
    return found


def convert(path: Path, work: Path, to: str, *, recalculate: bool = False) -> Path:
    """``path`` opened in LibreOffice and saved as ``to`` (pdf, xlsx, ...) in ``work``, with
    a profile of its own so tests may run side by side; ``recalculate`` computes every
    formula on load."""
    profile = work / ("lo-recalc" if recalculate else "lo-profile")
    if recalculate:
        (profile / "user").mkdir(parents=True, exist_ok=True)
        (profile / "user" / "registrymodifications.xcu").write_text(RECALC_PROFILE)
    out = work / f"converted-{to}"
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            to,
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    result = out / f"{path.stem}.{to}"
    assert result.exists(), "LibreOffice exits 0 even when it cannot load a file"
    return result


def recalculate(path: Path, work: Path) -> Path:
    """``path`` with every formula recomputed by LibreOffice, saved as xlsx in ``work``."""
    return convert(path, work, "xlsx", recalculate=True)


CELL = re.compile(r'<c r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)


def error_cells(path: Path) -> dict[str, list[tuple[str, int, str]]]:
    """Every cell holding an error value, per sheet: (column letters, row, the error)."""
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        targets = dict(re.findall(r'Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
        targets |= {k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*Id="([^"]+)"', rels)}
        out: dict[str, list[tuple[str, int, str]]] = {}
        for name, rid in re.findall(r'<sheet name="([^"]+)"[^>]*r:id="([^"]+)"', book):
            target = targets[rid].lstrip("/")
            part = target if target.startswith("xl/") else f"xl/{target}"
            xml = z.read(part).decode()
            found = []
            for col, row, attrs, body in CELL.findall(xml):
                if 't="e"' in attrs:
                    value = re.search(r"<v>([^<]*)</v>", body or "")
                    found.append((col, int(row), value[1] if value else "?"))
            out[name] = found
    return out
