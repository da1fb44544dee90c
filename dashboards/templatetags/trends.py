"""Template helpers for the trend lines: a rule's count and target through the plan year as SVG.

Server-side coordinates like the other charts (no script, no inline style: CSP). The chart is
300 × 120 units: the plot from x 28 to 292 over the calendar year of the plan year (stretched
when snapshots lie outside it) and from y 104 (0) up to y 8 (the largest value).
"""

import datetime

from django import template

from pilots.snapshots import Trend

register = template.Library()

LEFT, RIGHT, TOP, BOTTOM = 28.0, 292.0, 8.0, 104.0


def _next_year(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _signed(change: int) -> str:
    return f"+{change}" if change > 0 else ("±0" if change == 0 else f"−{-change}")


@register.simple_tag
def trend_chart(trend: Trend, year: int) -> dict:
    """The polylines (count, target, the previous plan year's count shifted a year on), the
    month ticks and the labels of one trend."""
    shifted = [(_next_year(p.date), p.count) for p in trend.previous_points]
    dates = [p.date for p in trend.points] + [day for day, _count in shifted]
    start = min([datetime.date(year, 1, 1), *dates])
    end = max([datetime.date(year, 12, 31), *dates])
    span = max((end - start).days, 1)
    values = [1] + [p.count for p in trend.points] + [p.target for p in trend.points]
    values += [count for _day, count in shifted]
    top = max(values)

    def x(day: datetime.date) -> float:
        return LEFT + (RIGHT - LEFT) * (day - start).days / span

    def y(value: int) -> float:
        return BOTTOM - (BOTTOM - TOP) * value / top

    def line(pairs) -> str:
        return " ".join(f"{x(day):.1f},{y(value):.1f}" for day, value in pairs)

    now = trend.now
    ticks = [
        {"x": f"{x(datetime.date(year, month, 1)):.1f}", "label": month}
        for month in range(1, 13, 3)
    ]
    return {
        "count": line((p.date, p.count) for p in trend.points),
        "target": line((p.date, p.target) for p in trend.points),
        "previous": line(shifted),
        "last": {"x": f"{x(now.date):.1f}", "y": f"{y(now.count):.1f}"} if now else None,
        "ticks": ticks,
        "top": top,
        "top_y": f"{TOP:.1f}",
        "zero_y": f"{BOTTOM:.1f}",
        "left": f"{LEFT:.1f}",
        "right": f"{RIGHT:.1f}",
        "change": None if trend.change is None else _signed(trend.change),
        "change_sign": "" if not trend.change else ("up" if trend.change > 0 else "down"),
    }
