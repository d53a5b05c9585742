"""The upload's multipart parser: file names that are not UTF-8 still arrive."""

from collections.abc import Mapping
from typing import IO
from typing import Any
from typing import cast

from django.http.multipartparser import ChunkIter
from django.http.multipartparser import LazyStream
from django.http.multipartparser import MultiPartParserError
from django.utils.http import parse_header_parameters
from rest_framework.exceptions import ParseError
from rest_framework.parsers import DataAndFiles
from rest_framework.parsers import MultiPartParser

# The upload's one part starts well inside this; later parts go to Django as sent.
HEAD_BYTES = 64 * 1024
HEADER_END = b"\r\n\r\n"
MALFORMED_MESSAGE = (
    "The upload is not a well-formed multipart form, or the headers of its file "
    "part (the file name included) are longer than 10 KB. Send the recording "
    "in the multipart field 'file'."
)


def decodable_part_headers(head: bytes, delimiter: bytes) -> bytes:
    """``head`` with every complete part header block made valid UTF-8.

    Django skips a part whose headers do not decode, so a file name sent as
    raw Latin-1 bytes (as curl does) lost the file; bytes that do not decode
    become U+FFFD in the stored display name instead.
    """
    parts = head.split(delimiter)
    for index, part in enumerate(parts[1:], start=1):
        headers, end, rest = part.partition(HEADER_END)
        if end:
            fixed = headers.decode("utf-8", errors="replace").encode()
            parts[index] = fixed + end + rest
    return delimiter.join(parts)


class UploadMultiPartParser(MultiPartParser):
    """DRF's multipart parser with readable part headers and plain-language errors."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> DataAndFiles:
        _, parameters = parse_header_parameters(media_type or "")
        if boundary := parameters.get("boundary", "").encode():
            lazy = LazyStream(ChunkIter(cast(Any, stream), HEAD_BYTES))
            head = lazy.read(HEAD_BYTES)
            lazy.unget(decodable_part_headers(head, b"--" + boundary))
            stream = cast(IO[Any], lazy)
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError as error:
            if isinstance(error.__context__, MultiPartParserError):
                raise ParseError(MALFORMED_MESSAGE) from error.__context__
            raise
