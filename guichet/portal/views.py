"""The citizen portal: its home page and the citizen's space (their requests, profile,
personal data, account deletion).

The other pages live by topic: filing a request (filing_views.py), following it with its
tracking code (tracking_views.py), information pages and search (info.py), mandates
(mandates.py), appointments (appointments.py), satisfaction surveys (satisfaction_views.py).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guichet.accounts.deletion import DeleteAccountForm, delete_account
from guichet.accounts.export import personal_data_zip
from guichet.accounts.profile import ProfileForm
from guichet.cases.external import demands_of_citizen
from guichet.cases.models import Attachment, Case, Draft, Message
from guichet.catalog.models import Procedure, ProcedureVersion, Theme

from ._common import _needs_organization, _see_other
from .forms import TrackingLookupForm
from .info import navigation

# The requests "my space" lists, the latest first.
# The citizen's cases are shown by pages of this many (a frequent filer has thousands).
MY_SPACE_PAGE_SIZE = 50
# Demands handled by other systems: the most recent ones only.
MY_SPACE_LIMIT = 200


@require_GET
@_needs_organization
def home(request):
    procedures = (
        Procedure.objects.for_organization(request.organization)
        .published()
        .only("title", "slug", "summary", "theme")
        .order_by("title")
    )
    by_theme = {}
    for procedure in procedures:
        theme = procedure.theme if procedure.theme in Theme.values else Theme.GENERAL
        by_theme.setdefault(theme, []).append(procedure)
    info = navigation(request.organization)
    themes = [
        {"code": code, "label": label, "procedures": by_theme.get(code, [])}
        for code, label in Theme.choices
        if code in by_theme or code in info["themes_with_pages"]
    ]
    return render(
        request,
        "portal/home.html",
        {"themes": themes, "lookup_form": TrackingLookupForm(), **info},
    )


@require_GET
@_needs_organization
def accessibility(request):
    """The accessibility statement (déclaration d'accessibilité) that RGAA requires."""
    return render(request, "portal/accessibility.html")


@require_GET
@_needs_organization
def my_space(request):
    """A signed-in citizen's requests and drafts in this organization."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("account_login"))
    # Counted per case shown (a subquery run after the sort and the limit), not by grouping
    # every case of the citizen before the limit: a frequent filer has thousands.
    unread = Coalesce(
        Subquery(
            Message.objects.filter(case=OuterRef("pk"), from_citizen=False, read_at=None)
            .values("case")
            .annotate(count=Count("pk"))
            .values("count")
        ),
        0,
    )
    mine = Case.objects.for_organization(request.organization).filter(citizen=request.user)
    # An unknown or out-of-range page number shows the first or the last page.
    # The rows without the JSON documents they do not show (the answers; the procedure's
    # form, workflow, deadline, routing and templates): its title and translations only.
    page = Paginator(
        mine.select_related("procedure")
        .defer(
            "data",
            "procedure__fields",
            "procedure__workflow",
            "procedure__deadline",
            "procedure__routing",
            "procedure__templates",
        )
        .annotate(unread=unread)
        .order_by("-created_at", "-pk"),
        MY_SPACE_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    cases = list(page.object_list)
    # Every unread answer, on any page (a partial index holds only the unread ones).
    unread_total = Message.objects.filter(case__in=mine, from_citizen=False, read_at=None).count()
    documents = (
        Attachment.objects.filter(case__in=[case.pk for case in cases])
        .exclude(generated_from="")
        .select_related("case")
        .order_by("-created_at")
    )
    # Each case's state in its version's words: each version on the page read once.
    versions = ProcedureVersion.objects.filter(pk__in={case.version_id for case in cases})
    workflows = {
        version.pk: version.get_workflow() for version in versions.only("workflow", "translations")
    }
    for case in cases:
        case.state_label = workflows[case.version_id].state(case.state).label
    drafts = (
        Draft.objects.for_organization(request.organization)
        .filter(citizen=request.user, procedure__current_version__isnull=False)
        .select_related("procedure")
        .order_by("-updated_at")
    )
    response = render(
        request,
        "portal/my_space.html",
        {
            "cases": cases,
            # Demands other systems handle for them, beside Guichet's own (cases/external.py).
            "external_demands": demands_of_citizen(
                request.organization, request.user, limit=MY_SPACE_LIMIT
            ),
            "drafts": drafts,
            "documents": documents,
            "unread": unread_total,
            "page_obj": page,
        },
    )
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
@_needs_organization
def my_profile(request):
    """The citizen's name, phone and language (the site's, and their e-mails')."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("account_login"))
    status = 200
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            user = form.save()
            translation.activate(user.language)
            messages.success(request, _("Votre profil est enregistré."))
            response = _see_other(reverse("portal:my_space"))
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax", httponly=True
            )
            return response
        status = 400
    else:
        form = ProfileForm(instance=request.user)
    response = render(request, "portal/my_profile.html", {"form": form}, status=status)
    add_never_cache_headers(response)
    return response


@require_GET
@_needs_organization
def my_data(request):
    """What the citizen's data holds, and the button to download it."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("account_login"))
    response = render(request, "portal/my_data.html")
    add_never_cache_headers(response)
    return response


@require_POST
@_needs_organization
def my_data_download(request):
    """The citizen's data as a zip (a POST: no link prefetch ever builds one)."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("portal:my_data"), reverse("account_login"))
    archive = personal_data_zip(request.user)
    name = f"mes-donnees-{timezone.localdate():%Y-%m-%d}.zip"
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, name)
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
@_needs_organization
def delete_my_account(request):
    """Says what deleting the account does, then does it once the password confirms it."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("account_login"))
    user = request.user
    if user.memberships.exists():
        # An agent's account carries their work: an administrator removes it.
        messages.error(request, _("Un compte d'agent se supprime auprès d'un administrateur."))
        return _see_other(reverse("portal:my_space"))
    status = 200
    if request.method == "POST":
        form = DeleteAccountForm(request.POST, user=user)
        if form.is_valid():
            delete_account(user)
            logout(request)
            messages.success(request, _("Votre compte est supprimé."))
            return _see_other(reverse("portal:home"))
        status = 400
    else:
        form = DeleteAccountForm(user=user)
    open_cases = Case.objects.filter(citizen=user).open()
    erased_at_once = open_cases.filter(organization__open_cases_on_erasure="erase").count()
    response = render(
        request,
        "portal/delete_account.html",
        {
            "form": form,
            "open_count": open_cases.count() - erased_at_once,
            "erased_at_once": erased_at_once,
        },
        status=status,
    )
    add_never_cache_headers(response)
    return response
