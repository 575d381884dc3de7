"""create_app(): middleware, error handlers, routers, the built SPA."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.routing import Match

from dangjian.api import UPLOAD_ROUTES, api_router
from dangjian.audit import service as audit_service
from dangjian.core import accesslog, clock, static_files
from dangjian.core.config import Settings, get_settings
from dangjian.core.crypto import PersonalDataCipher
from dangjian.core.db import Database
from dangjian.core.errors import PROBLEM_MEDIA_TYPE, install_error_handlers, problem_response
from dangjian.core.files import FileStore
from dangjian.core.middleware import (
    BodyLimitMiddleware,
    NulRefusalMiddleware,
    SecurityHeadersMiddleware,
)


def operation_id(route: APIRoute) -> str:
    """Stable operation ids `{tag}-{name}` for the generated client."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if database is None:
            await app.state.db.dispose()

    app = FastAPI(
        title="社区党建工作平台 API",
        version="1.0.0",
        description="社区党建工作平台的 REST 接口：党组织、职务、账号、审计……",
        openapi_url="/api/v1/openapi.json" if settings.docs_enabled else None,
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=operation_id,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = database or Database(
        settings.resolved_database_url(),
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
    )
    app.state.cipher = PersonalDataCipher(settings.personal_data_key())
    app.state.files = FileStore(settings.var_dir / "uploads")
    settings.signing_key()  # generate var/secret_key at start-up, not on the first request
    # The audit chain's HMAC key comes from these settings (never from the database).
    audit_service.use_key(settings.audit_signing_key())
    # Every "today" (deadlines, current month/quarter/year) is the date in this zone.
    clock.use_zone(settings.zone)
    accesslog.install()  # however the app is served, the access log carries no query strings

    install_error_handlers(app)
    app.include_router(api_router)
    _problem_media_types(app)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> Response:
        try:
            async with request.app.state.db.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:
            return problem_response(
                503, "database_unavailable", "数据库不可用", "数据库暂时无法连接"
            )
        return JSONResponse({"status": "ready"})

    if settings.docs_enabled:
        _mount_docs(app)
    _mount_spa(app, settings.spa_dir)

    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "X-CSRF-Token",
                "If-Match",
                "Idempotency-Key",
            ],
        )
    app.add_middleware(NulRefusalMiddleware)  # inside the body cap: it buffers capped bodies
    app.add_middleware(
        BodyLimitMiddleware,
        default_limit=settings.max_body_bytes,
        upload_limit=settings.max_upload_bytes,
        upload_routes=lambda: UPLOAD_ROUTES,
    )
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.secure_cookies)
    return app


def _problem_media_types(app: FastAPI) -> None:
    """Error answers are application/problem+json: FastAPI files every response model under
    application/json, so the document moves each Problem answer to the type it is sent with."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            problem_ref = "#/components/schemas/Problem"
            for operations in document.get("paths", {}).values():
                for operation in operations.values():
                    for status, answer in operation.get("responses", {}).items():
                        content = answer.get("content", {})
                        schema = content.get("application/json", {}).get("schema", {})
                        if status[0] in "45" and schema.get("$ref") == problem_ref:
                            content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


# The docs page needs Swagger UI's inline start-up script; everything else keeps default-src 'self'.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'"
)


def _mount_docs(app: FastAPI) -> None:
    """API docs at /api/docs with Swagger UI served from this origin (no CDN)."""
    static = Path(fastapi_offline.__file__).parent / "static"
    app.mount("/api/docs/static", StaticFiles(directory=static), name="docs-static")

    @app.get("/api/docs", include_in_schema=False)
    async def docs() -> Response:
        page = get_swagger_ui_html(
            openapi_url="/api/v1/openapi.json",
            title="社区党建工作平台 API 文档",
            swagger_js_url="/api/docs/static/swagger-ui-bundle.js",
            swagger_css_url="/api/docs/static/swagger-ui.css",
            swagger_favicon_url="/api/docs/static/favicon.png",
        )
        page.headers["content-security-policy"] = DOCS_CSP
        return page


API_FALLBACK_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def _mount_spa(app: FastAPI, spa_dir: Path) -> None:
    """Serve the built SPA at / with history fallback (unknown paths get index.html), each file
    pre-compressed (brotli or gzip, as the client accepts) when the build wrote it so."""
    root = spa_dir.resolve()

    @app.api_route("/api/{path:path}", methods=API_FALLBACK_METHODS, include_in_schema=False)
    async def unknown_api(request: Request, path: str) -> Response:
        """An unknown API path is a 404 problem (never the SPA); a known path with another
        method is a 405."""
        routes = [
            route
            for route in request.app.router.routes
            # the fallbacks themselves match every path
            if getattr(route, "path", "") not in {"/{path:path}", "/api/{path:path}"}
        ]
        if any(route.matches(request.scope)[0] is Match.PARTIAL for route in routes):
            # Routers nest (included routers match as one), so ask each method in turn.
            allowed = {
                method
                for method in ALL_METHODS
                if any(
                    route.matches({**request.scope, "method": method})[0] is Match.FULL
                    for route in routes
                )
            }
            return problem_response(
                405,
                "method_not_allowed",
                "不支持该请求方法",
                "不支持该请求方法",
                headers={"Allow": ", ".join(sorted(allowed))},
            )
        return problem_response(404, "not_found", "对象不存在或无权访问", "接口不存在")

    @app.get("/{path:path}", include_in_schema=False)
    async def spa(request: Request, path: str) -> Response:
        if path == "api":
            return problem_response(404, "not_found", "对象不存在或无权访问", "接口不存在")
        accept = request.headers.get("accept-encoding", "")
        found = await run_in_threadpool(static_files.locate, root, path, accept)
        # Vite's content-hashed files never change under their name; everything else (index.html,
        # favicon) is revalidated.
        cache = "public, max-age=31536000, immutable" if path.startswith("assets/") else "no-cache"
        if found is None:
            found = await run_in_threadpool(static_files.locate, root, "index.html", accept)
            cache = "no-cache"
        if found is None:
            return problem_response(
                404,
                "spa_not_built",
                "页面未构建",
                "前端页面尚未构建：请运行 make run（会自动构建前端）",
            )
        headers = {"Cache-Control": cache, "Vary": "Accept-Encoding"}
        if found.encoding:
            headers["Content-Encoding"] = found.encoding
        return FileResponse(
            found.path, headers=headers, media_type=found.media_type, stat_result=found.stat
        )
