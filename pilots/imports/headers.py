"""The header vocabulary of the import and the finding of the header row: no database.

Each field's headers (the template's own first, then other spellings seen in county lists) make
a `Layout`, the enterprise list's being `ENTERPRISES`; `_find_header` picks the header row out of
a sheet's first rows, and `_says_total` tells a totals row under the table. The reader
(pilots/imports/read.py) uses them on every format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pilots.imports.cells import make_cell, normalise_header

# Field -> its headers: the template's own first, then other spellings seen in county lists.
# Compared after normalise_header(), so full-width brackets, spaces and "*" need no variants.
_SPELLINGS: dict[str, str] = {
    "name": "企业名称 单位名称 企业(单位)名称 名称 企业全称 公司名称 企业名",
    "credit_code": "统一社会信用代码 信用代码 社会信用代码 统一代码 "
    "组织机构代码(统一社会信用代码) 统一社会信用代码(组织机构代码)",
    "county": "县区 所属县区 县(区) 县(区、功能板块) 县区/功能板块 所在县区 区县 所属区县 "
    "县(市、区) 县市区",
    "township": "乡镇（街道） 乡镇 乡镇街道 所属乡镇 街道 所在乡镇 镇街 镇(街道) 乡镇/街道 街镇 "
    "乡(镇、街道) 镇(街)",
    "park": "园区 所在园区 开发区 所属园区/开发区 所属园区 所在开发区",
    "industry": "所属行业 行业 产业 所属产业 行业类别 行业分类 行业代码 国民经济行业分类",
    "core_industry": "核心产业 所属核心产业 重点产业 核心产业类别",
    "ownership": "企业性质 所有制 所有制性质 经济类型 所有制类型 经济性质 企业类型 单位性质 "
    "登记注册类型 注册类型",
    "state_controls": "国有资本是否控股 是否国有控股 是否国有资本控股 国有是否控股 国资是否控股",
    "employee_count": "职工人数 职工数 从业人数 员工人数 在职职工数 职工总数 从业人员数",
    "is_leading": "是否龙头企业 龙头企业 是否为龙头企业",
    "chain_position": "产业链位置 上下游 产业链上下游 产业链环节",
    "is_industry_education": "是否产教融合型企业 产教融合型企业 产教融合 是否产教融合企业",
    "contact_name": "联系人 联系人姓名 企业联系人",
    "contact_phone": "联系电话 电话 手机 联系方式 手机号码 手机号 联系人电话 联系人手机",
    "address": "地址 企业地址 详细地址 通讯地址 注册地址",
    "tier": "试点层级 层级 试点级别",
    "status": "试点状态 状态",
    "own_plan": "一企一策 一企一策方案",
    "cluster": "产业集群 所属产业集群",
    "remarks": "备注 说明 备注说明 其他说明 remarks",
}


class Layout:
    """The columns of one kind of list (pilots.imports.kinds): each field's headers (the
    template's own first), the required ones, the fields that mark the header row (one of them
    is needed), and the field whose cell alone makes no row (a note under the table)."""

    def __init__(
        self,
        spellings: dict[str, str],
        *,
        required: tuple[str, ...],
        keys: tuple[str, str],
        note_field: str = "remarks",
    ):
        self.fields: list[str] = list(spellings)
        self.required = required
        self.keys = keys
        self.note_field = note_field
        self.headers: dict[str, str] = {key: names.split()[0] for key, names in spellings.items()}
        self.synonyms: dict[str, tuple[str, ...]] = {
            key: tuple(names.split()) for key, names in spellings.items()
        }
        self.by_header = {
            normalise_header(name): key for key, names in self.synonyms.items() for name in names
        }

    def match(self, text: str) -> str | None:
        """The canonical field for a header cell, or None."""
        key = normalise_header(text)
        if not key:
            return None
        found = self.by_header.get(key)
        if found is None and key.endswith(")"):
            # "职工人数(人)", "联系电话(手机)": a unit or note after a known header.
            key = _TRAILING_NOTE.sub("", key)
            found = self.by_header.get(key)
        if found is None and key.startswith(_PLACE_PREFIXES):
            # "所在镇街", "所属园区", "所在行业": "where it lies" before a known header.
            found = self.by_header.get(key[2:])
        return found

    def no_header(self) -> dict:
        """The values of the "no header row" message."""
        first, second = self.keys
        return {
            "rows": HEADER_SCAN_ROWS,
            "name": self.headers[first],
            "credit_code": self.headers[second],
        }


_TRAILING_NOTE = re.compile(r"\([^()]*\)$")
_PLACE_PREFIXES = ("所在", "所属")
ENTERPRISES = Layout(
    _SPELLINGS, required=("name", "credit_code", "county"), keys=("name", "credit_code")
)
FIELDS: list[str] = ENTERPRISES.fields
REQUIRED_FIELDS: tuple[str, ...] = ENTERPRISES.required
HEADERS: dict[str, str] = ENTERPRISES.headers
SYNONYMS: dict[str, tuple[str, ...]] = ENTERPRISES.synonyms

# Columns every hand-made list has that carry nothing to import; not worth a warning.
IGNORED_HEADERS: frozenset[str] = frozenset({"序号", "编号", "行号"})
# A totals row under the table (合计 in the serial-number or the name column, no key of its own)
# is no record: lists end with one, often with a SUM of the employees.
TOTAL_WORDS: frozenset[str] = frozenset(
    {"合计", "总计", "小计", "共计", "总合计", "合计数", "total", "subtotal", "sum", "totals"}
)
_TOTAL_NOISE = re.compile(r"[\s\u3000:：]+")


def _says_total(values: list[Any], width: int, name_at: int) -> bool:
    """The row's first cell or its name (first key) cell says 合计, 总计 …"""
    for at in (0, name_at):
        if at < width:
            value = values[at]
            # Most rows fail the first, cheap tests (a name is longer, or holds no 计).
            if (
                value.__class__ is str
                and len(value) < 16
                and ("计" in value or value.lstrip()[:1] in ("T", "t", "S", "s"))
                and _TOTAL_NOISE.sub("", value).lower() in TOTAL_WORDS
            ):
                return True
    return False


