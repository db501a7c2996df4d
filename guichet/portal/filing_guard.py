"""What stops the portal from being used as an e-mail relay or flooded by robots.

Each request filed on the portal sends an acknowledgement to an address the visitor chose.
So filings are counted per client (its address, or its account when signed in) and per
address that receives the acknowledgement; a honeypot field and a minimum fill time turn
away the robots that fill every field at once. A refusal files nothing and keeps the draft.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from guichet.core.ratelimit import client_key, hit, is_limited

logger = logging.getLogger(__name__)

# The name of the hidden field that people never see and robots fill in.
HONEYPOT_FIELD = "website"
FILING_RATE_WINDOW = 3600  # seconds


@dataclass
class Refusal:
    message: str
    status: int
    retry_after: int | None = None


def _client_key(request) -> tuple[str, int]:
    if request.user.is_authenticated:
        return f"filing:user:{request.user.pk}", settings.GUICHET_SUBMISSION_RATE_LIMIT_SIGNED_IN
    return f"filing:ip:{client_key(request)}", settings.GUICHET_SUBMISSION_RATE_LIMIT


def _destination_key(request, email: str) -> str | None:
    """The counter of acknowledgements sent to `email`; none for a signed-in citizen's own
    account address (they cannot relay to themselves)."""
    email = (email or "").strip().lower()
    if not email:
        return None
    if request.user.is_authenticated and email == (request.user.email or "").lower():
        return None
    return f"filing:to:{email}"


def filing_refusal(request, draft, email: str) -> Refusal | None:
    """Why this filing is refused, if it is."""
    if request.POST.get(HONEYPOT_FIELD):
        logger.info("Filing refused: honeypot filled (%s)", client_key(request))
        # Quietly: nothing tells a robot which of its answers gave it away.
        return Refusal(_("Votre demande n'a pas pu être envoyée. Réessayez plus tard."), 400)
    elapsed = (timezone.now() - draft.created_at).total_seconds()
    if elapsed < settings.GUICHET_SUBMISSION_MIN_SECONDS:
        logger.info("Filing refused: sent %.1f s after the form began", elapsed)
        return Refusal(
            _(
                "Votre demande a été envoyée trop vite après le début du formulaire. "
                "Vérifiez vos réponses, puis envoyez-la de nouveau."
            ),
            400,
        )
    key, limit = _client_key(request)
    if is_limited(key, limit=limit):
        return Refusal(
            _(
                "Trop de demandes ont été envoyées depuis votre connexion en une heure. "
                "Votre brouillon est enregistré : réessayez plus tard."
            ),
            429,
            FILING_RATE_WINDOW,
        )
    destination = _destination_key(request, email)
    if destination and is_limited(destination, limit=settings.GUICHET_ACKNOWLEDGEMENT_RATE_LIMIT):
        return Refusal(
            _(
                "Trop de demandes ont été envoyées à cette adresse e-mail en une heure. "
                "Votre brouillon est enregistré : réessayez plus tard."
            ),
            429,
            FILING_RATE_WINDOW,
        )
    return None


def count_filing(request, email: str) -> None:
    """Counts a request filed: against its client and the address acknowledged."""
    key, limit = _client_key(request)
    hit(key, limit=limit, window=FILING_RATE_WINDOW)
    destination = _destination_key(request, email)
    if destination:
        hit(
            destination,
            limit=settings.GUICHET_ACKNOWLEDGEMENT_RATE_LIMIT,
            window=FILING_RATE_WINDOW,
        )
