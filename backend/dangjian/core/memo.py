"""Statements built once and kept.

Building a SQLAlchemy statement and computing its cache key costs more CPU than a short query
takes in the database (the roster page: a third of its request). A statement whose structure and
literal values follow from a small hashable key — the caller's scope (`Principal.scope_key`),
the filters, the day — is built on the first request with that key and kept; values that vary
per request (the page's offset and size) are bound parameters. The key must hold everything the
builder reads: a builder that reads anything else would serve one caller's statement to another.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Kept(Generic[V]):
    """A bounded map from keys to built values (least recently used goes first)."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()

    def get(self, key: Hashable, build: Callable[[], V]) -> V:
        try:
            value = self._items[key]
        except KeyError:
            value = self._items[key] = build()
            if len(self._items) > self._size:
                self._items.popitem(last=False)
        else:
            self._items.move_to_end(key)
        return value

    def __len__(self) -> int:
        return len(self._items)
