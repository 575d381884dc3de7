"""The 党员花名册 as a spreadsheet: the template, parsing and per-cell validation of an import,
and the export. Messages are for the clerk who fixes the file, so they are Chinese and name the
row and column.

Everything here is CPU-bound (openpyxl) and synchronous: the service calls it through `run_cpu`.
An uploaded file is distrusted before openpyxl opens it: the zip's declared sizes are checked
(a few hundred KB can unpack to gigabytes), and rows are read one at a time and reading stops
at the row cap, whatever the sheet claims as its dimension.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Font, PatternFill
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from dangjian.core import idcard
from dangjian.core.exports import (
    append_row,
    export_heading,
    is_formula_like,
    without_full_gc_pauses,
)
from dangjian.members.enums import (
    ETHNICITIES,
    LABELS,
    WORK_POSTS,
    Category,
    Degree,
    Education,
    NewStratum,
    ProfessionalTitle,
)

SHEET = "党员花名册"
MOBILE = re.compile(r"1[3-9][0-9]{9}")
GENDERS = {"男": "male", "女": "female"}
KINDS = {"正式党员": "formal", "预备党员": "probationary"}
CATEGORY_BY_LABEL = {LABELS[c.value]: c.value for c in Category}

MAX_ROWS = 20_000  # data rows of one import
# Rows of the sheet at all (blank and title rows included) before giving up.
MAX_SHEET_ROWS = MAX_ROWS + 1000
# A 20 000-row roster with every column filled unpacks to about 25 MB at a ratio near 15.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed, for entries above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_ENTRIES = 1000
UNREADABLE = "无法读取文件：请上传 Excel（.xlsx）格式的花名册"


class ImportTooLarge(ValueError):
    """The file is over the row or size cap (the message says which, in Chinese)."""


def too_many_rows() -> ImportTooLarge:
    return ImportTooLarge(f"一次至多导入 {MAX_ROWS} 行，请分批导入")


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool = False
    choices: tuple[str, ...] = ()
    hint: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("姓名", "name", True),
    Column("公民身份号码", "id_number", True, hint="18位，末位可为X"),
    Column("性别", "gender", False, tuple(GENDERS), "可不填，按身份号码推导"),
    Column("民族", "ethnicity", False, ETHNICITIES),
    Column("学历", "education", False, tuple(e.value for e in Education)),
    Column("学位", "degree", False, tuple(d.value for d in Degree)),
    Column("人员类别", "kind", True, tuple(KINDS)),
    Column("所在党组织", "organization", True, hint="党组织全称或编码"),
    Column("入党日期", "joined_on", True, hint="YYYY-MM-DD"),
    Column("转正日期", "converted_on", False, hint="YYYY-MM-DD"),
    Column("工作岗位", "work_post", False, WORK_POSTS),
    Column("参加工作日期", "work_started_on", False, hint="YYYY-MM-DD"),
    Column("专业技术职务", "professional_title", False, tuple(p.value for p in ProfessionalTitle)),
    Column("新社会阶层类型", "new_stratum", False, tuple(n.value for n in NewStratum)),
    Column("手机号码", "mobile", False, hint="11位"),
    Column("固定电话", "landline", False),
    Column("户籍所在地", "registered_residence", False),
    Column("现居住地", "address", False),
    Column("所在网格", "grid_area", False),
    Column(
        "人员分类",
        "categories",
        False,
        hint="多个用顿号或逗号分隔：" + "、".join(CATEGORY_BY_LABEL),
    ),
)
HEADERS = [c.header for c in COLUMNS]


@dataclass
class CellProblem:
    row: int
    column: str
    value: str
    message: str


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any] = field(default_factory=dict)


def template(organizations: Sequence[str] = ()) -> bytes:
    """An empty roster with the national columns, drop-down lists and a sheet of instructions.

    `organizations`: what the caller may put members in (names, or codes where a name is not
    unique) — the 所在党组织 column offers them as a drop-down (issue 18 item 7); typing another
    name is still accepted by the sheet and checked on import."""
    choices = {c.field: c.choices for c in COLUMNS} | {"organization": tuple(organizations)}
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    append_row(ws, HEADERS)
    lists = wb.create_sheet("可选值")
    for index, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = Font(bold=True, color="FFFFFF" if column.required else "000000")
        cell.fill = PatternFill("solid", fgColor="C00000" if column.required else "F2DCDB")
        ws.column_dimensions[get_column_letter(index)].width = max(12, len(column.header) * 2 + 4)
        offered = choices[column.field]
        if offered:
            letter = get_column_letter(index)
            lists.cell(row=1, column=index, value=column.header)
            for r, choice in enumerate(offered, start=2):
                append_cell(lists, r, index, choice)
            rule = DataValidation(
                type="list",
                allow_blank=not column.required,
                formula1=f"'可选值'!${letter}$2:${letter}${len(offered) + 1}",
            )
            rule.error = f"请从列表中选择{column.header}"
            ws.add_data_validation(rule)
            rule.add(f"{letter}2:{letter}5000")
    notes = wb.create_sheet("填写说明")
    append_row(notes, ["列", "是否必填", "说明"])
    for column in COLUMNS:
        append_row(notes, [column.header, "必填" if column.required else "", column.hint])
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def append_cell(ws: Any, row: int, column: int, value: str) -> None:
    """One cell of the lists sheet; an organisation name is typed in by users, so it never
    becomes a formula (core/exports)."""
    cell = ws.cell(row=row, column=column, value=value)
    if is_formula_like(value):  # kept as quoted text
        cell.data_type = "s"
        cell.quotePrefix = True


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = _text(raw)
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if not match:
        raise ValueError("日期格式应为 YYYY-MM-DD")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueError("日期不存在") from None


def check_archive(content: bytes) -> None:
    """Refuse a file whose zip entries would unpack too large, before openpyxl reads any.

    The sizes are the ones the archive declares; Python's zipfile never inflates an entry
    beyond its declared size (and fails on a mismatch), so they bound what reading costs."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ValueError(UNREADABLE) from exc
    if len(entries) > MAX_ENTRIES:
        raise ValueError(UNREADABLE)
    total = 0
    for info in entries:
        total += info.file_size
        ratio_too_high = info.file_size > MAX_RATIO * max(info.compress_size, 1)
        if total > MAX_UNPACKED_BYTES or (info.file_size > RATIO_FLOOR and ratio_too_high):
            raise ImportTooLarge(
                f"文件解压后过大（上限 {MAX_UNPACKED_BYTES // (1024 * 1024)} MB），"
                f"一次至多导入 {MAX_ROWS} 行，请分批导入"
            )


