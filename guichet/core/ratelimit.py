"""A small fixed-window rate limiter on the shared cache (works across processes)."""

from django.core.cache import cache


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def hit(key: str, *, limit: int, window: int) -> bool:
    """Counts one attempt for `key`; returns False once `limit` attempts were made in `window`."""
    cache_key = f"ratelimit:{key}"
    cache.add(cache_key, 0, timeout=window)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.set(cache_key, 1, timeout=window)
        count = 1
    return count <= limit


def is_limited(key: str, *, limit: int) -> bool:
    """True once `limit` attempts were counted for `key` in the current window.

    Checks without counting: a login form refuses the attempt before trying the password,
    and counts only the attempts that fail.
    """
    return (cache.get(f"ratelimit:{key}") or 0) >= limit
