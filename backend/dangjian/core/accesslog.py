"""The access log never records query strings.

Names, ID-card and phone digits travel as query parameters (`?q=张三`), and uvicorn's access log
prints the full path with its query string. `StripQueryFilter` cuts the request line at `?`
before the record is formatted; `uvicorn_log_config()` is uvicorn's default logging setup with
the filter installed on `uvicorn.access` (used by `dangjian serve`).
"""

from __future__ import annotations

import copy
import logging
from typing import Any


def strip_query(path: str) -> str:
    return path.split("?", 1)[0]


class StripQueryFilter(logging.Filter):
    """Drop the query string from uvicorn's access-log request line (keeps the record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # uvicorn: '%s - "%s %s HTTP/%s" %d' % (client, method, path_with_query, version, status)
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], strip_query(args[2]), *args[3:])
        elif isinstance(record.msg, str) and "?" in record.msg and not args:
            # A pre-formatted line: cut every "?query" up to the next space or quote.
            record.msg = _strip_in_line(record.msg)
        return True


def _strip_in_line(line: str) -> str:
    out: list[str] = []
    skipping = False
    for c in line:
        if c == "?":
            skipping = True
            continue
        if skipping and c in ' "':
            skipping = False
        if not skipping:
            out.append(c)
    return "".join(out)


def install(logger_name: str = "uvicorn.access") -> None:
    """Add the filter to a logger (idempotent), for servers not started by `dangjian serve`."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, StripQueryFilter) for f in logger.filters):
        logger.addFilter(StripQueryFilter())


def uvicorn_log_config() -> dict[str, Any]:
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["strip_query"] = {"()": StripQueryFilter}
    config["loggers"]["uvicorn.access"]["filters"] = ["strip_query"]
    return config
