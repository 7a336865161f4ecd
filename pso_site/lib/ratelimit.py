"""Counters that hold across every process and machine, in the shared cache
(``CACHES["shared"]``, ``DJANGO_CACHE_URL``; docs/deployment.md).

- ``allow``: a fixed window, at most ``limit`` uses of a key per ``seconds``
  (the public certificate checks per address).
- ``backoff_try`` / ``backoff_reset``: a growing wait between tries of one
  key (sign-in to one account, from any address): the first ``free`` tries
  go at once, then each try waits 1, 2, 4 … seconds after the one before,
  at most ``max_wait`` — a delay that grows, never a lock-out.

Both count with the cache's atomic ``incr`` and ``add`` (the database cache
makes them atomic: ``pso_site.lib.cache``), so two processes cannot both
take the last use."""

import math
import time

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache

SHARED = "shared"


def _shared() -> BaseCache:
    return caches[SHARED]


def _incr_or_add(key: str, *, timeout: int) -> int:
    shared = _shared()
    try:
        return shared.incr(key)
    except ValueError:  # the first use, or the window ended
        if shared.add(key, 1, timeout=timeout):
            return 1
        return shared.incr(key)  # another process added it meanwhile


def allow(key: str, *, limit: int, seconds: int) -> bool:
    window = int(time.time() // seconds)
    return _incr_or_add(f"ratelimit:{key}:{window}", timeout=seconds) <= limit


def backoff_wait(tries: int, *, free: int, max_wait: int) -> int:
    """Seconds a try must wait after try number ``tries`` (counted from 1)."""
    if tries < free:
        return 0
    # int ** int is Any to mypy (a negative power is a float); here the power is never negative.
    return min(max_wait, 2 ** min(tries - free, 32))  # type: ignore[no-any-return]


def backoff_try(key: str, *, free: int, max_wait: int, memory: int) -> int:
    """0 when this try of ``key`` may go ahead (it is counted), else the
    seconds to wait (it is not counted). Tries are remembered ``memory``
    seconds after the first, or until ``backoff_reset``."""
    shared = _shared()
    count, gate = f"backoff:{key}", f"backoff:{key}:gate"
    tries = _incr_or_add(count, timeout=memory)
    wait = backoff_wait(tries, free=free, max_wait=max_wait)
    if not wait:
        return 0
    # The gate stays shut for the wait after a try; only one try opens it.
    if shared.add(gate, time.time() + wait, timeout=wait):
        return 0
    try:
        shared.decr(count)  # refused before trying: not a try
    except ValueError:
        pass
    opens_at = shared.get(gate)
    return max(1, math.ceil(opens_at - time.time())) if opens_at else 1


def backoff_reset(key: str) -> None:
    _shared().delete_many([f"backoff:{key}", f"backoff:{key}:gate"])
