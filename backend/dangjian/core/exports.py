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

import gc
import io
import threading
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from urllib.parse import quote

from fastapi import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from dangjian.core import clock

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


def export_heading(*parts: str, by: str, at: datetime) -> str:
    """The first line of every export: what it holds, then who exported it and when (platform
    time), e.g. "党员统计　东风社区党委　导出人：张三（组织委员）　导出时间：2026-12-06 09:30"."""
    return "　".join([*parts, f"导出人：{by}", f"导出时间：{clock.local(at):%Y-%m-%d %H:%M}"])


def xlsx_response(content: bytes, filename: str, *, fallback: str = "export.xlsx") -> Response:
    """An .xlsx download: an ASCII fallback name and the real (Chinese) one (RFC 6266). Every
    export route answers through this."""
    return Response(
        content,
        media_type=XLSX,
        headers={
            "Content-Disposition": (
                f"attachment; filename={fallback}; filename*=UTF-8''{quote(filename)}"
            )
        },
    )


# ---------------------------------------------------------------- one-sheet books


def workbook(
    rows: list[list[Any]],
    *,
    title: str,
    heading: str,
    columns: Sequence[tuple[str, int]],
    wrapped: Collection[str] = frozenset(),
) -> bytes:
    """A one-sheet book (the ledgers of LEDG-01): a line naming who exported it and when, the
    headers (bold, `columns` gives each header and its width), then the rows, every cell through
    `append_row`; columns named in `wrapped` wrap their text, the first two rows stay in view.

    CPU-bound (openpyxl): call it through `run_cpu`."""
    with without_full_gc_pauses():
        return _workbook(rows, title, heading, columns, wrapped)


def _workbook(
    rows: list[list[Any]],
    title: str,
    heading: str,
    columns: Sequence[tuple[str, int]],
    wrapped: Collection[str],
) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    append_row(ws, [heading])
    append_row(ws, [header for header, _ in columns])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for row in rows:
        append_row(ws, row)  # typed-in titles, places and names are text, never formulas
    for index, (header, width) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = width
        for cell in ws[letter][2:]:
            cell.alignment = wrap if header in wrapped else top
    ws.freeze_panes = "A3"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- garbage collection pauses

_gc_lock = threading.Lock()
_gc_jobs = 0
_gc_frozen_here = False


@contextmanager
def without_full_gc_pauses() -> Iterator[None]:
    """Keep the objects that existed before a workbook job out of the collector's way while
    the job runs (in a worker thread, through run_cpu).

    Reading or writing a large workbook allocates enough that CPython runs full collections
    during it; a full collection traverses every object of the process while holding the
    interpreter lock, which stalls the event loop for 100 ms and more. Frozen objects are
    skipped by the collector, so those collections only look at what the job created. They are
    unfrozen when the last concurrent job ends (collection of old cycles is only delayed).
    Nothing is done when something else froze objects (a server that freezes after start-up)."""
    global _gc_jobs, _gc_frozen_here
    with _gc_lock:
        if _gc_jobs == 0:
            _gc_frozen_here = gc.get_freeze_count() == 0
            if _gc_frozen_here:
                gc.freeze()
        _gc_jobs += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_jobs -= 1
            if _gc_jobs == 0 and _gc_frozen_here:
                gc.unfreeze()
                _gc_frozen_here = False
