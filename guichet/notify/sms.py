"""Sending text messages through the gateway of settings.GUICHET_SMS_URL.

- empty: SMS are off; citizens are not offered them.
- `console:`: each message is written to the log (the demo).
- `http://` or `https://`: each message is POSTed as JSON to that address, which answers 2xx
  when it accepted it:

      {"to": "+33612345678", "text": "...", "sender": "<GUICHET_SMS_SENDER>"}

  with `Authorization: Bearer <GUICHET_SMS_TOKEN>` when a token is set. Operators put a small
  relay in front of their provider's own API when it differs. The gateway is the operator's
  choice, not an input of users: unlike the webhooks, no address is refused.
"""

import json
import logging
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)

# Three concatenated SMS at most; the notices are written to fit in one or two.
MAX_LENGTH = 459


class GatewayError(Exception):
    """The gateway did not accept the message; it will be retried."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirection is no acceptance: followed, the POST would turn into a GET that
    answers 200 while no message left."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def sms_enabled() -> bool:
    return bool(settings.GUICHET_SMS_URL)


def send_text(to: str, text: str) -> None:
    """Hands one message to the gateway; raises GatewayError when it is not accepted."""
    url = settings.GUICHET_SMS_URL
    scheme = urlsplit(url).scheme
    if scheme == "console":
        logger.warning("SMS to %s: %s", to, text)
        return
    if scheme not in ("http", "https"):
        raise GatewayError(f"GUICHET_SMS_URL: unknown scheme {scheme!r}")
    body = json.dumps(
        {"to": to, "text": text, "sender": settings.GUICHET_SMS_SENDER}, ensure_ascii=False
    ).encode()
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "Guichet"}
    if settings.GUICHET_SMS_TOKEN:
        headers["Authorization"] = f"Bearer {settings.GUICHET_SMS_TOKEN}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    opener = urllib.request.build_opener(_NoRedirect)  # the environment's proxy, if any
    try:
        with opener.open(request, timeout=settings.GUICHET_SMS_TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        raise GatewayError(f"HTTP {error.code}") from error
    except (urllib.error.URLError, OSError) as error:
        raise GatewayError(str(getattr(error, "reason", error))) from error
    if not 200 <= status < 300:
        raise GatewayError(f"HTTP {status}")
