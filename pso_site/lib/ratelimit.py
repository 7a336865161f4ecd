"""A fixed-window counter in Django's cache: at most ``limit`` uses of
``key`` per ``seconds``. With several app servers, the cache must be shared
(docs/deployment.md) for the limit to hold across them."""

from django.core.cache import cache


def allow(key: str, *, limit: int, seconds: int) -> bool:
    key = f"ratelimit:{key}"
    if cache.add(key, 1, timeout=seconds):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds)
        return True