MAX_COLUMNS = 4 * len(COLUMNS)  # cells further right are not read
ROW_ELEMENT = f"{{{SHEET_MAIN_NS}}}row"
SHEET_DATA_TAG = f"{{{SHEET_MAIN_NS}}}sheetData"


def _parsed_rows(parser: WorkSheetParser, source: IO[bytes]) -> Iterator[tuple[int, list[Any]]]:
    """The sheet's rows as openpyxl's parser reads them, each row element dropped from the
    tree once read: a parse keeps nothing behind, so it triggers no full garbage collection
    (which would hold the interpreter, and the event loop with it, for 100 ms and more)."""
    sheet_data = None
    for event, element in iterparse(source, events=("start", "end")):
        if event == "start":
            if element.tag == SHEET_DATA_TAG:
                sheet_data = element
        elif element.tag == ROW_ELEMENT:
            yield parser.parse_row(element)
            element.clear()
            if sheet_data is not None:
                sheet_data.remove(element)


def _sheet_rows(content: bytes) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(Excel row number, cell values) of the roster sheet, streamed element by element.

    openpyxl's read-only worksheet first scans the whole sheet for its size when the file
    declares none (a bomb does not), so the sheet is streamed with its row parser instead."""
    try:
        reader = ExcelReader(io.BytesIO(content), read_only=True, data_only=True, keep_links=False)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = [
            (sheet.name, rel.target)
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        ]
        target = next((t for name, t in sheets if name == SHEET), sheets[0][1])
        with reader.archive.open(target) as counted:
            rows = _count_rows(counted, MAX_SHEET_ROWS)
        source = reader.archive.open(target)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not .xlsx
        raise ValueError(UNREADABLE) from exc
    if rows > MAX_SHEET_ROWS:
        reader.archive.close()
        raise too_many_rows()
    parser = WorkSheetParser(
        source,
        reader.shared_strings,
        data_only=True,
        epoch=reader.wb.epoch,
        date_formats=reader.wb._date_formats,
        timedelta_formats=reader.wb._timedelta_formats,
    )
    try:
        for number, cells in _parsed_rows(parser, source):
            values: list[Any] = []
            for cell in cells:
                column = cell["column"]
                if column <= MAX_COLUMNS:
                    values.extend([None] * (column - len(values)))
                    values[column - 1] = cell["value"]
            yield number, tuple(values)
    except (ImportTooLarge, GeneratorExit):
        raise
    except Exception as exc:  # broken XML inside the sheet
        raise ValueError(UNREADABLE) from exc
    finally:
        source.close()
        reader.archive.close()


ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")


def _count_rows(stream: IO[bytes], limit: int) -> int:
    """How many row elements the sheet XML holds, counted on the raw bytes (far cheaper than
    parsing them), stopping once past `limit`."""
    count, carry = 0, b""
    while count <= limit:
        chunk = stream.read(1 << 20)
        if not chunk:
            return count + len(ROW_TAG.findall(carry))
        data = carry + chunk
        cut = data.rfind(b"<")
        # an element opened near the end may continue in the next chunk: count it then
        body, carry = (data[:cut], data[cut:]) if cut >= 0 and len(data) - cut < 64 else (data, b"")
        count += len(ROW_TAG.findall(body))
    return count


def read_rows(content: bytes) -> Iterable[tuple[int, dict[str, Any]]]:
    """(Excel row number, raw values by field) for every non-empty data row.

    Raises ImportTooLarge past MAX_ROWS data rows (or MAX_SHEET_ROWS rows at all) as soon as
    it reads that far; the sheet's declared dimension is not trusted."""
    check_archive(content)
    rows = _sheet_rows(content)
    header: list[str] = []
    header_row = 0
    for header_row, candidate in rows:  # an export has a title line first
        header = [_text(h) for h in candidate]
        if "姓名" in header or header_row >= 5:
            break
    missing = [c.header for c in COLUMNS if c.required and c.header not in header]
    if missing:
        raise ValueError("表头缺少必填列：" + "、".join(missing) + "（请使用导入模板）")
    positions = {c.field: header.index(c.header) for c in COLUMNS if c.header in header}
    data_rows = 0
    for read, (number, row) in enumerate(rows, start=1):
        if read > MAX_SHEET_ROWS:
            raise too_many_rows()
        values = {f: (row[i] if i < len(row) else None) for f, i in positions.items()}
        if all(_text(v) == "" for v in values.values()):
            continue
        data_rows += 1
        if data_rows > MAX_ROWS:
            raise too_many_rows()
        yield number, values


