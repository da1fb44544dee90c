"""Industry becomes GB/T 4754-2017 (step 2 of 3): today's enterprises and clusters move.

Each of the 23 names of the old home-made list goes to the GB/T 4754-2017 entry that says the
same (a class, division or section: no narrower than the old name meant), and the five core
industries of the work plan, which cut across the standard, also to the core-industry tag.
"其他服务业" says only "tertiary", which no single entry says: those enterprises keep the text
and are 待归类 until an administrator classes them. An old code not in the list (data made
elsewhere) is treated the same way: its name is kept as typed, nothing is guessed.

The entries needed are created from fixtures/gbt4754_2017.csv with their ancestors (only when
there is something to move); `manage.py load_reference` adds the rest of the standard.
"""

import csv
from pathlib import Path

from django.db import migrations

# old code: (old name, GB/T 4754-2017 code or None, core-industry tag or "")
MAPPING = {
    "petrochemicals": ("石化", "26", "petrochemicals"),  # 化学原料和化学制品制造业
    "new_medicine": ("新医药", "27", "new_medicine"),  # 医药制造业
    "new_materials": ("新材料", "C", "new_materials"),  # 制造业: spans 26, 30, 32, …
    "new_energy": ("新能源", "C", "new_energy"),  # 制造业: PV, wind, batteries
    "high_end_equipment": ("高端装备制造", "C", "high_end_equipment"),  # 制造业: 34–38
    "agriculture": ("种植养殖业", "A", ""),  # 农、林、牧、渔业 (farming and husbandry)
    "fungi": ("食用菌种植", "0142", ""),  # 食用菌种植
    "fishery": ("渔业", "04", ""),  # 渔业
    "agri_processing": ("农副产品加工", "13", ""),  # 农副食品加工业
    "food": ("食品制造", "14", ""),  # 食品制造业
    "crystal_silicon": ("水晶及硅材料加工", "30", ""),  # 非金属矿物制品业
    "textiles": ("纺织服装", "18", ""),  # 纺织服装、服饰业
    "electronics": ("电子信息制造", "39", ""),  # 计算机、通信和其他电子设备制造业
    "machinery": ("通用机械制造", "34", ""),  # 通用设备制造业
    "construction": ("建筑业", "E", ""),  # 建筑业
    "other_manufacturing": ("其他制造业", "C", ""),  # 制造业 (not 41: "any other")
    "logistics": ("港口物流", "G", ""),  # 交通运输、仓储和邮政业
    "retail": ("批发零售", "F", ""),  # 批发和零售业
    "software": ("软件和信息技术服务", "65", ""),  # 软件和信息技术服务业
    "hospitality": ("住宿餐饮", "H", ""),  # 住宿和餐饮业
    "tourism": ("文化旅游", "R", ""),  # 文化、体育和娱乐业
    "health_services": ("医疗健康服务", "84", ""),  # 卫生
    "other_services": ("其他服务业", None, ""),  # tertiary only: 待归类
}

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "gbt4754_2017.csv"


def sector_of(code):
    """《三次产业划分规定》, as reform.industries.sector_of (copied: migrations stay frozen)."""
    sections = {"A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50)}
    if code.isalpha():
        section, division = code, None
    else:
        division = int(code[:2])
        section = next((s for s, (a, b) in sections.items() if a <= division <= b), "")
    if division in (5, 11, 43):
        return "tertiary"
    if section == "A":
        return "primary"
    return "secondary" if section in ("B", "C", "D", "E") else "tertiary"


def entries_for(Industry, codes):
    """The entries `codes` name, with their ancestors, created from the fixture if missing."""
    with open(FIXTURE, encoding="utf-8", newline="") as handle:
        rows = {row["code"]: (order, row) for order, row in enumerate(csv.DictReader(handle), 1)}
    needed = set()
    for code in codes:
        while code:
            needed.add(code)
            code = rows[code][1]["parent_code"]
    made = {}
    for code in sorted(needed, key=lambda c: rows[c][0]):  # parents first
        order, row = rows[code]
        parent = made.get(row["parent_code"])
        made[code], _created = Industry.objects.get_or_create(
            code=code,
            defaults={
                "name": row["name"],
                "level": row["level"],
                "parent": parent,
                "sector": sector_of(code),
                "order": order,
            },
        )
    return made


def forward(apps, schema_editor):
    Industry = apps.get_model("reform", "Industry")
    Enterprise = apps.get_model("pilots", "Enterprise")
    HistoricalEnterprise = apps.get_model("pilots", "HistoricalEnterprise")
    Cluster = apps.get_model("clusters", "Cluster")
    old = list(Industry.objects.filter(level=""))
    if not old:
        return
    targets = entries_for(
        Industry, {MAPPING[i.code][1] for i in old if i.code in MAPPING} - {None}
    )
    for industry in old:
        _name, code, tag = MAPPING.get(industry.code, (industry.name, None, ""))
        target = targets[code] if code else None
        values = {"industry": target, "industry_text": "" if target else industry.name[:100]}
        if tag:
            values["core_industry"] = tag
        Enterprise.objects.filter(industry=industry).update(**values)
        # The history keeps pointing at real rows (its foreign keys have no constraint).
        HistoricalEnterprise.objects.filter(industry_id=industry.pk).update(**values)
        if Cluster.objects.filter(industry=industry).exists():
            # A cluster's theme needs an entry: the section of its old sector at worst.
            theme = target or entries_for(
                Industry, {{"primary": "A", "secondary": "C"}.get(industry.sector, "O")}
            ).popitem()[1]
            Cluster.objects.filter(industry=industry).update(industry=theme)
    Industry.objects.filter(pk__in=[i.pk for i in old]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reform", "0007_industry_gbt4754"),
        ("pilots", "0012_enterprise_industry_gbt4754"),
        ("clusters", "0002_add_cluster_membership_with_history"),
    ]

    # Backward leaves the entries in place (0006 backward then drops the new fields).
    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=False)]
