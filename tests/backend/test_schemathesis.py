"""Schemathesis against the whole API, in process: no input gives a server error, and every
answer matches the API document (the documented body schema of its status and content type).

Each run gets its own copy of the seeded template database and calls the app through
schemathesis' ASGI transport, signed in as `secretary` (a community Party committee's secretary:
writes everywhere below) and as `member` (an ordinary Party member: mostly 403/404). Generation is
bounded and deterministic (a fixed seed, 3 examples per operation in the fuzzing phase plus the
coverage phase's boundary values, no shrinking), so the four runs — both databases (PostgreSQL
is the stricter one: int32 columns, no NUL in text, date overflow), both principals — take about
a minute and a failure reproduces.

The run uses schemathesis' engine (what its CLI runs) rather than its pytest plugin, which does
not work with pytest 9.2 (it reads `Node._nodeid`, which pytest 9.2 no longer has).

Operations that end or change the caller's own session (logout, ending a session, password
change, TOTP, a password reset that may hit one's own account) would turn every later call into a
401: they run in a separate test, each call with a freshly minted session.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from conftest import Template
from conftest import test_settings as settings_for
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status
from schemathesis.engine import from_schema as engine_for
from schemathesis.engine.events import FatalError, NonFatalError, ScenarioFinished
from schemathesis.python import asgi as schemathesis_asgi
from sqlalchemy import select

from dangjian.auth import service as auth_service
from dangjian.core.db import Database
from dangjian.main import create_app
from dangjian.models import User

PRINCIPALS = ["secretary", "member"]

# Operations that end or change the caller's own session (see the module docstring).
SESSION_ENDING = (
    r"^/api/v1/auth/(logout|password|sessions/\{session_id\}|totp/.*)$"
    r"|^/api/v1/users/\{user_id\}/reset-password$"
)

CONFIG: dict[str, Any] = {
    "seed": 20261204,
    "workers": 1,
    "generation": {
        "max-examples": 3,
        "deterministic": True,
        "no-shrink": True,
        "database": "none",
    },
    # Phases: examples, coverage (the schema's boundary values: extreme integers, far dates,
    # nulls, empty and longest strings) and fuzzing (valid and invalid data, NUL included). Left
    # out for the time budget (the four runs take about a minute on a quiet 2-core machine, more
    # than twice that with coverage's invalid-data cases): the stateful phase (chains of calls),
    # coverage's invalid-data cases (fuzzing still sends invalid data), and coverage's calls with
    # every unlisted method (405 + Allow is tested in test_robustness.py).
    "phases": {
        "stateful": {"enabled": False},
        "coverage": {"unexpected-methods": [], "generation": {"mode": "positive"}},
    },
    "checks": {
        "enabled": False,
        "not_a_server_error": {"enabled": True},
        "response_schema_conformance": {"enabled": True},
    },
}


class Api:
    """The app under test, its database and a way to mint a fresh session for a principal."""

    def __init__(self, url: str, var_dir: Path, principal: str, token: str) -> None:
        self.url = url
        self.settings = settings_for(url, var_dir)
        # database=None: the app opens its own Database inside schemathesis' event loop and
        # disposes it when the lifespan ends.
        self.app = create_app(self.settings)
        self.principal = principal
        self.token = token

    def fresh_token(self) -> str:
        async def mint() -> str:
            db = Database(self.url)
            try:
                async with db.sessionmaker() as session, session.begin():
                    user = await session.scalar(select(User).where(User.username == self.principal))
                    assert user is not None
                    user.must_change_password = False
                    issued = await auth_service.start_user_session(
                        session,
                        self.settings,
                        user,
                        ip="127.0.0.1",
                        user_agent="schemathesis",
                        restricted=False,
                    )
                    return issued.access_token
            finally:
                await db.dispose()

        return asyncio.run(mint())

    def run(self, token: Callable[[], str], *, include: bool) -> list[str]:
        """Run schemathesis over the operations (the session-ending ones, or all the others),
        each call signed in with `token()`; the failures, described."""
        schema = schemathesis.openapi.from_asgi(
            "/api/v1/openapi.json", self.app, config=SchemathesisConfig.from_dict(CONFIG)
        )
        schema = (
            schema.include(path_regex=SESSION_ENDING)
            if include
            else schema.exclude(path_regex=SESSION_ENDING)
        )

        class Bearer:
            def get(self, case: Any, ctx: Any) -> str:
                return token()

            def set(self, case: Any, data: str, ctx: Any) -> None:
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

        schema.auth(refresh_interval=None)(Bearer)
        failures: list[str] = []
        for event in engine_for(schema).execute():
            if isinstance(event, ScenarioFinished) and event.status in (
                Status.FAILURE,
                Status.ERROR,
            ):
                failures += describe(event)
            elif isinstance(event, NonFatalError | FatalError):
                failures.append(f"{getattr(event, 'label', '')}: {event.info.format()}")
        return failures


def describe(event: ScenarioFinished) -> list[str]:
    out = []
    for case_id, checks in event.recorder.checks.items():
        for check in checks:
            if check.status is not Status.FAILURE or check.failure_info is None:
                continue
            interaction = event.recorder.interactions.get(case_id)
            response = interaction.response if interaction else None
            out.append(
                f"{event.label} [{check.name}] {check.failure_info.failure.title}\n"
                f"  {check.failure_info.code_sample}\n"
                f"  -> {response.status_code if response else None} "
                f"{(response.content or b'')[:300] if response else b''!r}"
            )
    return out or [f"{event.label}: {event.status}"]


@pytest.fixture(params=PRINCIPALS)
def api(
    request: pytest.FixtureRequest, template: Template, fresh_db_url: str, tmp_path: Path
) -> Iterator[Api]:
    principal: str = request.param
    yield Api(fresh_db_url, tmp_path, principal, template.tokens[principal])
    schemathesis_asgi.shutdown_lifespans()  # closes the app's database connections


def test_no_server_error_and_answers_as_documented(api: Api) -> None:
    failures = api.run(lambda: api.token, include=False)
    assert not failures, "\n".join(failures)


def test_session_ending_operations(api: Api) -> None:
    failures = api.run(api.fresh_token, include=True)
    assert not failures, "\n".join(failures)
