"""One transaction per request, committed at the route boundary.

The route class opens the request's database session, runs the endpoint, commits when the answer
is a success and rolls back otherwise — before the response leaves, so a failed commit can never
follow a 2xx that was already sent. Services only `flush()`.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession


class TransactionalRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        # The one-line Chinese docstring of an endpoint is its summary in the API docs.
        if kwargs.get("summary") is None and endpoint.__doc__:
            kwargs["summary"] = endpoint.__doc__.strip().splitlines()[0]
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route_handler(request: Request) -> Response:
            factory = request.app.state.db.sessionmaker
            async with factory() as session:
                request.state.db_session = session
                try:
                    response = await handler(request)
                except BaseException:
                    await session.rollback()
                    raise
                if response.status_code < 400:
                    await session.commit()
                else:
                    await session.rollback()
                return response

        return route_handler


async def request_session(request: Request) -> AsyncSession:
    session: Any = getattr(request.state, "db_session", None)
    if session is None:
        raise RuntimeError("route is not a TransactionalRoute")
    assert isinstance(session, AsyncSession)
    return session
