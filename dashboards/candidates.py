"""The candidates line of a dashboard page: "还差 3 家，候选 12 家" for each rule the region falls
short of, linking to its candidates page (pilots/candidates.py; 1 query, none when every rule
is met)."""

from django.utils.text import capfirst

from pilots.candidate_views import candidate_list_url
from pilots.candidates import gaps_with_candidates
from pilots.quotas import Progress
from reform.models import PlanYear, QuotaRule, Region

Rule = QuotaRule.Rule
# The rules a page of each level shows candidates for: the overview its city rule, a county
# page its own two rules, a township page its rule.
PAGE_RULES = {
    Region.Level.CITY: [Rule.CITY],
    Region.Level.COUNTY: [Rule.COUNTY, Rule.COUNTY_DEV_ZONE],
    Region.Level.TOWNSHIP: [Rule.TOWNSHIP],
}


def gap_candidates(region: Region, plan_year: PlanYear, progress: Progress) -> list[dict]:
    items = gaps_with_candidates(progress, plan_year, region, PAGE_RULES[region.level])
    return [
        {
            "item": item,
            "label": capfirst(item.row.label),
            "url": candidate_list_url(region, item.rule, plan_year),
        }
        for item in items
    ]
