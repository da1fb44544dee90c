"""Existing ownership values move into the three groups of DESIGN.md without loss.

Before, the make-up counted 国有 and 国有控股 as state-owned and everything else as non-public.
Now the group follows the kind, and a mixed-ownership enterprise's group follows a yes/no: does
the state control it?

Forward:
- `mixed` keeps its kind and gets the answer "no" (state_controls = False): that is how every
  figure counted it so far (non-public). Nobody told the site otherwise; where the state does
  control one, its county changes the answer on the enterprise's page and it moves to
  state-owned.
- `other` stays `other`: the kind is kept as the user gave it. Its group is non-public, as it
  was counted before, and as the definition says (non-public = neither state nor collective).
- Every other kind stays as it is; `collective` now forms its own group instead of being
  counted as non-public (DESIGN.md: collective enterprises are public ownership).
- History rows keep what was recorded then (no answer for mixed ownership).

Reverse (the old choices have no 港澳台投资, 个体 or state-control answer): a mixed-ownership
enterprise the state controls becomes `state_controlled`, so it stays state-owned in the old
figures; `hk_macao_taiwan` becomes `foreign` (the old import read 港澳台 as foreign-invested) and
`individual` becomes `private` — each into the old kind that counted it the same way.
"""

from django.db import migrations

REVERSE_KINDS = {"hk_macao_taiwan": "foreign", "individual": "private"}


def forward(apps, schema_editor):
    Enterprise = apps.get_model("pilots", "Enterprise")
    Enterprise.objects.filter(ownership="mixed", state_controls__isnull=True).update(
        state_controls=False
    )
    Enterprise.objects.exclude(ownership="mixed").exclude(state_controls=None).update(
        state_controls=None
    )


def backward(apps, schema_editor):
    for name in ("Enterprise", "HistoricalEnterprise"):
        model = apps.get_model("pilots", name)
        model.objects.filter(ownership="mixed", state_controls=True).update(
            ownership="state_controlled"
        )
        for new, old in REVERSE_KINDS.items():
            model.objects.filter(ownership=new).update(ownership=old)
        model.objects.update(state_controls=None)


class Migration(migrations.Migration):
    dependencies = [
        ("pilots", "0005_enterprise_state_controls"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
