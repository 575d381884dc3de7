"""Names in pinyin order (issue 18 item 10): `pinyin(Member.name)` in an ORDER BY.

On PostgreSQL it compiles to `name COLLATE "zh-x-icu"` — the ICU collation for Chinese, which
orders 安 < 李 < 王 < 张 < 赵 by their pinyin — when the server has it (PostgreSQL built with
ICU, as the Debian and official packages are; `watch_collation` looks once, when the engine
first connects). SQLite has no such collation and the platform adds none, so there (and
on a PostgreSQL without ICU) names sort by Unicode code point, which for Chinese characters is
roughly by radical and stroke: the documented fallback (README, "Sorting by name").

The choice is made when a statement is compiled for a dialect, not when it is built, so a
statement kept for reuse (core/memo, the roster's page statement) is the same on both
databases.

Lists sorted in Python (arrears, absence cases) use `pinyin_key(name)`: each character's
pinyin with its tone (pypinyin, the character's most common reading), on both databases."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pypinyin import Style, lazy_pinyin
from sqlalchemy import String, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

COLLATION = "zh-x-icu"
# Set on the dialect of a PostgreSQL engine whose server lacks the collation (watch_collation).
_MISSING = "dangjian_without_pinyin_collation"


class pinyin(FunctionElement[str]):
    """A name column, ordered by pinyin where the database can."""

    name = "pinyin"
    type = String()
    inherit_cache = True


@compiles(pinyin)
def _plain(element: pinyin, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(pinyin, "postgresql")
def _icu(element: pinyin, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    if getattr(compiler.dialect, _MISSING, False):
        return str(column)
    return f'{column} COLLATE "{COLLATION}"'


def watch_collation(engine: Engine) -> None:
    """On a PostgreSQL engine's first connection, look once whether the server has zh-x-icu;
    without it names are compiled without the collation (code-point order)."""
    dialect = engine.dialect

    def first_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1 FROM pg_collation WHERE collname = 'zh-x-icu'")
            found = cursor.fetchone() is not None
        finally:
            cursor.close()
        setattr(dialect, _MISSING, not found)

    event.listen(engine, "first_connect", first_connect)


@lru_cache(maxsize=16384)
def _syllable(char: str) -> str:
    """A character's pinyin with its tone ("张" → "zhang1"); other characters as they are."""
    return lazy_pinyin(char, style=Style.TONE3, neutral_tone_with_five=True)[0]


def pinyin_key(name: str) -> tuple[str, ...]:
    """A sort key putting names in pinyin order (安 < 李 < 王 < 张 < 赵), for lists sorted in
    Python. Character by character through a cache: a list of thousands of names costs a few
    dictionary look-ups per name once the characters are known."""
    return tuple(_syllable(char) for char in name)
