"""{% cachedfigures %}…{% endcachedfigures %}: the part of a dashboard computed from the data.

The view (dashboards/views.py) looks the part up first. Found, it passes it as `figures_html`
and computes nothing; the tag outputs it. Not found, the view computes the figures and passes
the key as `figures_key`; the tag renders its content and keeps it under that key.
"""

from django import template
from django.conf import settings
from django.core.cache import cache
from django.utils.safestring import mark_safe

register = template.Library()


class CachedFiguresNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context) -> str:
        html = context.get("figures_html")
        if html is not None:
            return mark_safe(html)  # noqa: S308 - rendered by this template, escaped then
        html = self.nodelist.render(context)
        key = context.get("figures_key")
        if key:
            cache.set(key, str(html), settings.FIGURES_CACHE_SECONDS)
        return html


@register.tag
def cachedfigures(parser, token):
    nodelist = parser.parse(("endcachedfigures",))
    parser.delete_first_token()
    return CachedFiguresNode(nodelist)
