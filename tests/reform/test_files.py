"""Attached files are judged by their content; photos lose their metadata and excess size.

Messages are asserted in Chinese, the default language of the site.
"""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from docx import Document
from openpyxl import Workbook
from PIL import Image

from reform.files import (
    PHOTO_KINDS,
    PHOTO_MAX_SIDE,
    FileKind,
    MultipleAttachmentField,
    check_upload,
    sniff,
    thumbnail_bytes,
)

GPS_IFD = 0x8825
MAKE = 0x010F
ORIENTATION = 0x0112

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def jpeg(size=(40, 30), *, exif=None) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="JPEG", exif=exif or b"")
    return buffer.getvalue()


def png(size=(20, 20), mode="RGBA") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format="PNG")
    return buffer.getvalue()


def docx() -> bytes:
    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("自评材料")
    document.save(buffer)
    return buffer.getvalue()


def xlsx() -> bytes:
    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active["A1"] = "证明材料"
    workbook.save(buffer)
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF, FileKind.PDF),
        (jpeg(), FileKind.JPEG),
        (png(), FileKind.PNG),
        (docx(), FileKind.DOCX),
        (xlsx(), FileKind.XLSX),
    ],
)
def test_it_recognises_each_accepted_kind_by_content(data, kind):
    assert sniff(data) == kind


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00" + b"\x00" * 200,  # a Windows program
        b"<html><script>alert(1)</script></html>",
        b"%PDF-1.4\n1 0 obj<<>>endobj\n",  # a PDF cut short: no end marker
        jpeg()[:60],  # a truncated photo
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 50,  # a PNG signature and nothing behind it
        b"PK\x03\x04" + b"\x00" * 100,  # a broken archive
    ],
)
def test_it_refuses_what_is_not_an_accepted_file_whatever_its_name(data):
    assert sniff(data) is None
    with pytest.raises(ValidationError) as error:
        check_upload(upload("材料.pdf", data))
    assert "材料.pdf" in error.value.messages[0]


def test_a_word_file_with_macros_is_refused_with_its_own_message():
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx())) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("word/vbaProject.bin", b"\x00" * 10)
    with pytest.raises(ValidationError, match="不接受含宏的文件"):
        check_upload(upload("带宏.docx", buffer.getvalue()))


def test_a_zip_bomb_is_refused_without_unpacking_it():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (60 * 1024 * 1024))
    with pytest.raises(ValidationError, match="解压后过大"):
        check_upload(upload("bomb.docx", buffer.getvalue()))


def test_the_kinds_a_field_accepts_are_enforced():
    with pytest.raises(ValidationError) as error:
        check_upload(upload("照片.pdf", PDF), kinds=PHOTO_KINDS)
    assert "JPEG" in error.value.messages[0]


@override_settings(ATTACHMENT_MAX_BYTES=1000)
def test_a_file_over_the_limit_is_refused_and_the_message_names_the_limit():
    with pytest.raises(ValidationError) as error:
        check_upload(upload("big.pdf", PDF + b"x" * 2000))
    assert "1000" in error.value.messages[0].replace("\xa0", "").replace(",", "")


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match="文件“报告.pdf”是空的"):
        check_upload(upload("报告.pdf", b""))


def test_the_stored_name_carries_the_extension_of_what_the_file_is():
    checked = check_upload(upload("自评材料.PNG.pdf", png()))
    assert checked.kind == FileKind.PNG
    assert checked.name == "自评材料.PNG.png"
    fields = checked.model_fields()
    assert fields["size"] == len(checked.content) and len(fields["sha256"]) == 64


def test_a_photo_loses_its_location_and_camera_data():
    exif = Image.Exif()
    exif[MAKE] = "Canon"
    exif[GPS_IFD] = {1: "N", 2: (34.0, 35.0, 59.0)}
    original = jpeg(exif=exif.tobytes())
    assert Image.open(io.BytesIO(original)).getexif()[MAKE] == "Canon"

    checked = check_upload(upload("现场.jpg", original))

    with Image.open(io.BytesIO(checked.content)) as image:
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info


def test_a_large_photo_is_shrunk_for_the_page_and_turned_upright():
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # taken with the phone turned: rotate 90° clockwise to view
    checked = check_upload(upload("大图.jpg", jpeg((4000, 3000), exif=exif.tobytes())))
    with Image.open(io.BytesIO(checked.content)) as image:
        assert image.size == (PHOTO_MAX_SIDE * 3 // 4, PHOTO_MAX_SIDE)


def test_a_png_stays_a_png_with_its_transparency():
    checked = check_upload(upload("logo.png", png(mode="RGBA")))
    with Image.open(io.BytesIO(checked.content)) as image:
        assert image.format == "PNG" and image.mode == "RGBA"


def test_a_thumbnail_is_a_small_jpeg():
    with Image.open(io.BytesIO(thumbnail_bytes(jpeg((1600, 1200))))) as image:
        assert image.format == "JPEG" and max(image.size) == 320


def test_several_files_are_checked_together_and_one_bad_file_fails_all_naming_it():
    field = MultipleAttachmentField(required=False)
    good = [upload("a.pdf", PDF), upload("b.png", png())]
    assert [c.kind for c in field.clean(good)] == [FileKind.PDF, FileKind.PNG]
    with pytest.raises(ValidationError) as error:
        field.clean([upload("a.pdf", PDF), upload("病毒.exe", b"MZ" + b"\x00" * 100)])
    assert len(error.value.messages) == 1 and "病毒.exe" in error.value.messages[0]
    assert field.clean([]) == []
