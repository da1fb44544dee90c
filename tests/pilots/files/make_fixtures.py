"""Regenerate the spreadsheet fixtures in this folder.

    .venv/bin/python tests/pilots/files/make_fixtures.py

The tests read the committed files; this script is only for changing them. Besides openpyxl
(a project dependency) it needs xlwt (writes .xls) and msoffcrypto-tool (encrypts a workbook),
which the project does not install. Keep them out of the venv, for example:

    .venv/bin/pip install --target /tmp/fixture-deps xlwt msoffcrypto-tool
    PYTHONPATH=/tmp/fixture-deps .venv/bin/python tests/pilots/files/make_fixtures.py
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent

TITLE = "2024年度产业工人队伍建设改革试点企业名单"
# The same five enterprises go into every format, with the mess real county lists have.
GOOD_CODE = "91320722MA1W7XKQ37"  # valid check character
NUMBER_CODE = 913207221234567890  # typed as a number: Excel keeps 15 digits of it
WIDE_NAME = "　ＡＢＣ智能装备（连云港）有限公司　"  # full-width letters and spaces
WIDE_CODE = "９１３２０７０６ＭＡ２０ＢＣＤＥ５Ｘ"  # 91320706MA20BCDE5X


def save(name: str, data: bytes) -> None:
    (HERE / name).write_bytes(data)
    print(f"{name:28} {len(data):>8} bytes")


def workbook_bytes(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def enterprises_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    hidden = workbook.active
    hidden.title = "旧名单"
    hidden.append(["企业名称", "统一社会信用代码", "县区"])
    hidden.append(["隐藏表里的企业", "91320703000000000X", "连云区"])
    hidden.sheet_state = "hidden"

    sheet = workbook.create_sheet("企业名单")
    sheet["A1"] = TITLE
    sheet.merge_cells("A1:L1")
    sheet["A2"] = "填报单位：东海县总工会      填报日期：2024年3月"
    # Two-row header: 序号 and 企业名称 are merged down over rows 3-4, the rest sit under
    # group headings merged across row 3.
    for cell, text in {
        "A3": "序号",
        "B3": "企业名称*",
        "C3": "基本信息",
        "I3": "联系方式",
        "K3": "其他",
    }.items():
        sheet[cell] = text
    sheet.merge_cells("A3:A4")
    sheet.merge_cells("B3:B4")
    sheet.merge_cells("C3:H3")
    sheet.merge_cells("I3:J3")
    sheet.merge_cells("K3:L3")
    row4 = [
        None,
        None,
        "统一社会信用代码（必填）",
        "县（区）",
        " 乡镇（街道） ",
        "所属行业",
        "职工人数（人）",
        "是否龙头企业",
        "联系人",
        "联系电话",
        "一企一策",
        "备注",
    ]
    for column, text in enumerate(row4, start=1):
        if text:
            sheet.cell(row=4, column=column, value=text)
    rows = {
        5: [
            1,
            "  连云港恒通精密机械有限公司 ",
            GOOD_CODE,
            "东海县",
            "牛山街道",
            "通用设备制造业",
            339,
            "是",
            "张\u00a0伟",
            "0518-87654321",
            "见附件",
            None,
        ],
        6: [
            2,
            "东海\u200b数字港科技有限公司",
            NUMBER_CODE,
            "东海县",
            "牛山街道",
            "软件",
            12.5,
            True,
            "李娜",
            13905181234,
            dt.date(2024, 3, 1),
            "代码按数字录入",
        ],
        # row 7 left blank on purpose
        8: [
            3,
            WIDE_NAME,
            WIDE_CODE,
            "海州区",
            "新海街道",
            "汽车制造",
            "１２０",
            "否",
            "王强",
            "0571-87654321",
            None,
            None,
        ],
        9: [4, None, None, None, None, None, None, None, None, None, None, "只有备注"],
        10: [5, None, None, None, None, None, None, None, None, None, None, None],
    }
    for number, values in rows.items():
        for column, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(row=number, column=column, value=value)
    workbook.active = 1
    return workbook_bytes(workbook)


def enterprises_xls() -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("企业名单")
    sheet.write_merge(0, 0, 0, 5, TITLE)
    header = ["企业名称", "统一社会信用代码", "所属县区", "职工数", "联系电话", "一企一策"]
    for column, text in enumerate(header):
        sheet.write(1, column, text)
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    sheet.write(2, 0, "连云港恒通精密机械有限公司")
    sheet.write(2, 1, GOOD_CODE)
    sheet.write(2, 2, "东海县")
    sheet.write(2, 3, 339.0)
    sheet.write(2, 4, "051887654321")
    sheet.write(2, 5, dt.date(2024, 3, 1), date_style)
    sheet.write(4, 0, "东海数字港科技有限公司")
    sheet.write(4, 1, float(NUMBER_CODE))
    sheet.write(4, 2, "东海县")
    sheet.write(4, 3, 0.1 + 0.2)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


ODS_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
 manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/"
  manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""


def ods(rows_xml: str) -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="企业名单">'
        f"{rows_xml}</table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # ODF wants the mimetype first and stored, so tools can sniff it.
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def text_cell(text: str) -> str:
    return (
        f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
    )


def number_cell(value: float) -> str:
    return (
        f'<table:table-cell office:value-type="float" office:value="{value}">'
        f"<text:p>{value}</text:p></table:table-cell>"
    )


def row(*cells: str, repeat: int = 1) -> str:
    attribute = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{attribute}>{''.join(cells)}</table:table-row>"


EMPTY_CELL = "<table:table-cell/>"


def enterprises_ods() -> bytes:
    date_cell = (
        '<table:table-cell office:value-type="date" office:date-value="2024-03-01">'
        "<text:p>2024-03-01</text:p></table:table-cell>"
    )
    return ods(
        row(text_cell(TITLE))
        + row(EMPTY_CELL)
        + row(*map(text_cell, ["企业名称", "信用代码", "县区", "职工人数", "电话", "一企一策"]))
        + row(
            text_cell("连云港恒通精密机械有限公司"),
            text_cell(GOOD_CODE),
            text_cell("东海县"),
            number_cell(339),
            text_cell("051887654321"),
            date_cell,
        )
        + row(EMPTY_CELL, repeat=2)
        + row(text_cell("东海数字港科技有限公司"), number_cell(NUMBER_CODE), text_cell("东海县"))
        # LibreOffice pads every sheet like this: a million empty rows, which cost nothing.
        + row('<table:table-cell table:number-columns-repeated="1024"/>', repeat=1048570)
    )


def ods_bomb() -> bytes:
    """One kilobyte that asks for 10 million filled cells."""
    many = '<table:table-cell table:number-columns-repeated="100" office:value-type="string">'
    return ods(
        row(text_cell("企业名称"), text_cell("统一社会信用代码"), text_cell("县区"))
        + row(f"{many}<text:p>x</text:p></table:table-cell>", repeat=100_000)
    )


CSV_LINES = [
    TITLE,
    "",
    "序号,企业名称,统一社会信用代码,县区,职工人数,联系电话",
    f"1,连云港恒通精密机械有限公司,{GOOD_CODE},东海县,339,0518-87654321",
    '2,"东海数字港科技有限公司, 二分公司",9.13201E+17,东海县,12,0571-87654321',
]


def content_types(main: str, extra: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{main}"/>{extra}</Types>'
    )


def rewrite_zip(data: bytes, replace: dict[str, bytes | str]) -> bytes:
    """Copy an archive, replacing or adding members."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in replace:
                target.writestr(info.filename, source.read(info.filename))
        for name, content in replace.items():
            target.writestr(name, content)
    return buffer.getvalue()


