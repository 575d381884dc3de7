"""CPU-bound work off the event loop, in one bounded pool of worker threads.

Password hashing (argon2, ~0.3 s), reading and writing Excel workbooks and decoding images take
long enough that, run inside an `async def` route, every other request of the worker would wait
for them. `run_cpu` hands such work to a worker thread and awaits it; the pool is bounded so that
a flood of sign-ins or imports queues here instead of exhausting memory (argon2 takes 64 MiB per
hash). argon2 and Pillow release the GIL; openpyxl does not, but the interpreter switches threads
every few milliseconds, so the loop keeps answering while a workbook is parsed.

Every place such work happens calls this helper — there is no second way.
"""

from __future__ import annotations

import asyncio
import functools
import os
import sys
import weakref
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import anyio.to_thread
from anyio import CapacityLimiter

P = ParamSpec("P")
T = TypeVar("T")

# openpyxl holds the interpreter lock while it works; when the event loop's thread wants it
# back, it waits for the switch interval (5 ms by default) — at every step of every request, so
# that a health check took 100–400 ms while a roster was parsed. A 1 ms interval keeps the loop
# answering in a few milliseconds, at a negligible cost to the worker.
SWITCH_INTERVAL = 0.001
if sys.getswitchinterval() > SWITCH_INTERVAL:
    sys.setswitchinterval(SWITCH_INTERVAL)

# At most this many CPU-bound jobs run at once; the rest wait their turn.
CPU_WORKERS = max(2, min(8, os.cpu_count() or 2))
_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter] = (
    weakref.WeakKeyDictionary()
)


def _get_limiter() -> CapacityLimiter:
    # One limiter per event loop: a limiter's waiters belong to the loop that created them.
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = CapacityLimiter(CPU_WORKERS)
    return limiter


async def run_cpu(func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run `func(*args, **kwargs)` in the bounded worker pool and return its result."""
    return await anyio.to_thread.run_sync(
        functools.partial(func, *args, **kwargs), limiter=_get_limiter()
    )
