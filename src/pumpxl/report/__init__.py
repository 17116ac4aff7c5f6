"""PowerPoint reports: one deck per audience, and Measure Gallery posters."""

from pumpxl.report.build import ReportResult, build_deck, build_reports
from pumpxl.report.gallery import build_gallery

__all__ = ["ReportResult", "build_deck", "build_gallery", "build_reports"]
