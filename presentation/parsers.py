"""The JSON parser of every API view: bounded in size and in nesting depth.

DRF's JSONParser reads the request stream directly, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE
(which guards request.body) never applies to it, and json.load recurses once per nesting
level, so a body like [[[[...]]]] ends in RecursionError (a 500 and a traceback per hit).
Here the body is read up to the limit (413 beyond it) and anything nested deeper than
MAX_JSON_DEPTH is a 400: no API input is more than three levels deep.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 20


def json_depth_exceeds(value: object, limit: int) -> bool:
    """True when containers nest deeper than `limit` (iterative: no recursion to exhaust)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _nesting_message() -> str:
    return _("JSON nested deeper than %(depth)s levels.") % {"depth": MAX_JSON_DEPTH}


class BoundedJSONParser(JSONParser):
    """JSONParser with a body-size limit and a nesting-depth limit."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = b"" if stream is None else stream.read(limit + 1 if limit is not None else -1)
        if limit is not None and len(raw) > limit:
            raise RequestDataTooBig(
                _("The request body is larger than %(limit)s bytes.") % {"limit": limit}
            )
        encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        try:
            data = json.loads(raw.decode(encoding), parse_constant=_refuse_constant)
        except RecursionError as exc:
            raise ParseError(_nesting_message()) from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        if json_depth_exceeds(data, MAX_JSON_DEPTH):
            raise ParseError(_nesting_message())
        return data


def _refuse_constant(name: str) -> None:
    """NaN and Infinity are not JSON (DRF's STRICT_JSON, kept)."""
    raise ValueError(f"Out of range float values are not JSON compliant: {name!r}")
