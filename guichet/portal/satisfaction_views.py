"""The satisfaction survey of a closed case, opened by the signed link of its invitation
(guichet/cases/satisfaction.py): no login, works without JavaScript. A link altered or
pointing elsewhere gets a 400 page, an expired one a 410 page; answering again replaces the
previous answer."""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from guichet.cases.satisfaction import (
    MAX_COMMENT_LENGTH,
    ExpiredLink,
    InvalidLink,
    record_rating,
    survey_from_token,
)
from guichet.core.http import see_other

RATING_CHOICES = [
    ("5", gettext_lazy("5 — Très satisfait")),
    ("4", gettext_lazy("4 — Satisfait")),
    ("3", gettext_lazy("3 — Moyennement satisfait")),
    ("2", gettext_lazy("2 — Peu satisfait")),
    ("1", gettext_lazy("1 — Pas du tout satisfait")),
]


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Votre note"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choisissez une note de 1 à 5.")},
    )
    comment = forms.CharField(
        label=gettext_lazy("Votre commentaire"),
        required=False,
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "Facultatif. Ce qui vous a aidé ou gêné ; n'y mettez pas de données personnelles."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="satisfaction_%s", **kwargs)


def _survey_or_error_page(request, token):
    """(survey, None), or (None, the 4xx page to answer)."""
    if request.organization is None:
        raise Http404
    try:
        return survey_from_token(token, request.organization), None
    except ExpiredLink:
        page = render(request, "portal/satisfaction_invalid.html", {"expired": True}, status=410)
    except InvalidLink:
        page = render(request, "portal/satisfaction_invalid.html", {"expired": False}, status=400)
    add_never_cache_headers(page)
    return None, page


@require_http_methods(["GET", "POST"])
def satisfaction(request, token):
    survey, error_page = _survey_or_error_page(request, token)
    if error_page is not None:
        return error_page
    status = 200
    if request.method == "POST":
        form = RatingForm(request.POST)
        if form.is_valid():
            record_rating(
                survey=survey,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
            return see_other(reverse("portal:satisfaction_thanks", args=[token]))
        status = 400
    elif survey.answered_at:
        form = RatingForm(initial={"rating": str(survey.rating), "comment": survey.comment})
    else:
        form = RatingForm()
    response = render(
        request,
        "portal/satisfaction_form.html",
        {"survey": survey, "case": survey.case, "form": form},
        status=status,
    )
    add_never_cache_headers(response)
    return response


@require_GET
def satisfaction_thanks(request, token):
    survey, error_page = _survey_or_error_page(request, token)
    if error_page is not None:
        return error_page
    response = render(
        request,
        "portal/satisfaction_thanks.html",
        {"survey": survey, "case": survey.case, "token": token},
    )
    add_never_cache_headers(response)
    return response
