"""Word documents the site writes (notices, the case collection, bulletins): one safe writer.

Everything a user typed goes in as plain text runs: never as a field code, hyperlink or
formatting instruction, and without the control characters that Word's XML cannot hold (they
would make python-docx fail or Word refuse the file). Chinese text gets a Chinese font (宋体 for
the body, 黑体 for headings, as official documents use them) with the East Asian font set, so
Word and WPS do not fall back to a Latin font.
"""

import io
import re

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BODY_FONT = "宋体"
HEADING_FONT = "黑体"
# XML 1.0 allows tab, line feed and carriage return among the control characters; no others.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: object) -> str:
    """A user's text as Word can hold it: a string without XML-illegal characters."""
    return _ILLEGAL_XML.sub("", "" if text is None else str(text))


def _set_font(run, name: str, size: float | None = None, *, bold: bool = False) -> None:
    run.font.name = name
    run.font.bold = bold or None
    if size:
        run.font.size = Pt(size)
    properties = run._element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


class DocumentWriter:
    """A Word document built from plain texts, tables and photos; `bytes()` gives the file."""

    def __init__(self, *, landscape: bool = False):
        self.document = Document()
        section = self.document.sections[0]
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = section.page_height, section.page_width
        for margin in ("top_margin", "bottom_margin"):
            setattr(section, margin, Cm(2.54))
        for margin in ("left_margin", "right_margin"):
            setattr(section, margin, Cm(2.8))
        normal = self.document.styles["Normal"]
        normal.font.name = BODY_FONT
        normal.font.size = Pt(12)
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    @property
    def usable_width(self):
        section = self.document.sections[-1]
        return section.page_width - section.left_margin - section.right_margin

    def title(self, text: str, *, size: float = 22) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_font(paragraph.add_run(clean(text)), HEADING_FONT, size, bold=True)

    def heading(self, text: str, *, level: int = 1) -> None:
        """A heading that Word's table of contents picks up (styles Heading 1–3)."""
        paragraph = self.document.add_heading(level=level)
        run = paragraph.add_run(clean(text))
        _set_font(run, HEADING_FONT, {1: 16, 2: 14, 3: 12}.get(level, 12), bold=True)
        run.font.color.rgb = RGBColor(0, 0, 0)

    def paragraph(
        self,
        text: str,
        *,
        bold: bool = False,
        center: bool = False,
        right: bool = False,
        size: float | None = None,
        indent: bool = False,
        color: str | None = None,
    ) -> None:
        """One paragraph of plain text; line breaks in the text stay line breaks."""
        paragraph = self.document.add_paragraph()
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif right:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(24)  # two characters
        lines = clean(text).split("\n")
        for index, line in enumerate(lines):
            run = paragraph.add_run(line)
            _set_font(run, BODY_FONT, size, bold=bold)
            if color:
                run.font.color.rgb = RGBColor.from_string(color)
            if index < len(lines) - 1:
                run.add_break()

    def paragraphs(self, text: str, *, indent: bool = True) -> None:
        """A user's text of several paragraphs (blank lines or line breaks between them)."""
        for block in re.split(r"\n\s*\n|\r\n|\n", clean(text)):
            if block.strip():
                self.paragraph(block.strip(), indent=indent)

    def table(
        self,
        rows: list[list[object]],
        *,
        header: bool = True,
        widths: list[float] | None = None,
        red_rows: set[int] | None = None,
    ) -> None:
        """A table of plain values; the first row is the header when `header`.

        `red_rows` are indices (into `rows`) printed in red: the units that are behind.
        """
        if not rows:
            return
        table = self.document.add_table(rows=0, cols=len(rows[0]))
        table.style = "Table Grid"
        for index, values in enumerate(rows):
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=False):
                run = cell.paragraphs[0].add_run(clean(value))
                _set_font(run, HEADING_FONT if header and index == 0 else BODY_FONT, 10.5)
                if header and index == 0:
                    run.font.bold = True
                if red_rows and index in red_rows:
                    run.font.color.rgb = RGBColor(0xC0, 0x1F, 0x1F)
        if header:
            # Repeat the header row on every page of a long table.
            properties = table.rows[0]._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            properties.append(repeat)
        if widths:
            for row in table.rows:
                for cell, width in zip(row.cells, widths, strict=False):
                    cell.width = Cm(width)

    def picture(self, data: bytes, *, width_cm: float = 14, caption: str = "") -> None:
        """A photo (bytes already checked and re-encoded by reform.files), centred."""
        self.document.add_picture(io.BytesIO(data), width=min(Cm(width_cm), self.usable_width))
        self.document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        if caption:
            self.paragraph(caption, center=True, size=10)

    def table_of_contents(self, title: str) -> None:
        """A table of contents field that Word fills when the document is opened (F9 in WPS).

        The field is ours, not a user's text: it lists the headings written with `heading()`.
        """
        self.heading(title, level=1)
        paragraph = self.document.add_paragraph()
        run = paragraph.add_run()
        begin = OxmlElement("w:fldChar")
        begin.set(qn("w:fldCharType"), "begin")
        instruction = OxmlElement("w:instrText")
        instruction.set(qn("xml:space"), "preserve")
        instruction.text = 'TOC \\o "1-2" \\h \\z \\u'
        separate = OxmlElement("w:fldChar")
        separate.set(qn("w:fldCharType"), "separate")
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        for element in (begin, instruction, separate, end):
            run._r.append(element)
        settings = self.document.settings.element
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        settings.append(update)

    def page_break(self) -> None:
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()
