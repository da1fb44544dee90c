"""Where the site keeps its files, so that every app server reads the same ones.

Uploaded workbooks, import previews and undo logs, and the files people attach are stored
through Django's default storage, chosen by the FILE_STORAGE setting (reform/settings.py):

- `database` (the production default): `DatabaseStorage` below. One database backup then holds
  every record and every file, and any number of app servers share them.
- `s3`: S3-compatible object storage through django-storages.
- `local`: MEDIA_ROOT on this server's disk; the development default only, since a second app
  server would not see the first one's files.

Files are never served by URL: every download goes through a view that checks the user's scope
first. A file that vanished from the storage behind the site's back (deleted by hand, lost with a
disk or a bucket) raises `FileGone` from `open_stored`; `FileGoneMiddleware` answers it with a
404 page in the site's layout that says what happened and what to do, never a 500.
"""

from __future__ import annotations

import io
import logging

from django.core.files.base import File
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.shortcuts import render
from django.utils.deconstruct import deconstructible
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from reform.models import StoredFile, StoredFileChunk

logger = logging.getLogger(__name__)

# A row per piece: small enough that a 20 MB file is never held whole, large enough that a
# file takes few queries (a 10 MB workbook: 20 rows).
CHUNK_BYTES = 512 * 1024


class _ChunkReader(io.RawIOBase):
    """A stored file's bytes, fetched one chunk (one query) at a time as they are read."""

    def __init__(self, file_id: int, size: int):
        super().__init__()
        self.file_id = file_id
        self.size = size
        self.position = 0
        self.chunk_offset = 0
        self.chunk = b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self.position = base + offset
        return self.position

    def _load(self) -> None:
        """Fetch the chunk that holds the current position, unless it is the one held."""
        start = self.position - self.chunk_offset
        if 0 <= start < len(self.chunk):
            return
        row = (
            StoredFileChunk.objects.filter(file_id=self.file_id, offset__lte=self.position)
            .order_by("-offset")
            .values_list("offset", "data")
            .first()
        )
        if row is None or row[0] + len(row[1]) <= self.position:
            # Deleted while it was being read (or damaged): the reader cannot go on.
            raise FileNotFoundError(f"stored file {self.file_id} lost its bytes at {self.position}")
        self.chunk_offset, self.chunk = row[0], bytes(row[1])

    def readinto(self, buffer) -> int:
        if self.position >= self.size:
            return 0
        self._load()
        start = self.position - self.chunk_offset
        count = min(len(buffer), len(self.chunk) - start, self.size - self.position)
        buffer[:count] = memoryview(self.chunk)[start : start + count]
        self.position += count
        return count

    def readall(self) -> bytes:
        parts = []
        while piece := self.read(CHUNK_BYTES):
            parts.append(piece)
        return b"".join(parts)


def _stream(name: str) -> tuple[io.BufferedReader, int]:
    row = StoredFile.objects.filter(name=name).values_list("pk", "size").first()
    if row is None:
        raise FileNotFoundError(f"No stored file {name!r}")
    return io.BufferedReader(_ChunkReader(*row), buffer_size=64 * 1024), row[1]


class _StoredFile(File):
    """An open stored file. Unlike a plain File it can be opened again after closing (a
    FieldFile reopens its file), which reads the stored bytes afresh."""

    def __init__(self, name: str):
        stream, size = _stream(name)
        super().__init__(stream, name=name)
        self.size = size
        self.mode = "rb"

    def open(self, mode=None, *args, **kwargs):
        if self.closed:
            self.file, self.size = _stream(self.name)
        else:
            self.seek(0)
        return self


