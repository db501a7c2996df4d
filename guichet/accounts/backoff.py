"""Failed logins of one account: a wait that grows with each failure, instead of a lock.

allauth's per-account limit locks an account out for anyone typing wrong passwords for it.
Here, past GUICHET_LOGIN_BACKOFF_AFTER failures, the account's next password is checked only
after a wait of GUICHET_LOGIN_BACKOFF_START seconds, doubled with each further failure, at
most GUICHET_LOGIN_BACKOFF_MAX. While it runs, only an account with an authenticator app gets
through (its password, then its code: accounts.adapter). A complete login forgets the failures;
so does a day without any.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

FORGET_AFTER = 24 * 3600  # seconds without a failure


def _key(login: str) -> str:
    digest = hashlib.sha256(login.strip().lower().encode()).hexdigest()
    return f"guichet:login-backoff:{digest}"


def wait_seconds(login: str) -> float:
    """How long the account `login` (an e-mail address) must still wait; 0 when it need not."""
    state = cache.get(_key(login))
    if not state:
        return 0
    count, last = state
    over = count - settings.GUICHET_LOGIN_BACKOFF_AFTER
    if over < 0:
        return 0
    delay = min(settings.GUICHET_LOGIN_BACKOFF_START * 2**over, settings.GUICHET_LOGIN_BACKOFF_MAX)
    return max(0.0, last + delay - time.time())


def record_failure(login: str) -> None:
    key = _key(login)
    count, _last = cache.get(key) or (0, 0)
    cache.set(key, (count + 1, time.time()), timeout=FORGET_AFTER)


def forget(login: str) -> None:
    cache.delete(_key(login))
