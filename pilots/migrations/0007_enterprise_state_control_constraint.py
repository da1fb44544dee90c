from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("pilots", "0006_ownership_groups"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='enterprise',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('ownership', 'mixed'), ('state_controls__isnull', False)), models.Q(models.Q(('ownership', 'mixed'), _negated=True), ('state_controls__isnull', True)), _connector='OR'), name='enterprise_state_control_only_for_mixed'),
        ),
    ]
