"""Satisfaction: when a case closes, its citizen is invited once to rate it (1 to 5, and a
comment) through a signed link that needs no login; supervisors read the results by
procedure and service.

The invitation e-mail is written by the notification outbox (guichet/notify/satisfaction.py,
a journal subscriber), which calls `open_survey` here: the survey row is unique per case, so
a case reopened and closed again is not asked twice.
"""

from django.conf import settings
from django.core import signing
from django.db.models import Avg, Count, Q
from django.utils import timezone

from .actions import domain_action
from .models import Case, SatisfactionSurvey

SALT = "guichet.satisfaction"
RATINGS = (1, 2, 3, 4, 5)
MAX_COMMENT_LENGTH = 2000


class InvalidLink(Exception):
    """A survey link that was altered, or that points at nothing."""


class ExpiredLink(Exception):
    """A survey link older than GUICHET_SATISFACTION_LINK_DAYS."""


@domain_action
def open_survey(*, case: Case) -> SatisfactionSurvey | None:
    """The survey of a case that just closed, made once: None when the case has one already
    or nobody to ask (no e-mail address)."""
    if not case.contact_email:
        return None
    survey, created = SatisfactionSurvey.objects.get_or_create(
        case=case, defaults={"email": case.contact_email}
    )
    return survey if created else None


@domain_action
def record_rating(*, survey: SatisfactionSurvey, rating: int, comment: str = "") -> None:
    """The citizen's answer; answering again replaces the previous one."""
    if rating not in RATINGS:
        raise ValueError(f"rating {rating!r} is not between 1 and 5")
    survey.rating = rating
    survey.comment = (comment or "").strip()[:MAX_COMMENT_LENGTH]
    survey.answered_at = timezone.now()
    survey.save(update_fields=["rating", "comment", "answered_at"])


def survey_token(survey: SatisfactionSurvey) -> str:
    """The secret of the survey's link: its id, signed with SECRET_KEY and timed."""
    return signing.dumps(survey.pk, salt=SALT)


def survey_from_token(token: str, organization) -> SatisfactionSurvey:
    """The survey a link opens, in this organization; InvalidLink or ExpiredLink else."""
    max_age = settings.GUICHET_SATISFACTION_LINK_DAYS * 86400
    try:
        pk = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise ExpiredLink from error
    except signing.BadSignature as error:
        raise InvalidLink from error
    survey = (
        SatisfactionSurvey.objects.select_related("case", "case__procedure", "case__organization")
        .filter(pk=pk, case__organization=organization)
        .first()
        if isinstance(pk, int)
        else None
    )
    if survey is None:
        raise InvalidLink
    return survey


def answered(organization, services=None):
    """The answered surveys of an organization's cases (of some services only, if given)."""
    surveys = SatisfactionSurvey.objects.filter(
        case__organization=organization, answered_at__isnull=False
    )
    if services is not None:
        surveys = surveys.filter(case__service__in=services)
    return surveys


def _figures(rows) -> list[dict]:
    result = []
    for row in rows:
        row["distribution"] = [row.pop(f"r{rating}") for rating in RATINGS]
        result.append(row)
    return result


def _aggregates():
    return {
        "count": Count("pk"),
        "average": Avg("rating"),
        **{f"r{rating}": Count("pk", filter=Q(rating=rating)) for rating in RATINGS},
    }


def results_by_procedure(surveys) -> list[dict]:
    """Count, average and distribution (count of each rating) per procedure: one query."""
    rows = (
        surveys.values("case__procedure_id", "case__procedure__title", "case__service__name")
        .annotate(**_aggregates())
        .order_by("case__procedure__title", "case__procedure_id", "case__service__name")
    )
    return _figures(rows)


def results_by_service(surveys) -> list[dict]:
    """The same per service: one query."""
    rows = (
        surveys.values("case__service_id", "case__service__name")
        .annotate(**_aggregates())
        .order_by("case__service__name", "case__service_id")
    )
    return _figures(rows)


def latest_comments(surveys, limit: int = 10):
    return (
        surveys.exclude(comment="")
        .select_related("case", "case__procedure")
        .order_by("-answered_at", "-pk")[:limit]
    )
