"""Routing: which service receives a new case (docs/procedures.md, `routing`).

A version's `routing` is an ordered list of rules; the first that matches gives the service,
else the procedure's own service. A rule holds one or more of:

- `service`: a service slug of the organization;
- `when`: a condition on the answers;
- `location: true`: the case's point must lie in a service's area — the named service's, or
  without `service`, the first service of the organization (by name) whose area holds it;
- `area`: a zone of the rule's own (GeoJSON Polygon or MultiPolygon, drawn in the designer)
  that must hold the case's point; such a rule names its `service`.

A rule matches when all it holds is true; a rule with a `service` and nothing else always
matches. Publication refuses rules that name an unknown service (`routing_errors`).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from guichet.lib.geo import area_contains, area_errors
from guichet.organization.models import Service

from .conditions import evaluate_condition
from .formschema import condition_errors

RULE_KEYS = {"service", "when", "location", "area"}
DEFAULT = "default"


@dataclass(frozen=True)
class RouteDecision:
    """The service a case goes to, and why: the index of the rule that matched (from 0), or
    "default" when none did; and the case's sector (`area`): the first service by name whose
    area holds its point, whoever handles it (the statistics count cases by it), or None."""

    service: Service
    rule: int | str
    area: Service | None = None


class _Services:
    """The organization's services that the rules need, each set read once, and only if a
    rule gets that far."""

    def __init__(self, organization, rules):
        self.organization = organization
        self.slugs = {
            rule["service"]
            for rule in rules
            if isinstance(rule, dict) and isinstance(rule.get("service"), str)
        }
        self._named = None
        self._located = None

    def named(self, slug: str) -> Service | None:
        if self._named is None:
            self._named = {
                service.slug: service
                for service in Service.objects.filter(
                    organization=self.organization, slug__in=self.slugs
                )
            }
        return self._named.get(slug)

    def with_area(self) -> list[Service]:
        if self._located is None:
            self._located = list(
                Service.objects.filter(organization=self.organization, area__isnull=False).order_by(
                    "name", "pk"
                )
            )
        return self._located


def _match(rule, services: _Services, answers, latitude, longitude) -> Service | None:
    if not isinstance(rule, dict):
        return None
    if "when" in rule and not evaluate_condition(rule["when"] or {}, answers):
        return None
    if "area" in rule and not area_contains(rule["area"], latitude=latitude, longitude=longitude):
        return None
    slug = rule.get("service")
    located = rule.get("location") is True
    if slug:
        service = services.named(slug) if isinstance(slug, str) else None
        if service is None:
            # Published before the service was renamed or deleted: skip the rule.
            return None
        if located and not area_contains(service.area, latitude=latitude, longitude=longitude):
            return None
        return service
    if located:
        return _area_of(services, latitude, longitude)
    return None


def _area_of(services: _Services, latitude, longitude) -> Service | None:
    if latitude is None or longitude is None:
        return None
    return next(
        (
            service
            for service in services.with_area()
            if area_contains(service.area, latitude=latitude, longitude=longitude)
        ),
        None,
    )


def decide_route(
    *, version, organization, answers: dict, latitude, longitude, default_service: Service
) -> RouteDecision:
    """The service that receives a case filed against `version`, and the rule that chose it."""
    rules = version.routing or []
    if not isinstance(rules, list):
        rules = []
    services = _Services(organization, rules)
    area = _area_of(services, latitude, longitude)
    for index, rule in enumerate(rules):
        service = _match(rule, services, answers, latitude, longitude)
        if service is not None:
            return RouteDecision(service, index, area)
    return RouteDecision(default_service, DEFAULT, area)


def route_case(
    *, version, organization, answers: dict, latitude, longitude, default_service: Service
) -> Service:
    """The service that receives a case filed against `version` (see `decide_route`)."""
    return decide_route(
        version=version,
        organization=organization,
        answers=answers,
        latitude=latitude,
        longitude=longitude,
        default_service=default_service,
    ).service


# --- Validation, at publication -------------------------------------------------------------


def routing_errors(rules, *, organization, fields) -> list[str]:
    """What keeps these routing rules from being published, as French sentences."""
    if rules in (None, []):
        return []
    if not isinstance(rules, list):
        return [_("Les règles d'orientation doivent former une liste.")]
    fields = fields if isinstance(fields, list) else []
    errors, slugs = [], {}
    for number, rule in enumerate(rules, start=1):
        where = _("Règle d'orientation n° %(n)s") % {"n": number}
        if not isinstance(rule, dict):
            errors.append(_("%(where)s : une règle doit être un objet.") % {"where": where})
            continue
        unknown = sorted(set(rule) - RULE_KEYS, key=str)
        if unknown:
            errors.append(
                _("%(where)s : clé inconnue « %(key)s » (service, when, location, area).")
                % {"where": where, "key": unknown[0]}
            )
        if "location" in rule and not isinstance(rule["location"], bool):
            errors.append(_("%(where)s : « location » vaut true ou false.") % {"where": where})
        slug = rule.get("service")
        if slug is not None and (not isinstance(slug, str) or not slug):
            errors.append(
                _("%(where)s : « service » doit être le nom court d'un service.") % {"where": where}
            )
        elif slug:
            slugs.setdefault(slug, where)
        elif "area" in rule:
            errors.append(
                _("%(where)s : une règle avec une zone désigne le service qui la reçoit.")
                % {"where": where}
            )
        elif rule.get("location") is not True:
            errors.append(
                _("%(where)s : la règle ne désigne ni un service ni la localisation.")
                % {"where": where}
            )
        if "when" in rule:
            errors += condition_errors(rule["when"], fields, where)
        if "area" in rule:
            errors += [
                _("%(where)s, zone : %(error)s") % {"where": where, "error": error}
                for error in area_errors(rule["area"])
            ]
    if slugs:
        known = set(
            Service.objects.filter(organization=organization, slug__in=slugs).values_list(
                "slug", flat=True
            )
        )
        for slug, where in slugs.items():
            if slug not in known:
                errors.append(
                    _("%(where)s : le service « %(slug)s » n'existe pas dans cette organisation.")
                    % {"where": where, "slug": slug}
                )
    return errors
