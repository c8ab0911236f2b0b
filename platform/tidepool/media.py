"""Serving the local media folder (the embedded default, and self-hosting without S3).

Django's static `serve` always sends the whole file. A browser needs byte ranges to seek
in a video, so this answers a single `Range: bytes=…` request with 206 Partial Content,
as S3 does in production.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils._os import safe_join
from django.views.static import serve

BYTE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK_BYTES = 64 * 1024


def serve_media(request: HttpRequest, path: str, document_root: str) -> HttpResponseBase:
    response = serve(request, path, document_root=document_root)
    if response.status_code != 200:
        return response
    response["Accept-Ranges"] = "bytes"
    match = BYTE_RANGE.match(request.headers.get("Range", "").strip())
    if match is None or match.groups() == ("", ""):
        return response  # no range, or one this does not serve: the whole file
    response.close()

    file_path = Path(safe_join(document_root, path))
    size = file_path.stat().st_size
    first, last = match.groups()
    if first:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    else:  # "bytes=-N": the last N bytes
        start, end = max(0, size - int(last)), size - 1
    if start >= size or start > end:
        unsatisfiable = HttpResponse(status=416)
        unsatisfiable["Content-Range"] = f"bytes */{size}"
        return unsatisfiable

    partial = StreamingHttpResponse(
        _read(file_path.open("rb"), start, end - start + 1),
        status=206,
        content_type=response["Content-Type"],
    )
    partial["Content-Range"] = f"bytes {start}-{end}/{size}"
    partial["Content-Length"] = str(end - start + 1)
    partial["Accept-Ranges"] = "bytes"
    partial["Last-Modified"] = response["Last-Modified"]
    return partial


def _read(file: BinaryIO, start: int, length: int) -> Iterator[bytes]:
    with file:
        file.seek(start)
        while length > 0:
            chunk = file.read(min(CHUNK_BYTES, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk
