"""`guichet import_procedure ORG file.json [--publish]`: a procedure from a JSON document."""

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from guichet.catalog.exchange import import_procedure, parse_document
from guichet.organization.models import Service

from .export_procedure import get_organization


class Command(BaseCommand):
    help = (
        "Import a procedure exported by export_procedure into an organization, as a draft "
        "(or published with --publish). Services are matched by slug; missing ones are created."
    )

    def add_arguments(self, parser):
        parser.add_argument("organization", help="The organization's slug, e.g. demoville.")
        parser.add_argument("file", help="The JSON document, or - for the standard input.")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the procedure at once (it opens to requests).",
        )

    def handle(self, *args, organization: str, file: str, publish: bool, **options):
        org = get_organization(organization)
        try:
            if file == "-":
                raw = sys.stdin.buffer.read()
            else:
                with open(file, "rb") as handle:
                    raw = handle.read()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        before = set(Service.objects.filter(organization=org).values_list("slug", flat=True))
        try:
            procedure = import_procedure(
                organization=org, document=parse_document(raw), publish=publish
            )
        except ValidationError as error:
            problems = "\n".join(f"  - {message}" for message in error.messages)
            raise CommandError(f"{file} was not imported:\n{problems}") from None
        created = sorted(
            set(Service.objects.filter(organization=org).values_list("slug", flat=True)) - before
        )
        state = (
            f"published as version {procedure.current_version.number}"
            if publish
            else "as a draft (publish it from the back office, or import again with --publish)"
        )
        self.stdout.write(
            f"Imported '{procedure.title}' into {org.slug} as '{procedure.slug}', {state}."
        )
        if created:
            self.stdout.write(f"Created the services: {', '.join(created)}.")
