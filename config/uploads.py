"""Uploaded files stop at the per-file limit while they stream in.

Django's own handlers keep a small request in memory and write every other file to a temporary
file, however large it is. ``CappedUploadHandler`` goes first in FILE_UPLOAD_HANDLERS: once a
file has sent more than UPLOAD_MAX_BYTES, it is skipped (Django reads the rest of its bytes and
drops them, and deletes its temporary file), so at most the limit is ever held for one file, and
the other files of the request go on.

A skipped file is not in ``request.FILES``; ``request_files`` puts it back in its place as a
``TooLargeUpload`` (a name, no content, a size above the limit), so the page or the API reports
it by name with the others (``recruiting.services.resumes.upload_read`` refuses it).
"""

from __future__ import annotations

import io

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.datastructures import MultiValueDict


class TooLargeUpload(UploadedFile):
    """A file the upload handler stopped at the limit: its name and the bytes it had sent by
    then (``size``, above the limit); its content was dropped."""

    def __init__(self, name: str, size: int):
        super().__init__(file=io.BytesIO(), name=name, size=size)


class CappedUploadHandler(FileUploadHandler):
    """Passes each chunk on to the next handler until the file goes past UPLOAD_MAX_BYTES, then
    skips the file and remembers it (field, position among that field's files)."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.UPLOAD_MAX_BYTES
        self.started: dict[str, int] = {}  # files begun, per field
        self.skipped: list[tuple[str, int, TooLargeUpload]] = []
        self.position = 0

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.position = self.started.get(field_name, 0)
        self.started[field_name] = self.position + 1

    def receive_data_chunk(self, raw_data, start):
        # Raised here, never in new_file: by now every handler has begun this file, so the
        # file Django closes on SkipFile is this one, not the previous one.
        received = start + len(raw_data)
        if received > self.limit:
            self.skipped.append(
                (self.field_name, self.position, TooLargeUpload(self.file_name, received))
            )
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) holds the file


def request_files(request) -> MultiValueDict:
    """``request.FILES`` (a Django or a DRF request) with each file stopped at the limit back in
    its place among its field's files, as a ``TooLargeUpload``."""
    files = request.FILES
    skipped = [
        s
        for handler in request.upload_handlers
        if isinstance(handler, CappedUploadHandler)
        for s in handler.skipped
    ]
    if not skipped:
        return files
    merged = MultiValueDict({field: list(files.getlist(field)) for field in files})
    for field in dict.fromkeys(f for f, _, _ in skipped):
        kept = iter(files.getlist(field))
        refused = {position: upload for f, position, upload in skipped if f == field}
        count = len(files.getlist(field)) + len(refused)
        in_order = [refused[i] if i in refused else next(kept, None) for i in range(count)]
        merged.setlist(field, [u for u in in_order if u is not None] + list(kept))
    return merged
