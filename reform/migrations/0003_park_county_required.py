import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reform", "0002_park_county_from_enterprises"),
    ]

    operations = [
        migrations.AlterField(
            model_name="park",
            name="county",
            field=models.ForeignKey(
                limit_choices_to={"level": "county"},
                on_delete=django.db.models.deletion.PROTECT,
                related_name="parks",
                to="reform.region",
                verbose_name="county-level unit",
            ),
        ),
    ]
