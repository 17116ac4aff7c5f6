"""Workbook adapters: reading PuMP workbooks and plain sheets, checking them, writing outputs."""
