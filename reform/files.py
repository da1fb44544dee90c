"""Files people attach (evidence, photos, write-ups): checked by content, stored, served safely.

DESIGN.md, "Files people attach": PDF, JPEG, PNG, DOCX and XLSX only, judged by what the bytes
are, never by the name or the browser's content type; size-limited; served only inside the
scope, as downloads. Photos are re-encoded by Pillow: resized for the page and stripped of their
EXIF data (location, camera), since officials photograph people at work.

Every app that takes files has a concrete model on `AttachmentBase` (its parent and scope are
its own) and a form field from here; the views serve them with `attachment_response`.
"""

import hashlib
import io
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from reform.storage import open_stored


class FileKind(models.TextChoices):
    PDF = "pdf", "PDF"
    JPEG = "jpeg", "JPEG"
    PNG = "png", "PNG"
    DOCX = "docx", _("Word document (.docx)")
    XLSX = "xlsx", _("Excel workbook (.xlsx)")


CONTENT_TYPES = {
    FileKind.PDF: "application/pdf",
    FileKind.JPEG: "image/jpeg",
    FileKind.PNG: "image/png",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {
    FileKind.PDF: "pdf",
    FileKind.JPEG: "jpg",
    FileKind.PNG: "png",
    FileKind.DOCX: "docx",
    FileKind.XLSX: "xlsx",
}
DOCUMENT_KINDS = tuple(FileKind)
PHOTO_KINDS = (FileKind.JPEG, FileKind.PNG)

# Office files are ZIP archives: refuse ones that would unpack to far more than they weigh.
# Deflate cannot beat ~1030:1; sheet XML typically compresses 10-20:1, and styled empty cells
# more, so only a far higher ratio is taken as a bomb (the Excel import uses the same check).
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 300
MAX_MEMBERS = 10_000
# Photos: the longest side kept for the page, and the thumbnail's.
PHOTO_MAX_SIDE = 1600
THUMBNAIL_SIDE = 320
# Far beyond any camera; Pillow refuses larger images (decompression bombs) with an error.
MAX_IMAGE_PIXELS = 80_000_000

_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    KeyError,
    OSError,
    EOFError,
    ValueError,
    RuntimeError,
)


def zip_sizes_are_sane(archive: zipfile.ZipFile, max_unzipped_bytes: int) -> bool:
    """False for an archive that would unpack to too much (a zip bomb) or has too many members."""
    members = archive.infolist()
    total = sum(info.file_size for info in members)
    absurd = any(
        info.file_size > 10 * 1024 * 1024 and info.file_size > MAX_RATIO * info.compress_size
        for info in members
    )
    return total <= max_unzipped_bytes and not absurd and len(members) <= MAX_MEMBERS


def _office_kind(data: bytes) -> FileKind | None:
    """DOCX or XLSX for a sound, macro-free Office archive; None for anything else."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if not zip_sizes_are_sane(archive, MAX_UNZIPPED_BYTES):
            raise ValidationError(_("The archive inside this file is damaged or far too large."))
        names = set(archive.namelist())
        if "[Content_Types].xml" not in names:
            return None
        types = archive.open("[Content_Types].xml").read(1024 * 1024).lower()
        if b"macroenabled" in types or any(n.lower().endswith("vbaproject.bin") for n in names):
            raise ValidationError(_("Files with macros are not accepted."))
        if "word/document.xml" in names:
            return FileKind.DOCX
        if "xl/workbook.xml" in names:
            return FileKind.XLSX
    except _ZIP_ERRORS:
        return None
    return None


def _image_kind(data: bytes) -> FileKind | None:
    """JPEG or PNG when Pillow can decode the whole image; None otherwise."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                return None
            image.load()
            return {"JPEG": FileKind.JPEG, "PNG": FileKind.PNG}.get(image.format or "")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None


def sniff(data: bytes) -> FileKind | None:
    """The kind of a file judged by its content alone, or None when it is none of ours."""
    if data.startswith(b"%PDF-"):
        # A PDF's last lines carry its end marker; a truncated or forged file lacks it.
        return FileKind.PDF if b"%%EOF" in data[-2048:] else None
    if data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _image_kind(data)
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    return None


def kinds_label(kinds: tuple[FileKind, ...]) -> str:
    return " / ".join(str(FileKind(kind).label) for kind in kinds)


@dataclass(frozen=True)
class CheckedFile:
    """An upload whose content was checked: what it is, and the bytes to store."""

    name: str  # the name the user gave it, for downloads
    kind: FileKind
    content: bytes

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def model_fields(self) -> dict:
        """The fields of an `AttachmentBase` row for this file."""
        return {
            "file": ContentFile(self.content, name=f"upload.{EXTENSIONS[self.kind]}"),
            "original_name": self.name[:255],
            "kind": self.kind,
            "size": self.size,
            "sha256": self.sha256,
        }