def small_xlsx(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    for values in rows:
        workbook.active.append(values)
    return workbook_bytes(workbook)


def macro_xlsm() -> bytes:
    plain = small_xlsx([["企业名称", "统一社会信用代码", "县区"], ["宏企业", GOOD_CODE, "东海县"]])
    types = zipfile.ZipFile(io.BytesIO(plain)).read("[Content_Types].xml").decode()
    types = types.replace(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    return rewrite_zip(
        plain, {"[Content_Types].xml": types, "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0fake vba"}
    )


def billion_laughs_xlsx() -> bytes:
    plain = small_xlsx([["企业名称", "统一社会信用代码", "县区"], ["LOL", GOOD_CODE, "东海县"]])
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    ]
    strings = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<!DOCTYPE sst [{''.join(entities)}]>\n"
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1"'
        ' uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    )
    return rewrite_zip(plain, {"xl/sharedStrings.xml": strings})


def zip_bomb_xlsx() -> bytes:
    """Looks like an xlsx; its sheet expands to 201 MB of zeros."""
    buffer = io.BytesIO()
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", content_types(main))
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            block = bytes(1024 * 1024)
            for _ in range(201):
                member.write(block)
    return buffer.getvalue()


def far_cell_xlsx() -> bytes:
    """Two cells, a header and one in the last cell of the sheet: calamine would try to
    allocate the grid between them (half a terabyte) and abort the process."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["企业名称", "统一社会信用代码", "县区"])
    workbook.active["XFD1048576"] = "x"
    return workbook_bytes(workbook)


def encrypted_xlsx(plain: bytes) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    buffer = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt("123456", buffer)
    return buffer.getvalue()


def compound_file(stream_name: str) -> bytes:
    """A minimal OLE2 compound file whose directory holds one empty stream."""
    sector = 512
    free, end, fat_mark = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = bytearray(sector)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9)  # version, byte order, 512 B
    struct.pack_into("<H", header, 0x20, 6)  # mini sectors of 64 bytes
    struct.pack_into("<IIIIIIII", header, 0x2C, 1, 1, 0, 4096, end, 0, end, 0)
    difat = [0] + [free] * 108
    struct.pack_into("<109I", header, 0x4C, *difat)
    fat = [fat_mark, end] + [free] * 126

    def entry(name: str, kind: int, child: int) -> bytes:
        raw = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        raw[: len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 64, len(encoded), kind, 1)  # black node
        struct.pack_into("<III", raw, 68, free, free, child)
        struct.pack_into("<II", raw, 116, end, 0)  # no data
        return bytes(raw)

    directory = entry("Root Entry", 5, 1) + entry(stream_name, 2, free) + bytes(256)
    return bytes(header) + struct.pack("<128I", *fat) + directory


def main() -> None:
    enterprises = enterprises_xlsx()
    save("enterprises.xlsx", enterprises)
    save("enterprises.xls", enterprises_xls())
    save("enterprises.ods", enterprises_ods())
    save("enterprises-utf8-bom.csv", "\r\n".join(CSV_LINES).encode("utf-8-sig"))
    save("enterprises-gbk.csv", "\r\n".join(CSV_LINES).encode("gbk"))
    save("macro.xlsm", macro_xlsm())
    save("password.xlsx", encrypted_xlsx(enterprises))
    save("word.doc", compound_file("WordDocument"))
    save("empty.xlsx", workbook_bytes(openpyxl.Workbook()))
    save(
        "no-header.xlsx",
        small_xlsx([[TITLE], ["甲", "乙", "丙"], ["连云港恒通", GOOD_CODE, "东海县"]]),
    )
    save("truncated.xlsx", enterprises[: len(enterprises) // 2])
    save("zip-bomb.xlsx", zip_bomb_xlsx())
    save("billion-laughs.xlsx", billion_laughs_xlsx())
    save("far-cell.xlsx", far_cell_xlsx())
    save("ods-bomb.ods", ods_bomb())
    save(
        "web-page.xls",
        "<html><body><table><tr><td>企业名称</td><td>统一社会信用代码</td></tr>"
        "</table></body></html>".encode(),
    )


if __name__ == "__main__":
    main()
