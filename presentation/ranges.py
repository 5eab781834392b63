"""HTTP byte ranges for downloads (RFC 9110, 14): one range per request, so that a client can
resume a large workbook. Several ranges (a multipart answer) are not offered: such a header,
or a malformed one, is ignored and the whole file sent, as the RFC allows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SINGLE = re.compile(r"^bytes=(?:(\d+)-(\d*)|-(\d+))$")


@dataclass(frozen=True)
class Unsatisfiable:
    """The range lies beyond the file: 416 with `Content-Range: bytes */size`."""


def requested_range(
    header: str | None, size: int, *, if_range: str | None, etag: str
) -> tuple[int, int] | Unsatisfiable | None:
    """(first, last) inclusive; Unsatisfiable; or None for the whole file.

    If-Range must name this file's strong ETag, or the whole (new) file is sent: a date or
    another tag means the client's part may belong to a file made before this one."""
    if not header:
        return None
    if if_range is not None and if_range.strip() != etag:
        return None
    match = _SINGLE.match(header.strip())
    if match is None:
        return None
    first, last, suffix = match.groups()
    if suffix is not None:
        length = int(suffix)
        if length == 0 or size == 0:
            return Unsatisfiable()
        return max(0, size - length), size - 1
    start = int(first)
    end = size - 1 if last == "" else min(int(last), size - 1)
    if last != "" and int(last) < start:
        return None  # not a valid range: ignored
    if start >= size:
        return Unsatisfiable()
    return start, end
