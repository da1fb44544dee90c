"""Industry becomes GB/T 4754-2017 (step 1 of 3): the new fields beside the old ones.

0007 moves today's enterprises and clusters to the standard's entries; 0008 drops the old
fields (is_core, name_en) and narrows the code to the standard's form.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reform", "0006_data_version"),
    ]

    operations = [
        migrations.AlterField(
            model_name="industry",
            name="code",
            field=models.CharField(max_length=40, unique=True, verbose_name="code"),
        ),
        migrations.AlterField(
            model_name="industry",
            name="name",
            field=models.CharField(max_length=100, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="industry",
            name="level",
            field=models.CharField(
                choices=[
                    ("section", "section"),
                    ("division", "division"),
                    ("group", "group"),
                    ("class", "class"),
                ],
                # In the database too: a migration test that goes back before pilots 0008
                # creates industries with an older model that does not know the field.
                db_default="",
                default="",
                max_length=10,
                verbose_name="level",
            ),
        ),
        migrations.AddField(
            model_name="industry",
            name="parent",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="children",
                to="reform.industry",
                verbose_name="parent",
            ),
        ),
        migrations.CreateModel(
            name="IndustrySynonym",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.CharField(max_length=100, verbose_name="text")),
                ("key", models.CharField(editable=False, max_length=100, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                (
                    "industry",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="synonyms",
                        to="reform.industry",
                        verbose_name="industry",
                    ),
                ),
            ],
            options={
                "verbose_name": "industry synonym",
                "verbose_name_plural": "industry synonyms",
                "ordering": ["key"],
            },
        ),
    ]
