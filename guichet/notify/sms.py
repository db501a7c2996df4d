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
import unicodedata
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)

# Three concatenated SMS at most; the notices are written to fit in one or two.
MAX_LENGTH = 459


# GSM 03.38: the 7-bit alphabet of a text message (160 characters in one SMS), and its
# extension table, whose characters take two. One character outside them turns the whole
# message into UCS-2, 70 characters an SMS.
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")
GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67
# Typography that has a plain GSM equivalent.
_GSM_LOOKALIKES = str.maketrans(
    {
        "\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "«": '"', "»": '"',
        "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u00a0": " ", "\u202f": " ",
    }
)  # fmt: skip


def gsm_text(text: str) -> str:
    """`text` in the GSM alphabet where it can be: the accents GSM lacks dropped (ô -> o,
    ç -> c; é, è, à stay), typographic quotes and dashes made plain. A character with no
    such equivalent is kept (the message then goes as UCS-2)."""
    out = []
    for char in text.translate(_GSM_LOOKALIKES):
        if char in GSM_BASIC or char in GSM_EXTENSION:
            out.append(char)
            continue
        plain = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        out.append(plain if plain and all(c in GSM_BASIC for c in plain) else char)
    return "".join(out)


def sms_size(text: str) -> tuple[int, int, bool]:
    """(characters as the network counts them, SMS it takes, whether it is GSM 7-bit)."""
    if all(char in GSM_BASIC or char in GSM_EXTENSION for char in text):
        length = sum(2 if char in GSM_EXTENSION else 1 for char in text)
        single, part, gsm = GSM_SINGLE, GSM_PART, True
    else:
        length = len(text.encode("utf-16-le")) // 2
        single, part, gsm = UCS2_SINGLE, UCS2_PART, False
    parts = 1 if length <= single else -(-length // part)
    return length, parts, gsm


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
