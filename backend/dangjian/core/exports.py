"""Spreadsheet exports: the one way a value becomes a cell of an exported workbook.

A string that begins with `=` is stored by openpyxl as a formula, and Excel, WPS or LibreOffice
evaluate what begins with `=`, `+`, `-` or `@` (a tab or carriage return in front changes
nothing) when the cell is edited or the sheet is saved as CSV. Names, addresses, remarks and
meeting titles are typed in by users, so an export must never turn them into formulas
(OWASP "CSV injection"): every export appends its rows through `append_row`, which writes such
strings as explicit text cells with Excel's quote prefix (shown as typed, kept as text when
edited). Numbers, dates and ordinary strings are written as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import ERROR_CODES, WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The first characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    """A string a spreadsheet could read as a formula (or as an error value like #REF!)."""
    return isinstance(value, str) and (value.startswith(FORMULA_TRIGGERS) or value in ERROR_CODES)


def safe_cell(sheet: Worksheet | WriteOnlyWorksheet, value: Any) -> Any:
    """The value to append: a formula-like string as an explicit text cell, anything else as is."""
    if not is_formula_like(value):
        return value
    cell = WriteOnlyCell(sheet, value=value)  # a detached cell; `append` places it
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def safe_row(sheet: Worksheet | WriteOnlyWorksheet, values: Iterable[Any]) -> list[Any]:
    return [safe_cell(sheet, v) for v in values]


def append_row(sheet: Worksheet | WriteOnlyWorksheet, values: Iterable[Any]) -> None:
    """Append one row of an export (normal or write-only worksheet) without formulas."""
    sheet.append(safe_row(sheet, values))
