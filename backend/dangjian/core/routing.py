"""One transaction per request, committed at the route boundary.

The route class opens the request's database session, runs the endpoint, commits when the answer
is a success and rolls back otherwise — before the response leaves, so a failed commit can never
follow a 2xx that was already sent. Services only `flush()`.

It also bounds every plain integer and date parameter (path and query, of the endpoint and its
dependencies): integers to 32 bits, dates to YEAR_MIN..YEAR_MAX — validated (422) and documented
(`minimum`/`maximum`), so no route hands the database a value it cannot store.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable, Coroutine
from datetime import date, datetime
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import annotated_types
from fastapi import Request, Response, params
from fastapi.routing import APIRoute
from pydantic.fields import FieldInfo
from sqlalchemy.ext.asyncio import AsyncSession

from dangjian.core.schemas import BoundedDate, BoundedDateTime, BoundedInt

_BOUNDS = (
    annotated_types.Ge,
    annotated_types.Gt,
    annotated_types.Le,
    annotated_types.Lt,
    annotated_types.Interval,
)
_DONE = "__dangjian_bounded__"


def _has_bounds(metadata: tuple[Any, ...]) -> bool:
    for item in metadata:
        if isinstance(item, _BOUNDS):
            return True
        if isinstance(item, FieldInfo) and _has_bounds(tuple(item.metadata)):
            return True
    return False


def _bounded(annotation: Any, *, ints: bool = True) -> Any:
    """The annotation with int → BoundedInt and date/datetime → bounded, through Annotated,
    unions and lists; the same object when nothing changes."""
    if annotation is int and ints:
        return BoundedInt
    if annotation is datetime:
        return BoundedDateTime
    if annotation is date:
        return BoundedDate
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *metadata = get_args(annotation)
        if any(isinstance(m, params.Depends) for m in metadata):
            return annotation
        new = _bounded(base, ints=ints and not _has_bounds(tuple(metadata)))
        return annotation if new is base else Annotated[(new, *metadata)]
    if origin in (Union, types.UnionType):
        args = get_args(annotation)
        new_args = tuple(_bounded(a, ints=ints) for a in args)
        if all(n is a for n, a in zip(new_args, args, strict=True)):
            return annotation
        return Union[new_args]  # noqa: UP007
    if origin in (list, set, frozenset, tuple) and len(get_args(annotation)) == 1:
        (item,) = get_args(annotation)
        new_item = _bounded(item, ints=ints)
        return annotation if new_item is item else origin[new_item]
    return annotation


def _dependency_of(parameter: inspect.Parameter) -> Callable[..., Any] | None:
    if isinstance(parameter.default, params.Depends):
        return parameter.default.dependency
    if get_origin(parameter.annotation) is Annotated:
        for item in get_args(parameter.annotation)[1:]:
            if isinstance(item, params.Depends):
                return item.dependency
    return None


def bound_parameters(call: Callable[..., Any]) -> None:
    """Rewrite the signature FastAPI reads (`__signature__`) of a function and of the functions
    it depends on so that its int/date parameters carry the bounds. Body models are left alone:
    InputModel bounds their fields."""
    if not inspect.isfunction(call) or getattr(call, _DONE, False):
        return
    try:
        signature = inspect.signature(call, eval_str=True)
    except NameError:  # annotations only importable under TYPE_CHECKING: not request values
        return
    changed = False
    parameters = []
    for parameter in signature.parameters.values():
        dependency = _dependency_of(parameter)
        if dependency is not None:
            bound_parameters(dependency)
            parameters.append(parameter)
            continue
        annotation = parameter.annotation
        if isinstance(parameter.default, FieldInfo) and _has_bounds(
            tuple(parameter.default.metadata)
        ):
            new = _bounded(annotation, ints=False)
        else:
            new = _bounded(annotation)
        changed = changed or new is not annotation
        parameters.append(parameter.replace(annotation=new))
    if changed:
        call.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    setattr(call, _DONE, True)


_READ_ONLY = "__dangjian_read_only__"

F = TypeVar("F", bound=Callable[..., Any])


def read_only(endpoint: F) -> F:
    """Mark an endpoint that writes nothing (under the route decorator): its session runs its
    statements without a transaction — no BEGIN and COMMIT round trips. Each statement still
    sees committed data only (as each does under READ COMMITTED inside a transaction); a write
    made anyway (the sign-in session's last-seen touch) commits by itself."""
    setattr(endpoint, _READ_ONLY, True)
    return endpoint


class TransactionalRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        # The one-line Chinese docstring of an endpoint is its summary in the API docs.
        if kwargs.get("summary") is None and endpoint.__doc__:
            kwargs["summary"] = endpoint.__doc__.strip().splitlines()[0]
        self.read_only = bool(getattr(endpoint, _READ_ONLY, False))
        bound_parameters(endpoint)
        for dependency in kwargs.get("dependencies") or ():
            if dependency.dependency is not None:
                bound_parameters(dependency.dependency)
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route_handler(request: Request) -> Response:
            db = request.app.state.db
            bind = {"bind": db.autocommit_engine} if self.read_only else {}
            async with db.sessionmaker(**bind) as session:
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
