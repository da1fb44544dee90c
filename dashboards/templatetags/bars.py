"""Template helpers for the make-up's bars."""

from django import template

register = template.Library()


@register.filter
def segments(shares) -> list[dict]:
    """Each share of a whole as a segment of a 0–100 bar: {"share", "x", "width"}.

    From the exact counts, not the rounded percentages (three of them need not add up to 100);
    x and width as plain decimal text for the SVG, whatever the page's language.
    """
    shares = list(shares)
    total = sum(share.count for share in shares)
    found, start = [], 0.0
    for share in shares:
        width = 100 * share.count / total if total else 0.0
        found.append({"share": share, "x": f"{start:.2f}", "width": f"{width:.2f}"})
        start += width
    return found
