"""A small fixed-window rate limiter on the shared cache (works across processes), and the
client's address that every rate limit of the project keys on (allauth's too)."""

import ipaddress

from django.conf import settings
from django.core.cache import cache


def _valid_address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The address of the client: the connection's, or, behind GUICHET_TRUSTED_PROXIES
    reverse proxies, the one the outermost trusted proxy saw (the N-th entry of
    X-Forwarded-For from the right; each proxy appends the address it was reached from).

    The entries left of it were written by the client and are never believed. A header with
    fewer entries, or a malformed one, falls back to the connection's address.
    """
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    proxies = settings.GUICHET_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(entries) < proxies:
        return remote
    return _valid_address(entries[-proxies]) or remote


def client_key(request) -> str:
    """What a per-client rate limit counts by: the client's address, or for IPv6 its /64
    network (one subscriber's; allauth's limits truncate to the same prefix)."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)


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
