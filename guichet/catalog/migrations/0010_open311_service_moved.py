"""Open311Service moves from the `api` door down to the catalog, which the back office's
designer may import: the same table (api_open311service), only Django's state changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0009_reply_templates"),
        ("api", "0002_open311"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Open311Service",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "group",
                            models.CharField(blank=True, max_length=100, verbose_name="groupe"),
                        ),
                        (
                            "keywords",
                            models.CharField(blank=True, max_length=300, verbose_name="mots-clés"),
                        ),
                        (
                            "procedure",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="open311",
                                to="catalog.procedure",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "service Open311",
                        "verbose_name_plural": "services Open311",
                        "db_table": "api_open311service",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
