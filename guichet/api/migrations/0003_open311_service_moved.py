"""Open311Service now lives in the catalog (catalog/0010): the table stays, only Django's
state of the `api` app forgets the model."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_open311"),
        ("catalog", "0010_open311_service_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Open311Service")],
            database_operations=[],
        ),
    ]