@deconstructible(path="reform.storage.DatabaseStorage")
class DatabaseStorage(Storage):
    """Files in the database, in pieces of at most CHUNK_BYTES, read back as a stream.

    Saving writes the file row and all its pieces in one transaction, so no server ever sees
    half a file. Names are unique (`get_available_name` adds a suffix, and a race between two
    servers for one name is settled by the unique index). There is no URL: views serve files.
    """

    def __init__(self, chunk_bytes: int = CHUNK_BYTES):
        self.chunk_bytes = chunk_bytes

    def _open(self, name: str, mode: str = "rb") -> File:
        if mode not in ("r", "rb"):
            raise ValueError("Stored files are opened for reading; write them with save().")
        return _StoredFile(name)

    def _save(self, name: str, content) -> str:
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    self._write(name, content)
                return name
            except IntegrityError:
                # Another server saved a file of this name since get_available_name looked.
                name = self.get_available_name(name)
        raise FileExistsError(f"Could not find a free name for {name!r}")

    def _write(self, name: str, content) -> None:
        stored = StoredFile.objects.create(name=name)
        offset = 0
        for piece in content.chunks(self.chunk_bytes):
            # A reader may hand back a piece longer than asked for; store at most chunk_bytes.
            for start in range(0, len(piece), self.chunk_bytes):
                part = piece[start : start + self.chunk_bytes]
                StoredFileChunk.objects.create(file=stored, offset=offset, data=part)
                offset += len(part)
        StoredFile.objects.filter(pk=stored.pk).update(size=offset)

    def delete(self, name: str) -> None:
        StoredFile.objects.filter(name=name).delete()

    def exists(self, name: str) -> bool:
        return StoredFile.objects.filter(name=name).exists()

    def size(self, name: str) -> int:
        size = StoredFile.objects.filter(name=name).values_list("size", flat=True).first()
        if size is None:
            raise FileNotFoundError(f"No stored file {name!r}")
        return size

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        prefix = path.strip("/") + "/" if path.strip("/") else ""
        directories, files = set(), []
        names = StoredFile.objects.filter(name__startswith=prefix).values_list("name", flat=True)
        for name in names.iterator():
            rest = name[len(prefix) :]
            if "/" in rest:
                directories.add(rest.split("/", 1)[0])
            else:
                files.append(rest)
        return sorted(directories), sorted(files)

    def get_created_time(self, name: str):
        created = StoredFile.objects.filter(name=name).values_list("created_at", flat=True).first()
        if created is None:
            raise FileNotFoundError(f"No stored file {name!r}")
        return created

    get_modified_time = get_accessed_time = get_created_time

    def url(self, name: str) -> str:
        raise NotImplementedError(
            "Stored files have no URL: serve them through a view that checks the scope."
        )

    def path(self, name: str) -> str:
        raise NotImplementedError("Stored files have no local path; open() them instead.")


# -- a file that vanished ----------------------------------------------------------------------


class FileGone(Http404):
    """A file the site stored is no longer in the storage; the page explains it (404).

    `label` is the name people know the file by (the name it was uploaded under, or the
    download's name); `stored_name` is the storage's name, for the log.
    """

    def __init__(self, label: str = "", *, stored_name: str = "", back_url: str = ""):
        super().__init__(f"stored file gone: {stored_name or label}")
        self.label = label
        self.stored_name = stored_name
        self.back_url = back_url


def open_stored(field_file: FieldFile, *, label: str = "", back_url: str = "") -> File:
    """The stored file opened for reading, or FileGone when the storage no longer has it."""
    if not field_file:
        raise FileGone(label, back_url=back_url)
    try:
        return field_file.storage.open(field_file.name, "rb")
    except FileNotFoundError:
        raise FileGone(label, stored_name=field_file.name, back_url=back_url) from None


def file_gone_response(request, exception: FileGone):
    logger.warning("A stored file is gone from the storage: %s", exception.stored_name)
    back_url = exception.back_url
    referer = request.META.get("HTTP_REFERER", "")
    if not back_url and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back_url = referer
    context = {
        "file_name": exception.label,
        "back_url": back_url,
        "title": _("This file is no longer available"),
    }
    return render(request, "file_gone.html", context, status=404)


class FileGoneMiddleware:
    """Turns FileGone from any view into the explaining 404 page, in the user's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, FileGone):
            return file_gone_response(request, exception)
        return None
