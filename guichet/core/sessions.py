"""Sessions in the database, renewed at most once a minute.

Sessions expire after a time of inactivity (SESSION_COOKIE_AGE, an agent's
GUICHET_AGENT_SESSION_IDLE): with SESSION_SAVE_EVERY_REQUEST, Django writes the session row on
every page to push its expiry back, a transaction of its own (BEGIN, UPDATE, COMMIT and a
flush of the write-ahead log) on pages that otherwise only read. This store skips that write
when the session's data are those it read and its expiry would move by less than
RENEW_AFTER seconds: a session may then end up to a minute before the full idle time, never
after it. A change of the data, a shorter expiry, a new or flushed session are written as
before.

With Redis (GUICHET_REDIS_URL) sessions live in the cache and this store is not used.
"""

import datetime

from django.contrib.sessions.backends import db

RENEW_AFTER = datetime.timedelta(seconds=60)


class SessionStore(db.SessionStore):
    _stored = None  # (session_data as read, its expiry date), or None when not read

    def load(self):
        session = self._get_session_from_db()
        if session is None:
            self._stored = None
            return {}
        self._stored = (session.session_data, session.expire_date)
        return self.decode(session.session_data)

    def _unchanged_and_recent(self) -> bool:
        if self._stored is None or self.session_key is None:
            return False
        data, expire_date = self._stored
        moved = self.get_expiry_date() - expire_date
        return datetime.timedelta(0) <= moved < RENEW_AFTER and self.decode(data) == self._session

    def save(self, must_create=False):
        if not must_create and self._unchanged_and_recent():
            return
        super().save(must_create=must_create)
        self._stored = None  # a second save in the same request writes again
