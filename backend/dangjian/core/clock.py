"""The platform's one clock: every "now" and every "today" comes from here.

`now()` is the current instant (an aware UTC datetime). `today()` is the calendar date in the
configured zone (`DANGJIAN_TIMEZONE`, default Asia/Shanghai): the day every deadline, "not in
the future" check, current month, quarter and year is judged by, whatever zone the server runs
in. Between 00:00 and 08:00 China time a UTC server's `date.today()` is still yesterday; this
clock is not.

The zone is bound once per process from the settings (`create_app`, the CLI's `main`). Tests pin
the instant with `freeze(...)` (or `set(...)`/`set(None)`).

SQL needs the zone too (a UTC timestamp's local month): PostgreSQL takes the IANA name
(`pg_zone_name()`); SQLite can only shift by a fixed amount (`sqlite_shift()`), the zone's
standard UTC offset. China has one zone and no daylight saving time, so nothing is lost there; a
zone with DST would be judged by its standard offset in SQLite.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Asia/Shanghai"

_zone: ZoneInfo = ZoneInfo(DEFAULT_TIMEZONE)
_frozen: datetime | None = None


def load_zone(name: str) -> ZoneInfo:
    """The IANA zone `name`; ValueError with a readable message for anything else."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValueError(
            f"unknown time zone {name!r}: DANGJIAN_TIMEZONE must be an IANA zone name "
            f"such as {DEFAULT_TIMEZONE}"
        ) from exc


def use_zone(zone: ZoneInfo | str) -> None:
    """Bind the zone `today()` and `local()` judge by (from the settings, at start-up)."""
    global _zone
    _zone = zone if isinstance(zone, ZoneInfo) else load_zone(zone)


def zone() -> ZoneInfo:
    return _zone


def now() -> datetime:
    """The current instant, aware, in UTC (the frozen one under `freeze`)."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def today() -> date:
    """Today's date in the configured zone."""
    return local(now()).date()


def local(moment: datetime) -> datetime:
    """`moment` (aware) in the configured zone."""
    return moment.astimezone(_zone)


def local_start(day: date) -> datetime:
    """The UTC instant at which `day` begins in the configured zone."""
    return datetime.combine(day, time.min, tzinfo=_zone).astimezone(UTC)


def set(moment: datetime | None) -> None:
    """Pin `now()` at `moment` (aware); None lets the clock run again."""
    global _frozen
    if moment is not None and moment.tzinfo is None:
        raise ValueError("the clock is set with an aware datetime")
    _frozen = moment.astimezone(UTC) if moment is not None else None


@contextmanager
def freeze(moment: datetime) -> Iterator[datetime]:
    """Pin `now()` at `moment` for the block (tests), then restore what was there."""
    before = _frozen
    set(moment)
    try:
        yield now()
    finally:
        set(before)


def standard_offset() -> timedelta:
    """The zone's UTC offset without daylight saving time (China: +8 hours)."""
    moment = now()
    offset = _zone.utcoffset(moment) or timedelta(0)
    return offset - (_zone.dst(moment) or timedelta(0))


def sqlite_shift() -> str:
    """The `datetime(col, …)` modifier that turns a stored UTC time into local time in SQLite."""
    return f"{int(standard_offset().total_seconds() // 60):+d} minutes"


def pg_zone_name() -> str:
    """The zone name for PostgreSQL's `timezone(zone, col)`."""
    return _zone.key
