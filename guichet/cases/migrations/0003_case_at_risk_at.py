import datetime
from zoneinfo import ZoneInfo

from django.db import migrations, models

from guichet.lib.business_days import add_business_days


def fill_at_risk_at(apps, schema_editor):
    """Open cases filed before the field existed: at risk 3 business days before their due
    date (the default), or their version's own at_risk_days."""
    Case = apps.get_model("cases", "Case")
    paris = ZoneInfo("Europe/Paris")
    cases = Case.objects.exclude(category="closed").filter(
        due_at__isnull=False, at_risk_at__isnull=True
    )
    for case in cases.select_related("version").iterator(chunk_size=1000):
        deadline = case.version.deadline if isinstance(case.version.deadline, dict) else {}
        days = deadline.get("at_risk_days", 3) if deadline.get("days") else 3
        alsace_moselle = bool(deadline.get("alsace_moselle", False))
        due = case.due_at.astimezone(paris).date()
        start = add_business_days(due, -days, alsace_moselle)
        case.at_risk_at = datetime.datetime.combine(start, datetime.time.min, tzinfo=paris)
        case.save(update_fields=["at_risk_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="at_risk_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="échéance proche à partir du"
            ),
        ),
        migrations.RunPython(fill_at_risk_at, migrations.RunPython.noop),
    ]