def _read_limited(upload: IO[bytes], max_bytes: int) -> bytes:
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValidationError(
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(max_bytes)}
        )
    return data


def check_upload(
    upload, *, kinds: tuple[FileKind, ...] = DOCUMENT_KINDS, max_bytes: int | None = None
) -> CheckedFile:
    """The upload as a `CheckedFile`, or ValidationError with a message in the user's language.

    Photos (JPEG and PNG) come back re-encoded: oriented, at most PHOTO_MAX_SIDE pixels on the
    longest side, without EXIF or other metadata.
    """
    limit = max_bytes if max_bytes is not None else settings.ATTACHMENT_MAX_BYTES
    data = _read_limited(upload, limit)
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1] or "file"
    if not data:
        raise ValidationError(_("The file %(name)s is empty.") % {"name": name})
    kind = sniff(data)
    if kind is None or kind not in kinds:
        raise ValidationError(
            _("%(name)s is not a file of an accepted type (accepted: %(kinds)s).")
            % {"name": name, "kinds": kinds_label(kinds)}
        )
    if kind in PHOTO_KINDS:
        data = photo_normalise(data, max_side=PHOTO_MAX_SIDE)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return CheckedFile(name=f"{stem}.{EXTENSIONS[kind]}", kind=kind, content=data)


def photo_normalise(data: bytes, *, max_side: int) -> bytes:
    """The image turned upright, shrunk to fit max_side, re-encoded without any metadata."""
    with Image.open(io.BytesIO(data)) as image:
        fmt = image.format
        upright = ImageOps.exif_transpose(image)
        if upright.mode not in ("RGB", "RGBA", "L", "LA"):
            upright = upright.convert("RGBA" if fmt == "PNG" else "RGB")
        upright.thumbnail((max_side, max_side))
        # A fresh image holds pixels only: no EXIF, GPS, XMP, ICC profile, comments or text.
        clean = Image.new(upright.mode, upright.size)
        clean.paste(upright)
        buffer = io.BytesIO()
        if fmt == "PNG":
            clean.save(buffer, format="PNG", optimize=True)
        else:
            if clean.mode != "RGB":
                clean = clean.convert("RGB")
            clean.save(buffer, format="JPEG", quality=85, optimize=True)
        return buffer.getvalue()


def thumbnail_bytes(data: bytes, *, side: int = THUMBNAIL_SIDE) -> bytes:
    """A small JPEG of a stored photo for lists and cards."""
    with Image.open(io.BytesIO(data)) as image:
        image.thumbnail((side, side))
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=80)
        return buffer.getvalue()


def attachment_upload_path(instance: "AttachmentBase", filename: str) -> str:
    # On disk only a random name: the name people gave the file is kept in original_name.
    suffix = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "bin"
    return (
        f"attachments/{instance._meta.app_label}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix}"
    )


class AttachmentBase(models.Model):
    """A checked file attached to something; the concrete model adds the parent it belongs to."""

    file = models.FileField(_("file"), upload_to=attachment_upload_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("type"), max_length=8, choices=FileKind.choices)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_photo(self) -> bool:
        return self.kind in PHOTO_KINDS

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[FileKind(self.kind)]


def attachment_response(attachment: AttachmentBase, *, inline: bool = False) -> FileResponse:
    """The stored file as a download (photos may be shown inline: Pillow re-encoded them).

    The caller has already checked that the attachment lies in the user's scope.
    """
    inline = inline and attachment.is_photo
    # A file removed from the storage behind the site's back: FileGone, an explaining 404.
    stored = open_stored(attachment.file, label=attachment.original_name)
    response = FileResponse(
        stored,
        as_attachment=not inline,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Nothing in a served file may run as part of the site.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=0"
    return response


class AttachmentField(forms.FileField):
    """One file, checked by content: `cleaned_data` holds a CheckedFile (or None)."""

    def __init__(self, *, kinds: tuple[FileKind, ...] = DOCUMENT_KINDS, **kwargs):
        self.kinds = kinds
        kwargs.setdefault(
            "help_text",
            _("%(kinds)s, up to %(limit)s.")
            % {"kinds": kinds_label(kinds), "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES)},
        )
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ",".join(f".{EXTENSIONS[k]}" for k in kinds))

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return None
        return check_upload(upload, kinds=self.kinds)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleAttachmentField(AttachmentField):
    """Several files at once: `cleaned_data` holds a list of CheckedFile (maybe empty).

    Every file is checked; one bad file fails the whole field, naming the file, so nothing is
    half-saved.
    """

    def __init__(self, *, max_files: int = 20, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("widget", MultipleFileInput)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        if self.required and not uploads:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(uploads) > self.max_files:
            raise ValidationError(
                _("At most %(count)s files at a time.") % {"count": self.max_files}
            )
        checked, errors = [], []
        for upload in uploads:
            try:
                checked.append(check_upload(upload, kinds=self.kinds))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return checked
