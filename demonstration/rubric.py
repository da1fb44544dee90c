"""The rubric (评分细则): the default proposal of DESIGN.md, and the rules a rubric must keep.

No official scoring sheet has been found, so a new round starts from this proposal — four
dimensions of 25 points each — shown as a proposal to adapt until city staff save (adopt) it.
The names are the rubric's content (data, in the language of the sheets people score on), not
words of the interface.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from reform.models import Dimension
from reform.text import normalise_text

DEFAULT_RUBRIC = [
    (
        Dimension.POLITICAL,
        "政治建设",
        25,
        [("组织健全", 8), ("思想政治引领", 8), ("参与民主管理：职代会、厂务公开", 9)],
    ),
    (
        Dimension.EMPOWERMENT,
        "赋能成长",
        25,
        [("技能培训投入与覆盖", 9), ("技能等级认定与职业发展通道", 8), ("导师带徒", 8)],
    ),
    (
        Dimension.ACHIEVEMENT,
        "建功立业",
        25,
        [("劳动和技能竞赛", 9), ("技术创新与创新工作室", 8), ("合理化建议与成果转化", 8)],
    ),
    (
        Dimension.RIGHTS,
        "维权服务",
        25,
        [
            ("集体合同与工资集体协商", 9),
            ("劳动安全与权益保障", 8),
            ("职工服务阵地与关爱帮扶", 8),
        ],
    ),
]

HALF = Decimal("0.5")
MAX_POINTS = Decimal("1000")


@dataclass
class IndicatorInput:
    name: str
    max_points: Decimal
    pk: int | None = None


@dataclass
class DimensionInput:
    name: str
    max_points: Decimal
    indicators: list[IndicatorInput] = field(default_factory=list)
    key: str = ""
    pk: int | None = None

    @property
    def indicator_total(self) -> Decimal:
        return sum((i.max_points for i in self.indicators), Decimal(0))


def default_rubric() -> list[DimensionInput]:
    return [
        DimensionInput(
            key=key,
            name=name,
            max_points=Decimal(points),
            indicators=[IndicatorInput(name=n, max_points=Decimal(p)) for n, p in indicators],
        )
        for key, name, points, indicators in DEFAULT_RUBRIC
    ]


def parse_points(value: str) -> Decimal | None:
    """Points as typed ("8", "8.5", "８．５"): a Decimal, or None when it is not a number."""
    text = normalise_text(value)  # full-width digits too
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def is_half_step(value: Decimal) -> bool:
    return (value / HALF) == (value / HALF).to_integral_value()


def rubric_errors(dimensions: list[DimensionInput]) -> list[str]:
    """What is wrong with a rubric, for the user; empty when it may be saved."""
    errors = []
    if not dimensions:
        errors.append(_("A rubric needs at least one dimension."))
    for dimension in dimensions:
        label = dimension.name or _("(unnamed dimension)")
        if not dimension.name:
            errors.append(_("Every dimension needs a name."))
        if not _good_points(dimension.max_points):
            errors.append(
                _("%(dimension)s: the maximum must be more than 0, in whole or half points.")
                % {"dimension": label}
            )
        if not dimension.indicators:
            errors.append(_("%(dimension)s has no indicator.") % {"dimension": label})
        for indicator in dimension.indicators:
            if not _good_points(indicator.max_points):
                errors.append(
                    _(
                        "%(dimension)s · %(indicator)s: the maximum must be more than 0, in "
                        "whole or half points."
                    )
                    % {"dimension": label, "indicator": indicator.name}
                )
        if dimension.indicators and dimension.indicator_total != dimension.max_points:
            errors.append(
                _(
                    "%(dimension)s: its indicators add up to %(total)s points, not to the "
                    "dimension's %(max)s."
                )
                % {
                    "dimension": label,
                    "total": points_text(dimension.indicator_total),
                    "max": points_text(dimension.max_points),
                }
            )
    return errors


def _good_points(value: Decimal | None) -> bool:
    return value is not None and 0 < value <= MAX_POINTS and is_half_step(value)


def points_text(value: Decimal | None) -> str:
    """8 → "8", 8.5 → "8.5" (points are whole or half)."""
    if value is None:
        return ""
    normal = value.quantize(Decimal("0.1"))
    return str(normal.to_integral_value()) if normal == normal.to_integral_value() else str(normal)
