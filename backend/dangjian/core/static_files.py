"""Files of the built SPA, each answered in the best pre-compressed form the client accepts.

The front-end build writes `name.br` and `name.gz` beside every compressible file (see
frontend/vite.config.ts); the server never compresses at request time. `locate` stats files, so
it runs in a worker thread (never on the event loop).
"""

from __future__ import annotations

import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path

# The pre-compressed siblings, in order of preference when the client accepts both equally.
PRECOMPRESSED: tuple[tuple[str, str], ...] = (("br", ".br"), ("gzip", ".gz"))
_SUFFIXES = frozenset(suffix for _, suffix in PRECOMPRESSED)


def accepted_codings(header: str) -> dict[str, float]:
    """`Accept-Encoding` as {coding: q} (RFC 9110 §12.5.3), codings lower-cased; a malformed
    q-value counts as 0 (not acceptable)."""
    codings: dict[str, float] = {}
    for part in header.split(","):
        coding, _, params = part.strip().partition(";")
        coding = coding.strip().lower()
        if not coding:
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
                if not 0.0 <= q <= 1.0:
                    q = 0.0
        codings[coding] = q
    return codings


def preferred_codings(header: str) -> list[tuple[str, str]]:
    """The pre-compressed forms (coding, suffix) the client accepts, best first: the higher
    q-value first, brotli before gzip when equal; `*` stands for every coding not named."""
    accepted = accepted_codings(header)
    wildcard = accepted.get("*", 0.0)
    ranked = [
        (accepted.get(coding, wildcard), -index, coding, suffix)
        for index, (coding, suffix) in enumerate(PRECOMPRESSED)
    ]
    return [(coding, suffix) for q, _, coding, suffix in sorted(ranked, reverse=True) if q > 0]


@dataclass(frozen=True)
class StaticFile:
    path: Path
    stat: os.stat_result
    media_type: str
    encoding: str | None


def _regular_file_inside(root: Path, candidate: Path) -> Path | None:
    resolved = candidate.resolve()  # symlinks followed: what it points at must be inside too
    return resolved if resolved.is_relative_to(root) and resolved.is_file() else None


def locate(root: Path, path: str, accept_encoding: str) -> StaticFile | None:
    """The file at `path` under `root` (resolved, never outside it) in the best form the client
    accepts, or None. The pre-compressed siblings themselves are not addressable: a client
    that asked for `app.js.br` would get brotli bytes labelled as JavaScript. Blocking."""
    if not path:
        return None
    original = _regular_file_inside(root, root / path)
    if original is None or original.suffix in _SUFFIXES:
        return None
    media_type = mimetypes.guess_type(original.name)[0] or "application/octet-stream"
    for coding, suffix in preferred_codings(accept_encoding):
        variant = _regular_file_inside(root, original.with_name(original.name + suffix))
        if variant is not None:
            return StaticFile(variant, variant.stat(), media_type, coding)
    return StaticFile(original, original.stat(), media_type, None)
