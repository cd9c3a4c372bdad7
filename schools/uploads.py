"""Upload size limits enforced while the upload streams in, so an oversized file is never stored."""

from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops keeping a file once it passes `limit` bytes; the view then says the file is too large.

    Put it first in request.upload_handlers: the handlers after it (memory or temporary file) receive the
    data only while the file is within the limit, and drop what they had when it is skipped.
    """

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.exceeded = True
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
