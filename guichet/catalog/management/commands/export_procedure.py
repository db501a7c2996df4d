"""`guichet export_procedure ORG PROCEDURE [-o file.json]`: a procedure as a JSON document."""

from django.core.management.base import BaseCommand, CommandError

from guichet.catalog.exchange import dumps, export_procedure
from guichet.catalog.models import Procedure
from guichet.organization.models import Organization


def get_organization(slug: str) -> Organization:
    """The organization named by its slug, or a CommandError that lists the known ones."""
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None:
        known = (
            ", ".join(Organization.objects.order_by("slug").values_list("slug", flat=True))
            or "none yet"
        )
        raise CommandError(f"No organization with the slug '{slug}'. Known: {known}.")
    return organization


class Command(BaseCommand):
    help = (
        "Export a procedure (its form, workflow, deadline, routing rules, templates and the "
        "services they name) as a JSON document that import_procedure reads."
    )

    def add_arguments(self, parser):
        parser.add_argument("organization", help="The organization's slug, e.g. demoville.")
        parser.add_argument("procedure", help="The procedure's slug, e.g. signaler-voirie.")
        parser.add_argument(
            "-o", "--output", help="Write to this file instead of the standard output."
        )

    def handle(self, *args, organization: str, procedure: str, output: str | None, **options):
        org = get_organization(organization)
        found = Procedure.objects.filter(organization=org, slug=procedure).first()
        if found is None:
            known = ", ".join(
                Procedure.objects.filter(organization=org)
                .order_by("slug")
                .values_list("slug", flat=True)
            )
            raise CommandError(
                f"No procedure '{procedure}' in {org.slug}. Known: {known or 'none yet'}."
            )
        text = dumps(export_procedure(found))
        if not output or output == "-":
            self.stdout.write(text, ending="")
            return
        try:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        self.stderr.write(f"Exported '{found.title}' to {output}.")
