"""Ownership kinds 港澳台投资 and 个体, and the state-control answer of mixed ownership.

The data move is 0006, the constraint that needs it 0007 (PostgreSQL refuses to alter a table
with pending trigger events in the same transaction as the update).
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('pilots', '0004_import_batch_link_counts'),
        ('reform', '0003_park_county_required'),
    ]

    operations = [
        migrations.AddField(
            model_name='enterprise',
            name='state_controls',
            field=models.BooleanField(blank=True, help_text='For a mixed-ownership enterprise: yes if state capital controls it (it then counts as state-owned), no if not (non-public).', null=True, verbose_name='state holds control'),
        ),
        migrations.AddField(
            model_name='historicalenterprise',
            name='state_controls',
            field=models.BooleanField(blank=True, help_text='For a mixed-ownership enterprise: yes if state capital controls it (it then counts as state-owned), no if not (non-public).', null=True, verbose_name='state holds control'),
        ),
        migrations.AlterField(
            model_name='enterprise',
            name='ownership',
            field=models.CharField(choices=[('state_owned', 'state-owned'), ('state_controlled', 'state-controlled'), ('mixed', 'mixed ownership'), ('collective', 'collective'), ('private', 'private'), ('foreign', 'foreign-invested'), ('hk_macao_taiwan', 'Hong Kong, Macao or Taiwan invested'), ('individual', 'individual business'), ('other', 'other')], help_text='State-owned and state-controlled enterprises count as state-owned, collective ones as collective, all others as non-public; mixed ownership by whether the state controls it.', max_length=20, verbose_name='ownership'),
        ),
        migrations.AlterField(
            model_name='historicalenterprise',
            name='ownership',
            field=models.CharField(choices=[('state_owned', 'state-owned'), ('state_controlled', 'state-controlled'), ('mixed', 'mixed ownership'), ('collective', 'collective'), ('private', 'private'), ('foreign', 'foreign-invested'), ('hk_macao_taiwan', 'Hong Kong, Macao or Taiwan invested'), ('individual', 'individual business'), ('other', 'other')], help_text='State-owned and state-controlled enterprises count as state-owned, collective ones as collective, all others as non-public; mixed ownership by whether the state controls it.', max_length=20, verbose_name='ownership'),
        ),
    ]
