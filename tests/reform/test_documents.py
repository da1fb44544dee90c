"""The Word writer keeps users' text as plain text, in Word's character set, in a Chinese font."""

import io

from docx import Document
from docx.oxml.ns import qn
from PIL import Image

from reform.documents import DocumentWriter, clean


def read(data: bytes) -> Document:
    return Document(io.BytesIO(data))


def test_control_characters_that_word_cannot_hold_are_dropped():
    assert clean("甲\x00乙\x0b丙\x1f丁\t戊\n") == "甲乙丙丁\t戊\n"
    writer = DocumentWriter()
    writer.paragraph("案例\x07标题")
    assert [p.text for p in read(writer.bytes()).paragraphs] == ["案例标题"]


def test_what_a_user_typed_stays_text_and_never_becomes_a_field():
    writer = DocumentWriter()
    typed = '{ HYPERLINK "http://x" } =SUM(A1) <w:fldSimple w:instr="DATE"/>'
    writer.paragraph(typed)
    writer.table([["名称"], [typed]])
    document = read(writer.bytes())
    assert document.paragraphs[0].text == typed
    assert document.tables[0].cell(1, 0).text == typed
    body = document.element.body
    assert body.findall(".//" + qn("w:fldChar")) == []
    assert body.findall(".//" + qn("w:fldSimple")) == []


def test_line_breaks_and_paragraphs_of_a_text_are_kept():
    writer = DocumentWriter()
    writer.paragraph("第一行\n第二行")
    writer.paragraphs("第一段\n\n第二段\n第三段")
    texts = [p.text for p in read(writer.bytes()).paragraphs]
    assert texts == ["第一行\n第二行", "第一段", "第二段", "第三段"]


def test_chinese_text_gets_an_east_asian_font_and_headings_reach_the_contents():
    writer = DocumentWriter()
    writer.table_of_contents("目录")
    writer.heading("一、政治建设", level=2)
    document = read(writer.bytes())
    heading = document.paragraphs[-1]
    assert heading.style.name == "Heading 2"
    fonts = heading.runs[0]._element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "黑体"
    instructions = [e.text for e in document.element.body.iter(qn("w:instrText"))]
    assert instructions == ['TOC \\o "1-2" \\h \\z \\u']


def test_a_photo_is_placed_within_the_page():
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (0, 120, 200)).save(buffer, format="JPEG")
    writer = DocumentWriter()
    writer.picture(buffer.getvalue(), width_cm=30, caption="现场照片")
    document = read(writer.bytes())
    shape = document.inline_shapes[0]
    assert shape.width <= writer.usable_width
    assert document.paragraphs[-1].text == "现场照片"


def test_rows_marked_red_are_printed_in_red():
    writer = DocumentWriter()
    writer.table([["县区", "试点"], ["东海县", "12"], ["灌云县", "3"]], red_rows={2})
    table = read(writer.bytes()).tables[0]
    assert table.cell(2, 0).paragraphs[0].runs[0].font.color.rgb == (0xC0, 0x1F, 0x1F)
    assert table.cell(1, 0).paragraphs[0].runs[0].font.color.rgb is None
