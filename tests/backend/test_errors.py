"""One error shape everywhere (RFC 9457), the request-body cap, security headers, the docs
switch and the SPA fallback.

Every error answer is `application/problem+json` with `type, title, status, detail, code`;
validation errors list each field with a Chinese message.
"""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import Ctx
from conftest import test_settings as settings_for

from dangjian.core.db import Database
from dangjian.main import create_app

MIB = 1024 * 1024
PROBLEM_KEYS = {"type", "title", "status", "detail", "code"}


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def assert_problem(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body.keys() >= PROBLEM_KEYS, body
    assert body["status"] == status and body["code"] == code
    assert body["type"] == "about:blank"
    assert has_chinese(body["title"]) and has_chinese(body["detail"]), body
    return body


async def post_json_bytes(ctx: Ctx, url: str, content: Any) -> httpx.Response:
    """POST raw JSON bytes (or a byte stream) as the secretary."""
    return await ctx.client.post(
        url, content=content, headers={**ctx.auth("secretary"), "Content-Type": "application/json"}
    )


def field_errors(body: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {e["field"]: e for e in body["errors"]}


# --- RFC 9457 problem details ---------------------------------------------------------------


async def test_unknown_object_is_a_404_problem(ctx: Ctx) -> None:
    r = await ctx.get("/api/v1/organizations/999999", "secretary")
    assert_problem(r, 404, "not_found")


async def test_unknown_api_path_is_a_404_problem(ctx: Ctx) -> None:
    r = await ctx.get("/api/v1/no-such-thing", "secretary")
    assert_problem(r, 404, "not_found")


async def test_missing_token_is_a_401_problem_with_a_bearer_challenge(ctx: Ctx) -> None:
    r = await ctx.get("/api/v1/organizations", None)
    assert_problem(r, 401, "unauthorized")
    assert r.headers["www-authenticate"] == "Bearer"


async def test_bad_token_is_a_401_problem(ctx: Ctx) -> None:
    r = await ctx.client.get("/api/v1/organizations", headers={"Authorization": "Bearer x.y.z"})
    assert_problem(r, 401, "token_invalid")


async def test_validation_error_lists_each_field_in_chinese(ctx: Ctx) -> None:
    r = await ctx.post(
        "/api/v1/organizations", "secretary", json={"parent_id": ctx.ids["own"], "kind": "platoon"}
    )
    body = assert_problem(r, 422, "validation_error")
    errors = field_errors(body)
    assert set(errors) == {"name", "kind"}, body["errors"]
    assert errors["name"] == {"field": "name", "message": "必填", "code": "missing"}
    assert errors["kind"]["code"] == "enum"
    assert errors["kind"]["message"].startswith("取值不在允许范围内")
    assert all(has_chinese(e["message"]) for e in body["errors"])
    assert "name：必填" in body["detail"]


async def test_unknown_body_field_is_refused(ctx: Ctx) -> None:
    r = await ctx.post(
        "/api/v1/organizations",
        "secretary",
        json={
            "parent_id": ctx.ids["own"],
            "name": "新的党支部",
            "kind": "branch",
            "is_admin": True,
        },
    )
    body = assert_problem(r, 422, "validation_error")
    assert field_errors(body) == {
        "is_admin": {"field": "is_admin", "message": "不允许的字段", "code": "extra_forbidden"}
    }


async def test_page_size_over_100_is_refused(ctx: Ctx) -> None:
    r = await ctx.get("/api/v1/organizations?size=101", "secretary")
    body = assert_problem(r, 422, "validation_error")
    assert field_errors(body)["size"]["message"] == "不能大于 100"
    assert (await ctx.get("/api/v1/organizations?size=100", "secretary")).status_code == 200


async def test_malformed_json_is_a_422_problem(ctx: Ctx) -> None:
    r = await post_json_bytes(ctx, "/api/v1/organizations", b'{"name": ')
    body = assert_problem(r, 422, "validation_error")
    assert body["errors"][0]["code"] == "json_invalid"


async def test_wrong_method_is_a_problem(ctx: Ctx) -> None:
    r = await ctx.client.put("/api/v1/organizations/tree", headers=ctx.auth("secretary"))
    assert_problem(r, 405, "method_not_allowed")


# --- request-body cap (1 MiB) ---------------------------------------------------------------


async def test_body_over_one_mib_with_content_length_is_413(ctx: Ctx) -> None:
    payload = b'{"name": "' + b"x" * MIB + b'"}'
    r = await post_json_bytes(ctx, "/api/v1/organizations", payload)
    assert_problem(r, 413, "payload_too_large")
    assert r.headers["x-content-type-options"] == "nosniff"


async def test_body_at_the_cap_is_not_refused_for_size(ctx: Ctx) -> None:
    filler = b"x" * (MIB - 200)
    payload = b'{"name": "n", "short_name": "' + filler + b'"}'
    assert len(payload) <= MIB
    r = await post_json_bytes(ctx, "/api/v1/organizations", payload)
    assert r.status_code == 422  # read and validated, not cut off


async def test_streamed_body_over_one_mib_is_413(ctx: Ctx) -> None:
    """Without Content-Length (chunked), the cap is enforced while the body is read."""
    chunk = b"x" * (64 * 1024)

    async def body() -> AsyncIterator[bytes]:
        yield b'{"name": "'
        for _ in range(20):  # 1.25 MiB
            yield chunk
        yield b'"}'

    r = await post_json_bytes(ctx, "/api/v1/organizations", body())
    assert "content-length" not in r.request.headers
    assert r.request.headers["transfer-encoding"] == "chunked"
    assert_problem(r, 413, "payload_too_large")


# --- security headers -----------------------------------------------------------------------


def assert_security_headers(r: httpx.Response) -> None:
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["content-security-policy"].startswith("default-src 'self'")
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["referrer-policy"] == "no-referrer"


async def test_security_headers_on_api_answers(ctx: Ctx) -> None:
    for r in [
        await ctx.get("/api/v1/organizations/tree", "secretary"),
        await ctx.get("/api/v1/organizations", None),
    ]:
        assert_security_headers(r)
        assert r.headers["cache-control"] == "no-store"
    assert "strict-transport-security" not in r.headers  # plain-HTTP test settings


async def test_security_headers_on_non_api_answers(ctx: Ctx) -> None:
    r = await ctx.client.get("/healthz")
    assert r.status_code == 200
    assert_security_headers(r)
    assert r.headers.get("cache-control") != "no-store"


# --- apps with other settings (no database access: the URL is never connected) --------------

AppFactory = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def make_client(tmp_path: Path) -> AppFactory:
    @asynccontextmanager
    async def factory(**overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        url = f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}"
        database = Database(url)
        app = create_app(settings_for(url, tmp_path, **overrides), database=database)
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c
        await database.dispose()

    return factory


async def test_docs_are_served_by_default(make_client: AppFactory) -> None:
    async with make_client() as client:
        assert (await client.get("/api/v1/openapi.json")).json()["info"]["version"] == "1.0.0"
        assert (await client.get("/api/docs")).status_code == 200


async def test_docs_can_be_turned_off(make_client: AppFactory) -> None:
    async with make_client(docs_enabled=False) as client:
        for path in ["/api/docs", "/api/v1/openapi.json", "/api/redoc"]:
            assert_problem(await client.get(path), 404, "not_found")


async def test_hsts_when_cookies_are_secure(make_client: AppFactory) -> None:
    async with make_client(cookie_secure=True) as client:
        r = await client.get("/healthz")
        assert r.headers["strict-transport-security"].startswith("max-age=31536000")


# --- the SPA: history fallback, assets, no escape from the directory ------------------------

INDEX = "<!doctype html><title>社区党建</title><div id=app></div>"
APP_JS = "console.log('app');"
SECRET = "root:x:0:0:secret"


@pytest.fixture
def spa(tmp_path: Path) -> Path:
    root = tmp_path / "spa"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text(INDEX, encoding="utf-8")
    (root / "assets" / "app.js").write_text(APP_JS, encoding="utf-8")
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    (tmp_path / "spa-evil").mkdir()
    (tmp_path / "spa-evil" / "secret.txt").write_text(SECRET, encoding="utf-8")
    (root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    return root


async def test_spa_deep_link_gets_index_html(make_client: AppFactory, spa: Path) -> None:
    async with make_client(spa_dir=spa) as client:
        for path in ["/", "/some/deep/page", "/organizations/12?tab=posts"]:
            r = await client.get(path)
            assert r.status_code == 200, path
            assert r.text == INDEX
            assert r.headers["content-type"].startswith("text/html")
            assert r.headers["cache-control"] == "no-cache"
            assert_security_headers(r)


async def test_spa_serves_assets_with_long_caching(make_client: AppFactory, spa: Path) -> None:
    async with make_client(spa_dir=spa) as client:
        r = await client.get("/assets/app.js")
        assert r.status_code == 200 and r.text == APP_JS
        assert "javascript" in r.headers["content-type"]
        assert r.headers["cache-control"] == "public, max-age=31536000, immutable"


# The build writes brotli and gzip siblings beside each file; the server picks one per request.
APP_JS_BR = b"\x1b\x12brotli-bytes-of-app.js"  # served as stored: the server never compresses


@pytest.fixture
def compressed_spa(spa: Path) -> Path:
    (spa / "assets" / "app.js.br").write_bytes(APP_JS_BR)
    (spa / "assets" / "app.js.gz").write_bytes(gzip.compress(APP_JS.encode()))
    (spa / "index.html.gz").write_bytes(gzip.compress(INDEX.encode()))
    # a sibling that points outside the SPA directory is never served
    (spa / "assets" / "plain.js").write_text(APP_JS, encoding="utf-8")
    (spa / "assets" / "plain.js.br").symlink_to(spa.parent / "secret.txt")
    (spa.parent / "secret.txt.br").write_text(SECRET, encoding="utf-8")
    return spa


async def raw_get(
    client: httpx.AsyncClient, path: str, accept: str
) -> tuple[httpx.Response, bytes]:
    """The answer and its body as sent (httpx would otherwise decode gzip and brotli)."""
    async with client.stream("GET", path, headers={"Accept-Encoding": accept}) as r:
        return r, b"".join([chunk async for chunk in r.aiter_raw()])


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [
        ("gzip, deflate, br, zstd", "br"),
        ("br", "br"),
        ("*", "br"),
        ("gzip;q=1, br;q=0.5", "gzip"),
        ("gzip, deflate", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("BR;Q=0, *", "gzip"),
        ("identity", None),
        ("", None),
        ("br;q=0, gzip;q=0", None),
        ("br;q=oops, gzip;q=2", None),  # malformed q-values: not acceptable
    ],
)
async def test_spa_assets_negotiate_the_precompressed_form(
    make_client: AppFactory, compressed_spa: Path, accept: str, encoding: str | None
) -> None:
    async with make_client(spa_dir=compressed_spa) as client:
        r, body = await raw_get(client, "/assets/app.js", accept)
    assert r.status_code == 200
    assert r.headers.get("content-encoding") == encoding
    assert r.headers["vary"] == "Accept-Encoding"
    assert r.headers["content-type"].startswith("text/javascript")
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    expected = {
        "br": APP_JS_BR,
        "gzip": (compressed_spa / "assets" / "app.js.gz").read_bytes(),
        None: APP_JS.encode(),
    }[encoding]
    assert body == expected
    assert r.headers["content-length"] == str(len(expected))
    if encoding == "gzip":
        assert gzip.decompress(body).decode() == APP_JS


async def test_spa_index_html_is_compressed_and_revalidated(
    make_client: AppFactory, compressed_spa: Path
) -> None:
    async with make_client(spa_dir=compressed_spa) as client:
        for path in ["/", "/index.html", "/members/12"]:
            r, body = await raw_get(client, path, "gzip, deflate, br")
            assert r.status_code == 200, path
            assert r.headers["content-encoding"] == "gzip", path  # no index.html.br: gzip
            assert gzip.decompress(body).decode() == INDEX
            assert r.headers["content-type"].startswith("text/html")
            assert r.headers["cache-control"] == "no-cache"
            assert r.headers["vary"] == "Accept-Encoding"
            assert_security_headers(r)
        r, body = await raw_get(client, "/", "identity")
        assert "content-encoding" not in r.headers and body.decode() == INDEX


async def test_spa_compressed_forms_stay_inside_the_directory(
    make_client: AppFactory, compressed_spa: Path
) -> None:
    async with make_client(spa_dir=compressed_spa) as client:
        # the brotli sibling of plain.js leads outside: plain.js is answered as it is
        r, body = await raw_get(client, "/assets/plain.js", "br")
        assert "content-encoding" not in r.headers and body == APP_JS.encode()
        # secret.txt.br beside the directory is out of reach however it is asked for
        for path in ["/../secret.txt", "/..%2fsecret.txt", "/assets/..%2f..%2fsecret.txt"]:
            r, body = await raw_get(client, path, "br")
            assert SECRET.encode() not in body, path
            assert r.status_code in {200, 404}
        # the siblings are not addressable themselves (brotli bytes labelled as JavaScript)
        r, body = await raw_get(client, "/assets/app.js.br", "identity")
        assert r.status_code == 200 and body.decode() == INDEX
        assert r.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/assets/%2e%2e/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/assets/..%2f..%2fsecret.txt",
        "/..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/%2fetc%2fpasswd",
        "/..%2fspa-evil%2fsecret.txt",
        "/leak.txt",
    ],
)
async def test_spa_never_serves_files_outside_its_directory(
    make_client: AppFactory, spa: Path, path: str
) -> None:
    async with make_client(spa_dir=spa) as client:
        r = await client.get(path)
        assert SECRET not in r.text
        assert "root:" not in r.text
        assert r.status_code in {200, 404}
        if r.status_code == 200:
            assert r.text == INDEX


async def test_spa_never_serves_files_outside_for_raw_asgi_paths(
    make_client: AppFactory, spa: Path
) -> None:
    """The same with a dot-dot path handed to the app as-is (no client-side normalisation)."""
    async with make_client(spa_dir=spa) as client:
        app = client._transport.app  # type: ignore[attr-defined]
    for raw in [
        "/../secret.txt",
        "/assets/../../secret.txt",
        "/../../../../../../etc/passwd",
        "/../spa-evil/secret.txt",
    ]:
        status, body = await asgi_get(app, raw)
        assert SECRET.encode() not in body and b"root:" not in body, raw
        assert status == 200 and body.decode() == INDEX, raw


async def asgi_get(app: Any, path: str) -> tuple[int, bytes]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    sent: list[dict[str, Any]] = []
    requested = False
    done = asyncio.Event()

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await done.wait()  # the client stays connected until the answer is complete
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            done.set()

    await asyncio.wait_for(app(scope, receive, send), timeout=10)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


async def test_unknown_api_path_is_a_problem_not_the_spa(
    make_client: AppFactory, spa: Path
) -> None:
    async with make_client(spa_dir=spa) as client:
        for path in ["/api/v1/unknown", "/api", "/api/v2/organizations"]:
            r = await client.get(path)
            assert_problem(r, 404, "not_found")
            assert INDEX not in r.text
            if path.startswith("/api/"):
                assert r.headers["cache-control"] == "no-store"


async def test_without_a_built_spa_pages_are_a_problem(
    make_client: AppFactory, tmp_path: Path
) -> None:
    async with make_client(spa_dir=tmp_path / "missing") as client:
        assert_problem(await client.get("/some/page"), 404, "spa_not_built")
