"""Throw-away cases for `guichet bench` (backoffice/management/commands/bench.py): rows
written in bulk, without journal, notifications or search entries, inside the benchmark's
transaction that is rolled back. Never for real data: real cases are filed by the actions."""

import datetime

from django.utils import timezone

from .models import Case

BATCH = 5000


def create_benchmark_cases(*, procedure, count: int) -> None:
    now = timezone.now()
    batch = []
    for number in range(count):
        batch.append(
            Case(
                organization_id=procedure.organization_id,
                procedure=procedure,
                version=procedure.current_version,
                reference=f"BE-{number:08d}",
                tracking_code=f"BENCH{number:011d}",
                data={"description": f"Nid-de-poule numéro {number}"},
                state="new",
                category="new",
                service_id=procedure.service_id,
                contact_name=f"Habitant {number}",
                contact_email=f"habitant{number}@example.test",
                contact_phone="+33612345678",
                channel="web",
                created_at=now - datetime.timedelta(minutes=number),
                due_at=now + datetime.timedelta(days=number % 30),
                # Every other case placed in a town of about 10 by 15 km, for the map.
                latitude=48.80 + (number % 1000) / 10000 if number % 2 else None,
                longitude=2.25 + (number // 1000 % 150) / 1000 if number % 2 else None,
            )
        )
        if len(batch) == BATCH:
            Case.objects.bulk_create(batch)
            batch = []
    Case.objects.bulk_create(batch)