HEADER_SCAN_ROWS = 20


@dataclass(slots=True)
class Column:
    index: int  # 0-based; column A is 0
    header: str
    field: str | None


def match_header(text: str) -> str | None:
    """The enterprise list's field for a header cell, or None."""
    return ENTERPRISES.match(text)


@dataclass
class _Header:
    index: int  # 0-based row index
    columns: list[Column]


def _find_header(
    rows: list[list[Any]], first_index: int = 0, layout: Layout = ENTERPRISES
) -> _Header | None:
    """The row with most known headers, needing two and one of the layout's keys (for the
    enterprise list: the name or the code).

    An empty header cell borrows the header of the cell above when that is a known header:
    in a two-row header, "企业名称" merged down over both rows sits in the upper row only.
    """
    best: _Header | None = None
    best_score = 1
    above: list[tuple[str, str | None]] = []
    for offset, values in enumerate(rows):
        # Headers keep their own spelling (full-width brackets and all) for messages.
        texts = [" ".join(v.split()) if isinstance(v, str) else make_cell(v).text for v in values]
        here = [(text, layout.match(text)) for text in texts]
        above.extend([("", None)] * (len(here) - len(above)))
        columns = []
        for index, (text, key) in enumerate(here):
            if not text and above[index][1]:
                text, key = above[index]
            if text:
                columns.append(Column(index, text, key))
        found = {column.field for column in columns} - {None}
        if len(found) > best_score and set(layout.keys) & found:
            best, best_score = _Header(first_index + offset, columns), len(found)
        above = here
    return best
