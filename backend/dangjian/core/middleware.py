"""ASGI middleware: request-body cap, NUL-free input and security headers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dangjian.core.errors import INVALID_CHARACTER, problem_response

# The SPA runs under exactly default-src 'self' (checked by an e2e test that records violations).
CSP = (
    "default-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
    "form-action 'self'"
)

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"content-security-policy", CSP.encode()),
]


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.headers = list(SECURITY_HEADERS)
        if hsts:
            self.headers.append(
                (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
            )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_api = scope["path"] == "/api" or scope["path"].startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                existing = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in existing]
                if is_api:
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _TooLarge(HTTPException):
    """Raised while the body streams in; an HTTPException, so FastAPI's body reader passes it
    through to the problem-details handler instead of turning it into a 400."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"请求内容超过 {limit // 1024} KiB 的上限")


@lru_cache(maxsize=8)
def _patterns(templates: frozenset[str]) -> list[re.Pattern[str]]:
    """Route path templates ("/members/{member_id}/photo") as patterns of one path segment."""
    return [re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(t))) for t in sorted(templates)]


class BodyLimitMiddleware:
    """Refuse bodies over the cap (1 MiB default; larger only on upload routes) with 413."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        default_limit: int,
        upload_limit: int,
        upload_routes: Callable[[], Iterable[str]],
    ) -> None:
        self.app = app
        self.default_limit = default_limit
        self.upload_limit = upload_limit
        self.upload_routes = upload_routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_limit if self._is_upload(scope["path"]) else self.default_limit
        for key, value in scope.get("headers", []):
            if key == b"content-length" and value.isdigit() and int(value) > limit:
                await self._refuse(scope, receive, send, limit)
                return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge(limit)
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _TooLarge:
            await self._refuse(scope, receive, send, limit)

    def _is_upload(self, path: str) -> bool:
        return any(
            pattern.fullmatch(path) for pattern in _patterns(frozenset(self.upload_routes()))
        )

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = problem_response(
            413, "payload_too_large", "请求内容过大", f"请求内容超过 {limit // 1024} KiB 的上限"
        )
        await response(scope, receive, send)


# A JSON string escape for U+0000 that is not itself escaped (`\\u0000` is the text "\u0000").
_JSON_NUL = re.compile(rb"(?:^|[^\\])(?:\\\\)*\\u0000", re.IGNORECASE)
_PERCENT_NUL = b"%00"


def _media_type(scope: Scope) -> str:
    for key, value in scope.get("headers", []):
        if key == b"content-type":
            media: bytes = value.split(b";", 1)[0].strip().lower()
            return media.decode("latin-1")
    return ""


def _has_nul(scope: Scope, body: bytes | None) -> bool:
    query = scope.get("query_string", b"")
    raw_path = scope.get("raw_path") or b""
    if b"\x00" in query or _PERCENT_NUL in query or "\x00" in scope["path"]:
        return True
    if _PERCENT_NUL in raw_path:
        return True
    if body is None:
        return False
    if b"\x00" in body:
        return True
    if _media_type(scope) == "application/x-www-form-urlencoded":
        return _PERCENT_NUL in body
    return _JSON_NUL.search(body) is not None


class NulRefusalMiddleware:
    """Refuse a NUL character (U+0000) in the path, the query string, and JSON or form bodies
    with 422 `invalid_character`: no text column (PostgreSQL) can hold it. Multipart bodies are
    not read here — uploaded files are binary; their text fields are short, validated values."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    @staticmethod
    def _reads_body(scope: Scope) -> bool:
        media = _media_type(scope)
        return media in {"", "application/json", "application/x-www-form-urlencoded"} or (
            media.startswith("application/") and media.endswith("+json")
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _has_nul(scope, None):
            await self._refuse(scope, receive, send)
            return
        if scope["method"] in {"GET", "HEAD", "OPTIONS"} or not self._reads_body(scope):
            await self.app(scope, receive, send)
            return
        # The body is capped by BodyLimitMiddleware (outside this one), so buffering is bounded.
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message], receive), send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if _has_nul(scope, body):
            await self._refuse(scope, receive, send)
            return
        await self.app(scope, _replay([{"type": "http.request", "body": body}], receive), send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send) -> None:
        code, title, detail = INVALID_CHARACTER
        await problem_response(422, code, title, detail)(scope, receive, send)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
