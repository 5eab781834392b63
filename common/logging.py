"""Log formatting: one line per event, so log shippers never split a traceback."""

from __future__ import annotations

import logging


class OneLineFormatter(logging.Formatter):
    """Folds newlines (tracebacks, multi-line messages) into ' | ' on a single line."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace("\r", "").replace("\n", " | ")
