"""failforward: a terminal workbook for turning a professional setback into growth."""

__version__ = "0.1.0"
