from django import template

from promotion.tables import pilot_names as _pilot_names

register = template.Library()


@register.filter
def pilot_names(pilots) -> str:
    """The first few enterprises' names of a (prefetched) pilot list: "甲、乙、丙 and 2 more"."""
    return _pilot_names(pilots.all() if hasattr(pilots, "all") else pilots)