def parse(content: bytes) -> tuple[list[ParsedRow], list[CellProblem]]:
    """The rows of an uploaded roster, each checked; CPU-bound, run it through `run_cpu`.

    Raises ImportTooLarge over the caps and ValueError for a file that cannot be read."""
    with without_full_gc_pauses():
        raw_rows = list(read_rows(content))  # all read (and counted) before any is checked
        problems: list[CellProblem] = []
        parsed = [validate(number, raw, problems) for number, raw in raw_rows]
    return parsed, problems


def validate(number: int, raw: dict[str, Any], problems: list[CellProblem]) -> ParsedRow:
    """Check one row; every problem is appended with its row, column and value."""
    parsed = ParsedRow(number)
    by_field = {c.field: c for c in COLUMNS}

    def problem(field_name: str, message: str) -> None:
        problems.append(
            CellProblem(number, by_field[field_name].header, _text(raw.get(field_name)), message)
        )

    for column in COLUMNS:
        text = _text(raw.get(column.field))
        if column.required and not text:
            problem(column.field, f"{column.header}必填")
            continue
        if not text:
            parsed.values[column.field] = None
            continue
        try:
            parsed.values[column.field] = _convert(column, raw.get(column.field), text)
        except ValueError as exc:
            problem(column.field, str(exc))
    number_value = parsed.values.get("id_number")
    if number_value:
        derived = idcard.gender_of(number_value)
        if parsed.values.get("gender") and parsed.values["gender"] != derived:
            problem("gender", "性别与公民身份号码不一致")
        parsed.values["gender"] = derived
        parsed.values["birth_date"] = idcard.birth_date_of(number_value)
    joined, converted = parsed.values.get("joined_on"), parsed.values.get("converted_on")
    if joined and converted and converted < joined:
        problem("converted_on", "转正日期不能早于入党日期")
    if parsed.values.get("kind") == "probationary" and converted:
        problem("converted_on", "预备党员不应有转正日期")
    # R: MEM-02 — 党龄 counts from conversion: a formal member needs its date.
    if parsed.values.get("kind") == "formal" and not converted:
        problem("converted_on", "正式党员须填写转正日期")
    return parsed


def _convert(column: Column, raw: Any, text: str) -> Any:
    if column.field == "id_number":
        value = text.upper()
        if not idcard.is_valid(value):
            raise ValueError("公民身份号码无效（位数、出生日期或校验码不正确）")
        return value
    if column.field in ("joined_on", "converted_on", "work_started_on"):
        return _date(raw)
    if column.field == "gender":
        if text not in GENDERS:
            raise ValueError("性别应为 男 或 女")
        return GENDERS[text]
    if column.field == "kind":
        if text not in KINDS:
            raise ValueError("人员类别应为 正式党员 或 预备党员")
        return KINDS[text]
    if column.field == "mobile":
        if not MOBILE.fullmatch(text):
            raise ValueError("手机号码应为 11 位数字")
        return text
    if column.field == "categories":
        labels = [p.strip() for p in re.split(r"[、,，;；]", text) if p.strip()]
        unknown = [p for p in labels if p not in CATEGORY_BY_LABEL]
        if unknown:
            raise ValueError("未知的人员分类：" + "、".join(unknown))
        return sorted({CATEGORY_BY_LABEL[p] for p in labels})
    if column.choices and text not in column.choices:
        raise ValueError(f"“{text}”不是可选的{column.header}")
    return text


def export(
    rows: Iterable[list[Any]], *, title: str, exported_by: str, exported_at: datetime, masked: bool
) -> bytes:
    """The filtered roster with a line naming who exported it and when (CPU-bound)."""
    with without_full_gc_pauses():
        return _export(rows, title, exported_by, exported_at, masked)


def _export(
    rows: Iterable[list[Any]], title: str, exported_by: str, exported_at: datetime, masked: bool
) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    note = "（个人信息已脱敏）" if masked else "（含完整个人信息，请妥善保管）"
    append_row(ws, [export_heading(title, by=exported_by, at=exported_at) + note])
    append_row(ws, HEADERS)
    for row in rows:
        append_row(ws, row)  # names, addresses and the like are text, never formulas
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
