"""Export and import: the journal as JSON (everything, importable) or Markdown (a case file).

Each format is a module, and each takes a :class:`~tui.workbook.Workbook`:
:mod:`tui.export.json` (:func:`export_json`, :func:`import_json`) and
:mod:`tui.export.markdown` (:func:`export_markdown`). Nothing here imports Textual.
"""

from tui.export.common import (
    FORMAT,
    MARKDOWN_FORMAT,
    BadSelection,
    ExportError,
    ExportTooNew,
    InvalidExport,
    UnknownSetback,
)
from tui.export.json import ImportReport, export_json, import_json, validate_export
from tui.export.markdown import answer_text, export_markdown, fenced

__all__ = [
    "FORMAT",
    "MARKDOWN_FORMAT",
    "BadSelection",
    "ExportError",
    "ExportTooNew",
    "ImportReport",
    "InvalidExport",
    "UnknownSetback",
    "answer_text",
    "export_json",
    "export_markdown",
    "fenced",
    "import_json",
    "validate_export",
]
